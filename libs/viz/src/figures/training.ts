// Training curves: loss and accuracy per epoch side by side, each training stage in its own colour on one
// continuous epoch axis, with the stage boundaries marked.
import { Axes, plotRect } from '../plot/axes.js';
import { font, newFigure, PALETTE, toPng } from '../plot/canvas.js';
import { drawLegend, type LegendItem } from '../plot/legend.js';
import type { FigureOptions } from './common.js';

export interface TrainingStage {
  /** e.g. 'stage 1 (head)', 'stage 2 (fine-tune)'. */
  name: string;
  /** Mean training loss per epoch. */
  loss: ArrayLike<number>;
  /** Accuracy per epoch in [0, 1], if measured. */
  accuracy?: ArrayLike<number>;
}

/** PNG with two panels, loss and accuracy vs epoch (default 1000×440). */
export function renderTrainingCurves(stages: readonly TrainingStage[], options: FigureOptions = {}): Buffer {
  if (stages.length === 0) throw new Error('renderTrainingCurves: stages is empty');
  stages.forEach((s, i) => {
    if (s.loss.length === 0) throw new Error(`renderTrainingCurves: stages[${i}].loss is empty`);
    if (s.accuracy && s.accuracy.length !== s.loss.length)
      throw new Error(`renderTrainingCurves: stages[${i}].accuracy has ${s.accuracy.length} epochs, loss has ${s.loss.length}`);
    for (const [name, arr] of [['loss', s.loss], ['accuracy', s.accuracy ?? []]] as const)
      for (let e = 0; e < arr.length; e++)
        if (!Number.isFinite(arr[e])) throw new Error(`renderTrainingCurves: stages[${i}].${name}[${e}] is ${arr[e]}`);
  });
  const { canvas, ctx } = newFigure(options.width ?? 1000, options.height ?? 440, 'renderTrainingCurves');
  const total = stages.reduce((n, s) => n + s.loss.length, 0);
  let maxLoss = 0;
  for (const s of stages) for (let e = 0; e < s.loss.length; e++) maxLoss = Math.max(maxLoss, s.loss[e]);
  const titleH = 30;
  const half = canvas.width / 2;
  const panels = [
    { key: 'loss' as const, yLabel: 'Loss', y: [0, maxLoss > 0 ? maxLoss * 1.05 : 1] as const, corner: 'upper-right' as const },
    { key: 'accuracy' as const, yLabel: 'Accuracy', y: [0, 1] as const, corner: 'lower-right' as const },
  ];
  panels.forEach((panel, p) => {
    const outer = { x: p * half, y: titleH, w: half, h: canvas.height - titleH };
    const axes = new Axes(ctx, plotRect(outer), [0.5, total + 0.5], panel.y);
    axes.drawFrame({ title: `${panel.yLabel} per epoch`, xLabel: 'Epoch', yLabel: panel.yLabel });
    const legend: LegendItem[] = [];
    let offset = 0;
    stages.forEach((s, i) => {
      const values = panel.key === 'loss' ? s.loss : s.accuracy;
      const epochs = Float64Array.from({ length: s.loss.length }, (_, e) => offset + e + 1);
      if (i > 0) axes.line([offset + 0.5, offset + 0.5], panel.y, { color: '#777777', width: 1, dash: [4, 4] });
      offset += s.loss.length;
      if (!values) return;
      const color = PALETTE[i % PALETTE.length];
      axes.line(epochs, values, { color, width: 2.5 });
      if (epochs.length <= 60) for (let e = 0; e < epochs.length; e++) axes.marker(epochs[e], values[e], color, 3);
      legend.push({ label: s.name, color });
    });
    if (legend.length > 0) drawLegend(ctx, axes.rect, legend, panel.corner);
    else {
      ctx.fillStyle = '#666666';
      ctx.font = font(13);
      ctx.textAlign = 'center';
      ctx.fillText('not recorded', axes.rect.x + axes.rect.w / 2, axes.rect.y + axes.rect.h / 2);
    }
  });
  ctx.fillStyle = '#111111';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.font = font(17, true);
  ctx.fillText(options.title ?? 'Training curves', canvas.width / 2, titleH / 2 + 2);
  return toPng(canvas);
}
