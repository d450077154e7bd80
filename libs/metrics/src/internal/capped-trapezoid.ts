/**
 * Trapezoidal area under points fed in order of non-decreasing x, stopping at xMax with the y there linearly
 * interpolated: the `trapezoid(x, y, x_max)` of the MVTec AD evaluation code (generic_util.py), streamed.
 */
export class CappedTrapezoid {
  area = 0;
  done = false;
  private started = false;
  private px = 0;
  private py = 0;

  constructor(private readonly xMax: number) {}

  /** Returns false once the limit is passed (later points cannot change the area). */
  add(x: number, y: number): boolean {
    if (this.done) return false;
    if (this.started && x > this.xMax) {
      const { px, py, xMax } = this;
      if (px !== xMax) {
        const yAtMax = py + ((y - py) * (xMax - px)) / (x - px);
        this.area += 0.5 * (yAtMax + py) * (xMax - px);
      }
      this.done = true;
      return false;
    }
    if (this.started) this.area += 0.5 * (y + this.py) * (x - this.px);
    this.started = true;
    this.px = x;
    this.py = y;
    return true;
  }
}
