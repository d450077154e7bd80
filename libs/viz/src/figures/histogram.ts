// Score histogram of good vs defective test images with the decision threshold.
import { Axes, plotRect } from '../plot/axes.js';
import { newFigure, toPng } from '../plot/canvas.js';
import { drawLegend, type LegendItem } from '../plot/legend.js';
import { fmt, type FigureOptions } from './common.js';

export interface ScoreHistogramInput {
  /** Image anomaly scores. */
  scores: Float32Array | Float64Array;
  /** 0 = good, 1 = defective, one per score. */
  labels: Uint8Array;
  threshold?: number;
}

export interface HistogramOptions extends FigureOptions {
  /** Number of bins over the score range, in [2, 200] (default 30). */
  bins?: number;
}

/** Semi-transparent fills so overlapping bins stay visible; the legend swatches use the same colours. */
export const GOOD_FILL = 'rgba(31,119,180,0.55)';
export const DEFECT_FILL = 'rgba(214,39,40,0.55)';

/** PNG of the two score distributions (default 640×440). */
export function renderScoreHistogram(input: ScoreHistogramInput, options: HistogramOptions = {}): Buffer {
  const { scores, labels, threshold } = input;
  if (scores.length === 0) throw new Error('renderScoreHistogram: scores is empty');
  if (labels.length !== scores.length)
    throw new Error(`renderScoreHistogram: labels has ${labels.length} entries, scores has ${scores.length}`);
  const bins = options.bins ?? 30;
  if (!Number.isInteger(bins) || bins < 2 || bins > 200)
    throw new Error(`renderScoreHistogram: options.bins must be an integer in [2, 200], got ${bins}`);
  let lo = threshold ?? Infinity;
  let hi = threshold ?? -Infinity;
  for (let i = 0; i < scores.length; i++) {
    if (!Number.isFinite(scores[i])) throw new Error(`renderScoreHistogram: scores[${i}] is ${scores[i]}`);
    if (labels[i] > 1) throw new Error(`renderScoreHistogram: labels[${i}] is ${labels[i]} (must be 0 or 1)`);
    lo = Math.min(lo, scores[i]);
    hi = Math.max(hi, scores[i]);
  }
  if (hi === lo) [lo, hi] = [lo - 0.5, hi + 0.5];
  const width = (hi - lo) / bins;
  const counts = [new Uint32Array(bins), new Uint32Array(bins)];
  for (let i = 0; i < scores.length; i++) counts[labels[i]][Math.min(bins - 1, Math.floor((scores[i] - lo) / width))]++;
  const maxCount = Math.max(1, ...counts[0], ...counts[1]);

  const { canvas, ctx } = newFigure(options.width ?? 640, options.height ?? 440, 'renderScoreHistogram');
  const axes = new Axes(ctx, plotRect({ x: 0, y: 0, w: canvas.width, h: canvas.height }), [lo - width, hi + width], [0, maxCount * 1.15]);
  axes.drawFrame({ title: options.title ?? 'Anomaly scores of test images', xLabel: 'Anomaly score', yLabel: 'Images' });
  const fills = [GOOD_FILL, DEFECT_FILL];
  ctx.save();
  axes.clip();
  for (const k of [0, 1])
    for (let b = 0; b < bins; b++) {
      if (counts[k][b] === 0) continue;
      const x0 = axes.px(lo + b * width);
      const x1 = axes.px(lo + (b + 1) * width);
      const y = axes.py(counts[k][b]);
      ctx.fillStyle = fills[k];
      ctx.fillRect(x0, y, x1 - x0 - 1, axes.py(0) - y);
    }
  ctx.restore();
  const n = [0, 0];
  for (let i = 0; i < labels.length; i++) n[labels[i]]++;
  const legend: LegendItem[] = [
    { label: `good (n=${n[0]})`, color: GOOD_FILL, kind: 'box' },
    { label: `defective (n=${n[1]})`, color: DEFECT_FILL, kind: 'box' },
  ];
  if (threshold !== undefined) {
    axes.line([threshold, threshold], [0, maxCount * 1.15], { color: '#000000', width: 2, dash: [7, 5] });
    legend.push({ label: `threshold ${fmt(threshold)}`, color: '#000000', dash: [7, 5] });
  }
  drawLegend(ctx, axes.rect, legend, 'upper-right');
  return toPng(canvas);
}
