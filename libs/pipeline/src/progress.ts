// Pure formatting of progress lines (the apps decide where and how often to write them).
import type { CountEvent, EpochEvent, TrainStepEvent } from './events.js';

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
