// Wall-clock seconds per phase of a run, for metrics.json's `timings`.
export class Timer {
  readonly timings: Record<string, number>;
  private t = Date.now();
  private readonly t0 = this.t;

  /** `carried`: phases timed by an earlier process (an evaluation keeps its run's training time). */
  constructor(carried: Record<string, number> = {}) {
    this.timings = { ...carried };
  }

  lap(name: string): void {
    const now = Date.now();
    this.timings[name] = (now - this.t) / 1000;
    this.t = now;
  }

  /** This process's wall time. */
  total(): void {
    this.timings.total = (Date.now() - this.t0) / 1000;
  }
}
