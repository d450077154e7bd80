// The heatmap_and_masks figure: per image, image | ground-truth outline | heatmap overlay | predicted outline,
// with the score and label in the row title and a colour bar for the (dataset-wide) normalisation.
import { createCanvas } from '@napi-rs/canvas';
import type { PixelImage } from '@ssad/augment';
import { colormap, type ColormapName } from '../color/colormap.js';
import { overlayHeatmap, type Rgb } from '../image/pixels.js';
import type { MapRange } from '../maps/normalize.js';
import { font, newFigure, toPng, type Ctx } from '../plot/canvas.js';
import { caption, drawImageCell, drawMaskOutline } from './cells.js';
import { fmt } from './common.js';

export interface HeatmapRow {
  image: PixelImage;
  /** Normalised anomaly map in [0, 1] (see normalizeMaps), image width·height. */
  heatmap: Float32Array;
  /** Ground-truth 0/1 mask, image width·height; absent or all-zero for good images. */
  gtMask?: Uint8Array;
  /** Predicted 0/1 mask (e.g. heatmapToMask at the pixel threshold). */
  predMask?: Uint8Array;
  score: number;
  /** e.g. 'good', 'broken_large'. */
  label: string;
  /** e.g. the file name; prefixed to the row title. */
  name?: string;
}

export interface HeatmapRowsOptions {
  title?: string;
  /** Edge of each image cell in pixels, in [32, 1024] (default 200). */
  cellSize?: number;
  colormap?: ColormapName;
  /** Heatmap opacity at value 1 (default 0.6). */
  alpha?: number;
  /** The raw range the maps were normalised with, printed on the colour bar (default 0 – 1). */
  range?: MapRange;
}

export const GT_COLOR: Rgb = [0, 230, 0];
export const PRED_COLOR: Rgb = [255, 32, 32];

const PAD = 16;
const GAP = 8;
const ROW_TITLE = 24;
const HEADER = 22;
const TITLE = 34;
const BAR = 90;

/** PNG with one row per image (several images per figure). */
export function renderHeatmapRows(rows: readonly HeatmapRow[], options: HeatmapRowsOptions = {}): Buffer {
  if (rows.length === 0) throw new Error('renderHeatmapRows: rows is empty');
  const cell = options.cellSize ?? 200;
  if (!Number.isInteger(cell) || cell < 32 || cell > 1024)
    throw new Error(`renderHeatmapRows: options.cellSize must be an integer in [32, 1024], got ${cell}`);
  rows.forEach((r, i) => {
    const n = r.image?.width * r.image?.height;
    for (const key of ['heatmap', 'gtMask', 'predMask'] as const) {
      const arr = r[key];
      if (arr && arr.length !== n)
        throw new Error(`renderHeatmapRows: rows[${i}].${key} has ${arr.length} values, expected image width·height = ${n}`);
    }
    if (!r.heatmap) throw new Error(`renderHeatmapRows: rows[${i}].heatmap is missing`);
  });
  const cmap = options.colormap ?? 'turbo';
  const width = PAD * 2 + cell * 4 + GAP * 3 + BAR;
  const rowH = ROW_TITLE + cell + GAP;
  const height = TITLE + HEADER + rows.length * rowH + PAD;
  const { canvas, ctx } = newFigure(width, height, 'renderHeatmapRows');

  caption(ctx, options.title ?? 'Anomaly maps', width / 2, 24, width - 2 * PAD, 17, true);
  const heads = ['image', 'ground truth', `anomaly map (${cmap})`, 'prediction'];
  heads.forEach((h, c) => caption(ctx, h, PAD + c * (cell + GAP) + cell / 2, TITLE + 14, cell, 13, true));

  rows.forEach((row, r) => {
    const top = TITLE + HEADER + r * rowH;
    const title = `${row.name ? row.name + ' · ' : ''}label: ${row.label} · score ${fmt(row.score)}`;
    caption(ctx, title, PAD + (cell * 4 + GAP * 3) / 2, top + 17, cell * 4 + GAP * 3, 13);
    const y = top + ROW_TITLE;
    const x = (c: number): number => PAD + c * (cell + GAP);
    const { width: w, height: h } = row.image;
    drawImageCell(ctx, row.image, x(0), y, cell);
    const gtRect = drawImageCell(ctx, row.image, x(1), y, cell);
    if (row.gtMask) drawMaskOutline(ctx, row.gtMask, w, h, gtRect, GT_COLOR);
    drawImageCell(ctx, overlayHeatmap(row.image, row.heatmap, { colormap: cmap, alpha: options.alpha }), x(2), y, cell);
    const predRect = drawImageCell(ctx, row.image, x(3), y, cell);
    if (row.predMask) drawMaskOutline(ctx, row.predMask, w, h, predRect, PRED_COLOR);
  });

  const barTop = TITLE + HEADER + ROW_TITLE;
  const barH = Math.min(cell * 1.5, height - barTop - PAD);
  drawColorBar(ctx, cmap, options.range ?? { min: 0, max: 1 }, PAD + cell * 4 + GAP * 3 + 18, barTop, barH);
  return toPng(canvas);
}

function drawColorBar(ctx: Ctx, cmap: ColormapName, range: MapRange, x: number, y: number, h: number): void {
  const lut = colormap(cmap);
  const bar = createCanvas(1, 256);
  const bctx = bar.getContext('2d');
  const img = bctx.createImageData(1, 256);
  for (let i = 0; i < 256; i++) img.data.set([lut[(255 - i) * 3], lut[(255 - i) * 3 + 1], lut[(255 - i) * 3 + 2], 255], i * 4);
  bctx.putImageData(img, 0, 0);
  ctx.save();
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(bar, x, y, 16, h);
  ctx.strokeStyle = '#333333';
  ctx.strokeRect(x + 0.5, y + 0.5, 16, h);
  ctx.fillStyle = '#222222';
  ctx.font = font(11);
  ctx.textAlign = 'left';
  ctx.textBaseline = 'middle';
  for (const t of [0, 0.5, 1]) ctx.fillText(fmt(range.min + t * (range.max - range.min), 2), x + 21, y + h - t * h);
  ctx.restore();
}
