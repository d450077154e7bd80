// Scatter of a 2-D embedding (t-SNE) coloured by group, legend beside the plot so it never hides points.
import { Axes, plotRect } from '../plot/axes.js';
import { newFigure, PALETTE, toPng } from '../plot/canvas.js';
import { drawLegend, legendSize, type LegendItem } from '../plot/legend.js';
import type { FigureOptions } from './common.js';

/** The groups of the report's t-SNE figure, in legend order (group index = position). */
export const EMBEDDING_GROUPS = [
  'train good',
  'test good',
  'test defect',
  'artificial CutPaste',
  'artificial polygon CutPaste',
  'artificial scar',
] as const;

export interface ScatterInput {
  /** n × 2 row-major coordinates. */
  points: Float32Array | Float64Array;
  /** Group index per point, into groupNames. */
  groups: Uint8Array;
  /** Default EMBEDDING_GROUPS. */
  groupNames?: readonly string[];
  /** Colour per group (default the categorical palette). */
  colors?: readonly string[];
}

/** PNG scatter plot of labelled 2-D points (default 800×560). */
export function renderScatter(input: ScatterInput, options: FigureOptions & { xLabel?: string; yLabel?: string } = {}): Buffer {
  const { points, groups } = input;
  const names = input.groupNames ?? EMBEDDING_GROUPS;
  const colors = input.colors ?? PALETTE;
  const n = groups.length;
  if (n === 0) throw new Error('renderScatter: groups is empty');
  if (points.length !== 2 * n) throw new Error(`renderScatter: points has ${points.length} values, expected 2·groups.length = ${2 * n}`);
  if (names.length > colors.length) throw new Error(`renderScatter: ${names.length} groups but only ${colors.length} colours`);
  const counts = new Uint32Array(names.length);
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    if (groups[i] >= names.length) throw new Error(`renderScatter: groups[${i}] is ${groups[i]}, allowed [0, ${names.length - 1}]`);
    const x = points[2 * i];
    const y = points[2 * i + 1];
    if (!Number.isFinite(x) || !Number.isFinite(y)) throw new Error(`renderScatter: point ${i} is not finite`);
    counts[groups[i]]++;
    [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
  }
  const padX = (x1 - x0 || 1) * 0.05;
  const padY = (y1 - y0 || 1) * 0.05;

  const { canvas, ctx } = newFigure(options.width ?? 800, options.height ?? 560, 'renderScatter');
  const legend: LegendItem[] = [];
  names.forEach((name, g) => {
    if (counts[g] > 0) legend.push({ label: `${name} (n=${counts[g]})`, color: colors[g], kind: 'dot' });
  });
  const lw = legendSize(ctx, legend).w;
  const rect = plotRect({ x: 0, y: 0, w: canvas.width - lw - 16, h: canvas.height });
  const axes = new Axes(ctx, rect, [x0 - padX, x1 + padX], [y0 - padY, y1 + padY]);
  axes.drawFrame({
    title: options.title ?? 't-SNE of embeddings',
    xLabel: options.xLabel ?? 't-SNE 1',
    yLabel: options.yLabel ?? 't-SNE 2',
  });
  ctx.save();
  axes.clip();
  ctx.globalAlpha = 0.85;
  // Group by group so a legend colour is one draw pass; later groups (the rarer defects) land on top.
  for (let g = 0; g < names.length; g++) {
    ctx.fillStyle = colors[g];
    ctx.beginPath();
    for (let i = 0; i < n; i++) {
      if (groups[i] !== g) continue;
      const px = axes.px(points[2 * i]);
      const py = axes.py(points[2 * i + 1]);
      ctx.moveTo(px + 3.5, py);
      ctx.arc(px, py, 3.5, 0, 2 * Math.PI);
    }
    ctx.fill();
  }
  ctx.restore();
  drawLegend(ctx, rect, legend, { x: rect.x + rect.w + 12, y: rect.y });
  return toPng(canvas);
}
