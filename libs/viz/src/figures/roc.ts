// ROC curve(s): AUROC in the legend, the chance diagonal, and the operating threshold marked.
import { Axes, plotRect } from '../plot/axes.js';
import { newFigure, PALETTE, toPng } from '../plot/canvas.js';
import { drawLegend, type LegendItem } from '../plot/legend.js';
import { checkCurve, fmt, type FigureOptions } from './common.js';

export interface RocSeries {
  fpr: ArrayLike<number>;
  tpr: ArrayLike<number>;
  auroc: number;
  /** Legend name (default 'ROC'). */
  label?: string;
  /** The chosen operating point, marked on the curve. */
  threshold?: { fpr: number; tpr: number; value: number };
}

/** PNG of one or more ROC curves (default 560×520). */
export function renderRoc(series: RocSeries | readonly RocSeries[], options: FigureOptions = {}): Buffer {
  const list = Array.isArray(series) ? (series as readonly RocSeries[]) : [series as RocSeries];
  if (list.length === 0) throw new Error('renderRoc: series is empty');
  list.forEach((s, i) => checkCurve('renderRoc', `series[${i}] (fpr, tpr)`, s.fpr, s.tpr));
  const { canvas, ctx } = newFigure(options.width ?? 560, options.height ?? 520, 'renderRoc');
  const axes = new Axes(ctx, plotRect({ x: 0, y: 0, w: canvas.width, h: canvas.height }), [0, 1], [0, 1]);
  axes.drawFrame({ title: options.title ?? 'ROC curve', xLabel: 'False positive rate', yLabel: 'True positive rate' });
  axes.line([0, 1], [0, 1], { color: '#888888', width: 1.5, dash: [6, 5] });
  const legend: LegendItem[] = [];
  list.forEach((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    axes.line(s.fpr, s.tpr, { color, width: 2.5 });
    legend.push({ label: `${s.label ?? 'ROC'} (AUROC ${fmt(s.auroc)})`, color });
  });
  list.forEach((s, i) => {
    if (!s.threshold) return;
    axes.marker(s.threshold.fpr, s.threshold.tpr, PALETTE[i % PALETTE.length]);
    legend.push({
      label: `threshold ${fmt(s.threshold.value)} (FPR ${fmt(s.threshold.fpr, 2)}, TPR ${fmt(s.threshold.tpr, 2)})`,
      color: PALETTE[i % PALETTE.length],
      kind: 'dot',
    });
  });
  legend.push({ label: 'chance', color: '#888888', dash: [6, 5] });
  drawLegend(ctx, axes.rect, legend, 'lower-right');
  return toPng(canvas);
}
