// Pure formatting of progress lines (the apps decide where and how often to write them).
import type { CountEvent, EpochEvent, PipelineEvent, TrainStepEvent } from './events.js';

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export function bar(fraction: number, width: number): string {
  const f = Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0));
  const full = Math.round(f * width);
  return '█'.repeat(full) + '░'.repeat(width - full);
}

/** One line: stage, epoch, bar over the epoch's steps, loss, accuracy, samples/s, ETA. */
export function formatStep(e: TrainStepEvent, barWidth = 20): string {
  const eta = e.etaSeconds === undefined ? '' : ` ETA ${formatDuration(e.etaSeconds)}`;
  return (
    `${e.stage.padEnd(6)} epoch ${e.epoch}/${e.epochs} ${bar(e.step / e.steps, barWidth)} ${e.step}/${e.steps}` +
    ` loss ${e.loss.toFixed(4)} acc ${(e.accuracy * 100).toFixed(1)}% ${e.samplesPerSecond.toFixed(1)} samples/s${eta}`
  );
}

export function formatEpoch(e: EpochEvent): string {
  return (
    `${e.stage.padEnd(6)} epoch ${e.epoch}/${e.epochs} done: loss ${e.loss.toFixed(4)} ` +
    `acc ${(e.accuracy * 100).toFixed(1)}% in ${formatDuration(e.seconds)}`
  );
}

export function formatCount(e: CountEvent, barWidth = 20): string {
  return `${e.phase.padEnd(8)} ${bar(e.done / Math.max(1, e.total), barWidth)} ${e.done}/${e.total}`;
}

/**
 * Turns events into terminal output through the writer the app gives it: step and count lines redraw in place
 * on a TTY (at most every `minIntervalMs`), epoch summaries and phases get their own line. Off a TTY (logs, CI)
 * a step line is written as a plain line at most every `logIntervalMs`, so long epochs still show progress.
 */
export class ProgressRenderer {
  private last = 0;
  private transient = false;

  constructor(
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
    private readonly minIntervalMs = 200,
    private readonly logIntervalMs = 30_000,
  ) {}

  handle(e: PipelineEvent): void {
    if (e.kind === 'step' || e.kind === 'count') {
      const now = Date.now();
      if (!this.tty) {
        if (e.kind !== 'step' || now - this.last < this.logIntervalMs) return;
        this.last = now;
        this.write(`${formatStep(e)}\n`);
        return;
      }
      const final = e.kind === 'count' ? e.done === e.total : e.step === e.steps;
      if (!final && now - this.last < this.minIntervalMs) return;
      this.last = now;
      this.write(`\r\x1b[2K${e.kind === 'step' ? formatStep(e) : formatCount(e)}`);
      this.transient = true;
      return;
    }
    this.line(e.kind === 'epoch' ? formatEpoch(e) : `[${e.phase}] ${e.message}`);
  }

  /** A permanent line (clears a pending progress line first). */
  line(text: string): void {
    if (this.transient) this.write('\r\x1b[2K');
    this.transient = false;
    this.write(`${text}\n`);
  }
}
