// The threshold panel's picture: the validation normal images' scores as a histogram, the images scored so far as
// ticks under it (red at or above the threshold), and the threshold as a line.
export interface Histogram {
  lo: number;
  hi: number;
  counts: Uint32Array;
}

/** `bins` equal bins over [lo, hi] (values outside are clamped into the end bins). */
export function histogram(values: readonly number[], lo: number, hi: number, bins: number): Histogram {
  const counts = new Uint32Array(bins);
  const span = hi - lo;
  for (const v of values) counts[span > 0 ? Math.min(bins - 1, Math.max(0, Math.floor(((v - lo) / span) * bins))) : 0]++;
  return { lo, hi, counts };
}

/** The slider's range: every value of interest, padded by 5 % on each side. */
export function scoreRange(values: readonly number[]): { lo: number; hi: number } {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (!(hi > lo)) {
    lo -= 1;
    hi += 1;
  }
  const pad = (hi - lo) * 0.05;
  return { lo: lo - pad, hi: hi + pad };
}

const css = (name: string) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

export function drawHistogram(canvas: HTMLCanvasElement, validation: readonly number[], scored: readonly number[], threshold: number, lo: number, hi: number): void {
  const ctx = canvas.getContext('2d')!;
  const { width, height } = canvas;
  ctx.clearRect(0, 0, width, height);
  const x = (v: number) => ((v - lo) / (hi - lo)) * width;
  const barsBottom = height - 14;
  if (validation.length) {
    const h = histogram(validation, lo, hi, Math.min(40, Math.max(8, Math.round(validation.length / 2))));
    const max = Math.max(...h.counts);
    const w = width / h.counts.length;
    ctx.fillStyle = css('--normal');
    h.counts.forEach((c, i) => {
      const bh = (c / max) * (barsBottom - 4);
      ctx.fillRect(i * w + 1, barsBottom - bh, w - 2, bh);
    });
  }
  for (const s of scored) {
    ctx.fillStyle = s >= threshold ? css('--anomalous') : css('--ok');
    ctx.fillRect(Math.round(x(s)) - 1, height - 12, 2, 12);
  }
  ctx.fillStyle = css('--fg');
  ctx.fillRect(Math.round(x(threshold)) - 1, 0, 2, height);
}
