// One prediction as a person reads it: the heatmap over the image at the image's own resolution and aspect, the
// decision and score written across its top, the predicted region outlined, and a colour bar (raw map values,
// with the pixel threshold marked) in a strip to its right.
import { createCanvas } from '@napi-rs/canvas';
import type { PixelImage } from '@ssad/augment';
import { colormap, type ColormapName } from '../color/colormap.js';
import { maskOutline, overlayHeatmap, toRgba } from '../image/pixels.js';
import type { MapRange } from '../maps/normalize.js';
import { fitText, font, toPng } from '../plot/canvas.js';
import { fmt } from './common.js';
import { PRED_COLOR } from './heatmap-rows.js';

export interface PredictionFigure {
  image: PixelImage;
  /** Normalised map in [0, 1] (values are clipped), image width·height. */
  heatmap: Float32Array;
  /** The raw range `heatmap` was normalised from, printed on the colour bar. */
  range: MapRange;
  /** Predicted 0/1 mask, image width·height, outlined over the overlay. */
  mask?: Uint8Array;
  /** Raw map value of the pixel threshold, marked on the colour bar. */
  pixelThreshold?: number;
  /** e.g. "ANOMALOUS · 0.93 (score 12.4)". */
  text: string;
  anomalous: boolean;
}

/** PNG of (image width + colour bar strip) × image height. */
export function renderPrediction(p: PredictionFigure, options: { colormap?: ColormapName; alpha?: number } = {}): Buffer {
  const { width: w, height: h } = p.image;
  for (const [key, arr] of [['heatmap', p.heatmap], ['mask', p.mask]] as const)
    if (arr && arr.length !== w * h) throw new Error(`renderPrediction: ${key} has ${arr.length} values, expected image width·height = ${w * h}`);
  if (!(p.range.max > p.range.min)) throw new Error(`renderPrediction: range must have max > min, got ${JSON.stringify(p.range)}`);
  const cmap = options.colormap ?? 'turbo';
  const overlay = overlayHeatmap(p.image, p.heatmap, { colormap: cmap, alpha: options.alpha });
  const rgba = toRgba(overlay);
  if (p.mask) {
    const edge = maskOutline(p.mask, w, h, Math.max(1, Math.round(Math.min(w, h) / 150)));
    for (let i = 0; i < edge.length; i++) if (edge[i]) rgba.set([...PRED_COLOR, 255], i * 4);
  }
  const text = Math.max(9, Math.min(28, Math.round(w / 22)));
  const strip = Math.max(48, text * 4);
  const canvas = createCanvas(w + strip, h);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, w + strip, h);
  const img = ctx.createImageData(w, h);
  img.data.set(rgba);
  ctx.putImageData(img, 0, 0);

  // The decision across the top of the image, on a band dark enough to read over any heatmap.
  ctx.fillStyle = 'rgba(0,0,0,0.6)';
  ctx.fillRect(0, 0, w, Math.round(text * 1.6));
  ctx.fillStyle = p.anomalous ? '#ff6b6b' : '#7ee787';
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  fitText(ctx, p.text, Math.round(text * 0.4), Math.round(text * 0.8), w - text * 0.8, text, { bold: true, minSize: 6 });

  // Colour bar: top = range.max, bottom = range.min.
  const lut = colormap(cmap);
  const barX = w + Math.round(strip * 0.12);
  const barW = Math.max(8, Math.round(strip * 0.25));
  const top = Math.round(h * 0.05);
  const barH = Math.max(1, h - 2 * top);
  for (let y = 0; y < barH; y++) {
    const k = Math.round((1 - y / Math.max(1, barH - 1)) * 255) * 3;
    ctx.fillStyle = `rgb(${lut[k]},${lut[k + 1]},${lut[k + 2]})`;
    ctx.fillRect(barX, top + y, barW, 1);
  }
  ctx.fillStyle = '#222222';
  ctx.font = font(Math.max(8, Math.round(text * 0.6)));
  ctx.textBaseline = 'middle';
  const labelX = barX + barW + 3;
  const yOf = (v: number) => top + (1 - (v - p.range.min) / (p.range.max - p.range.min)) * barH;
  ctx.fillText(fmt(p.range.max, 2), labelX, top + 4);
  ctx.fillText(fmt(p.range.min, 2), labelX, top + barH - 4);
  if (p.pixelThreshold !== undefined && p.pixelThreshold >= p.range.min && p.pixelThreshold <= p.range.max) {
    const y = Math.round(yOf(p.pixelThreshold));
    ctx.fillStyle = `rgb(${PRED_COLOR.join(',')})`;
    ctx.fillRect(barX - 3, y - 1, barW + 6, 2);
  }
  return toPng(canvas);
}
