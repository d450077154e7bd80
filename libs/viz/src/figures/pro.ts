// Per-region overlap (PRO) curve up to an FPR limit (0.3 in the MVTec AD protocol), AU-PRO in the legend.
import { Axes, plotRect } from '../plot/axes.js';
import { newFigure, PALETTE, toPng } from '../plot/canvas.js';
import { drawLegend, type LegendItem } from '../plot/legend.js';
import { checkCurve, fmt, type FigureOptions } from './common.js';

export interface ProSeries {
  /** Pixel false-positive rate, ascending. */
  fpr: ArrayLike<number>;
  /** Mean per-region overlap at each fpr. */
  pro: ArrayLike<number>;
  /** Normalised area under the curve up to fprLimit. */
  aupro: number;
  label?: string;
}

export interface ProOptions extends FigureOptions {
  /** Right end of the x axis, in (0, 1] (default 0.3). */
  fprLimit?: number;
}

/** PNG of one or more PRO curves, x axis from 0 to fprLimit (default 560×520). */
export function renderPro(series: ProSeries | readonly ProSeries[], options: ProOptions = {}): Buffer {
  const list = Array.isArray(series) ? (series as readonly ProSeries[]) : [series as ProSeries];
  if (list.length === 0) throw new Error('renderPro: series is empty');
  const limit = options.fprLimit ?? 0.3;
  if (!(limit > 0 && limit <= 1)) throw new Error(`renderPro: options.fprLimit must be in (0, 1], got ${limit}`);
  list.forEach((s, i) => checkCurve('renderPro', `series[${i}] (fpr, pro)`, s.fpr, s.pro));
  const { canvas, ctx } = newFigure(options.width ?? 560, options.height ?? 520, 'renderPro');
  const axes = new Axes(ctx, plotRect({ x: 0, y: 0, w: canvas.width, h: canvas.height }), [0, limit], [0, 1]);
  axes.drawFrame({
    title: options.title ?? `PRO curve (FPR ≤ ${limit})`,
    xLabel: 'False positive rate (pixels)',
    yLabel: 'Per-region overlap',
  });
  const legend: LegendItem[] = list.map((s, i) => {
    const color = PALETTE[i % PALETTE.length];
    axes.line(s.fpr, s.pro, { color, width: 2.5 });
    return { label: `${s.label ?? 'PRO'} (AU-PRO@${limit} ${fmt(s.aupro)})`, color };
  });
  drawLegend(ctx, axes.rect, legend, 'lower-right');
  return toPng(canvas);
}
