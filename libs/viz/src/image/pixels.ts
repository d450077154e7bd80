// Pixel-level compositing on plain buffers: RGBA conversion, heatmap overlay, mask outlines.
import type { PixelImage } from '@ssad/augment';
import { colormap, lutIndex, type ColormapName } from '../color/colormap.js';

export type Rgb = readonly [number, number, number];

function check(image: PixelImage, fn: string): void {
  const { width, height, channels, data } = image ?? {};
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1 || ![1, 3, 4].includes(channels))
    throw new Error(`${fn}: image must be { width ≥ 1, height ≥ 1, channels 1|3|4, data }, got ${width}×${height}×${channels}`);
  if (!data || data.length !== width * height * channels)
    throw new Error(`${fn}: image.data has ${data?.length} values, expected ${width}·${height}·${channels}`);
}

/** RGBA copy of an image (gray replicated, alpha 255 unless the image has its own). */
export function toRgba(image: PixelImage): Uint8ClampedArray {
  check(image, 'toRgba');
  const { width, height, channels, data } = image;
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = i * channels;
    out[i * 4] = data[s];
    out[i * 4 + 1] = data[channels === 1 ? s : s + 1];
    out[i * 4 + 2] = data[channels === 1 ? s : s + 2];
    out[i * 4 + 3] = channels === 4 ? data[s + 3] : 255;
  }
  return out;
}

export interface OverlayOptions {
  /** Default 'turbo'. */
  colormap?: ColormapName;
  /** Opacity of the colour at heatmap value 1, in [0, 1] (default 0.6). */
  alpha?: number;
}

/**
 * Alpha-blend a colour-mapped heatmap (values in [0, 1], width·height, e.g. from normalizeMap) over the image.
 * The opacity grows with the value, so where the heatmap is 0 the image is unchanged. Returns an RGBA image.
 */
export function overlayHeatmap(image: PixelImage, heatmap: Float32Array, options: OverlayOptions = {}): PixelImage {
  check(image, 'overlayHeatmap');
  if (heatmap.length !== image.width * image.height)
    throw new Error(`overlayHeatmap: heatmap has ${heatmap.length} values, expected image width·height = ${image.width * image.height}`);
  const alpha = options.alpha ?? 0.6;
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`overlayHeatmap: options.alpha must be in [0, 1], got ${alpha}`);
  const lut = colormap(options.colormap ?? 'turbo');
  const out = toRgba(image);
  for (let i = 0; i < heatmap.length; i++) {
    const v = heatmap[i] > 0 ? Math.min(heatmap[i], 1) : 0;
    if (v === 0) continue;
    const a = alpha * v;
    const k = lutIndex(v) * 3;
    for (let c = 0; c < 3; c++) out[i * 4 + c] = Math.round((1 - a) * out[i * 4 + c] + a * lut[k + c]);
  }
  return { width: image.width, height: image.height, channels: 4, data: out };
}

/**
 * Boundary of a 0/1 mask: mask pixels with a 4-neighbour outside the mask (the frame counts as outside),
 * grown inwards to `thickness` pixels.
 */
export function maskOutline(mask: Uint8Array, width: number, height: number, thickness = 1): Uint8Array {
  if (mask.length !== width * height)
    throw new Error(`maskOutline: mask has ${mask.length} values, expected width·height = ${width * height}`);
  if (!Number.isInteger(thickness) || thickness < 1) throw new Error(`maskOutline: thickness must be an integer ≥ 1, got ${thickness}`);
  const out = new Uint8Array(width * height);
  const inside = (x: number, y: number): boolean => x >= 0 && y >= 0 && x < width && y < height && mask[y * width + x] !== 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      if (!inside(x, y)) continue;
      for (let d = 1; d <= thickness && !out[y * width + x]; d++)
        if (!inside(x - d, y) || !inside(x + d, y) || !inside(x, y - d) || !inside(x, y + d)) out[y * width + x] = 1;
    }
  return out;
}

/** Nearest-neighbour resize of a 0/1 mask (keeps it binary). */
export function resizeMask(mask: Uint8Array, width: number, height: number, outWidth: number, outHeight: number): Uint8Array {
  if (mask.length !== width * height)
    throw new Error(`resizeMask: mask has ${mask.length} values, expected width·height = ${width * height}`);
  const out = new Uint8Array(outWidth * outHeight);
  for (let y = 0; y < outHeight; y++) {
    const sy = Math.min(height - 1, Math.floor(((y + 0.5) * height) / outHeight));
    for (let x = 0; x < outWidth; x++)
      out[y * outWidth + x] = mask[sy * width + Math.min(width - 1, Math.floor(((x + 0.5) * width) / outWidth))];
  }
  return out;
}
