// The "dataset analysis" picture: rows of pretext samples (normal / CutPaste / polygon CutPaste / scar), each
// changed region outlined. Takes ready-made samples so viz does not depend on the augment sampler.
import type { PixelImage } from '@ssad/augment';
import type { Rgb } from '../image/pixels.js';
import { newFigure, toPng } from '../plot/canvas.js';
import { caption, drawImageCell, drawMaskOutline } from './cells.js';

export interface PretextGridSample {
  image: PixelImage;
  /** 0/1 changed region, image width·height (all zero for normal samples). */
  mask: Uint8Array;
  /** Row index into rowNames. */
  label: number;
}

export interface PretextGridOptions {
  title?: string;
  /** Row title per label (default ['normal', 'CutPaste', 'polygon CutPaste', 'scar']). */
  rowNames?: readonly string[];
  /** Samples shown per row, in [1, 32] (default 6); extra samples of a label are skipped. */
  perRow?: number;
  /** Cell edge in pixels, in [32, 1024] (default 128). */
  cellSize?: number;
}

export const OUTLINE_COLOR: Rgb = [255, 0, 255];
const PAD = 16;
const GAP = 6;
const ROW_TITLE = 24;
const TITLE = 34;

/** PNG grid, one row per label that has samples, in label order. */
export function renderPretextGrid(samples: readonly PretextGridSample[], options: PretextGridOptions = {}): Buffer {
  const names = options.rowNames ?? ['normal', 'CutPaste', 'polygon CutPaste', 'scar'];
  const perRow = options.perRow ?? 6;
  const cell = options.cellSize ?? 128;
  if (!Number.isInteger(perRow) || perRow < 1 || perRow > 32)
    throw new Error(`renderPretextGrid: options.perRow must be an integer in [1, 32], got ${perRow}`);
  if (!Number.isInteger(cell) || cell < 32 || cell > 1024)
    throw new Error(`renderPretextGrid: options.cellSize must be an integer in [32, 1024], got ${cell}`);
  const byLabel: PretextGridSample[][] = names.map(() => []);
  samples.forEach((s, i) => {
    if (!Number.isInteger(s.label) || s.label < 0 || s.label >= names.length)
      throw new Error(`renderPretextGrid: samples[${i}].label is ${s.label}, allowed [0, ${names.length - 1}] (one per rowNames)`);
    if (s.mask.length !== s.image.width * s.image.height)
      throw new Error(`renderPretextGrid: samples[${i}].mask has ${s.mask.length} values, expected image width·height`);
    if (byLabel[s.label].length < perRow) byLabel[s.label].push(s);
  });
  const rows = byLabel.map((list, label) => ({ list, label })).filter((r) => r.list.length > 0);
  if (rows.length === 0) throw new Error('renderPretextGrid: samples is empty');
  const cols = Math.max(...rows.map((r) => r.list.length));
  const width = Math.max(PAD * 2 + cols * cell + (cols - 1) * GAP, 320);
  const height = TITLE + rows.length * (ROW_TITLE + cell + GAP) + PAD;
  const { canvas, ctx } = newFigure(width, height, 'renderPretextGrid');
  caption(ctx, options.title ?? 'Pretext task samples (changed regions outlined)', width / 2, 24, width - 2 * PAD, 17, true);
  rows.forEach((row, r) => {
    const top = TITLE + r * (ROW_TITLE + cell + GAP);
    caption(ctx, `${names[row.label]} (label ${row.label})`, width / 2, top + 17, width - 2 * PAD, 14, true);
    row.list.forEach((s, c) => {
      const rect = drawImageCell(ctx, s.image, PAD + c * (cell + GAP), top + ROW_TITLE, cell);
      drawMaskOutline(ctx, s.mask, s.image.width, s.image.height, rect, OUTLINE_COLOR);
    });
  });
  return toPng(canvas);
}
