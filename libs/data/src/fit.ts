// How an image of any aspect becomes the model's square (or fixed-size) input. 'squash' stretches it (the
// reference pipelines do this); 'pad' keeps the aspect ratio — the long side fits, the rest is filled by mirroring
// the content (a textured surface continues instead of a flat border the features would flag) — so elongated
// parts such as magnetic tiles (up to 1:3) keep thin defects thin. `content` says where the image is, so metrics
// can ignore the padding.
import type { PixelImage } from '@ssad/augment';
import type { DecodedPixels } from './png.js';
import { resizeMask, resizePixelsToRgb } from './resize.js';

export type FitMode = 'squash' | 'pad';
export const FIT_MODES: readonly FitMode[] = ['squash', 'pad'];

/** The rectangle of the output that holds the image (the whole output for 'squash'). */
export interface ContentBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Where a w0 × h0 image lands in a width × height output. */
export function contentBox(w0: number, h0: number, width: number, height: number, mode: FitMode): ContentBox {
  if (mode === 'squash') return { x: 0, y: 0, width, height };
  const scale = Math.min(width / w0, height / h0);
  const w = Math.max(1, Math.min(width, Math.round(w0 * scale)));
  const h = Math.max(1, Math.min(height, Math.round(h0 * scale)));
  return { x: (width - w) >> 1, y: (height - h) >> 1, width: w, height: h };
}

/** scipy-style 'reflect' (d c b a | a b c d | d c b a) of i into [0, n). */
function mirror(i: number, n: number): number {
  const period = 2 * n;
  const j = ((i % period) + period) % period;
  return j < n ? j : period - 1 - j;
}

function place<T extends Uint8Array>(src: T, box: ContentBox, width: number, height: number, channels: number, mirrorFill: boolean): Uint8Array {
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const inside = y >= box.y && y < box.y + box.height;
    if (!inside && !mirrorFill) continue;
    const sy = mirror(y - box.y, box.height);
    for (let x = 0; x < width; x++) {
      if (!mirrorFill && (x < box.x || x >= box.x + box.width)) continue;
      const sx = mirror(x - box.x, box.width);
      const s = (sy * box.width + sx) * channels;
      const o = (y * width + x) * channels;
      for (let c = 0; c < channels; c++) out[o + c] = src[s + c];
    }
  }
  return out;
}

/** Decoded pixels → an RGB image of width × height by `mode`, and where the content is. */
export function fitPixels(pixels: DecodedPixels | PixelImage, width: number, height: number, mode: FitMode): { image: PixelImage; content: ContentBox } {
  const box = contentBox(pixels.width, pixels.height, width, height, mode);
  const { data } = pixels;
  const resized = resizePixelsToRgb({ ...pixels, data: new Uint8Array(data.buffer, data.byteOffset, data.length) }, box.width, box.height);
  if (box.width === width && box.height === height) return { image: resized, content: box };
  return { image: { width, height, channels: 3, data: place(resized.data as Uint8Array, box, width, height, 3, true) }, content: box };
}

/** A 0/1 mask of w0 × h0 → width × height by `mode` (nearest neighbour; padding is 0). */
export function fitMask(mask: Uint8Array, w0: number, h0: number, width: number, height: number, mode: FitMode): Uint8Array {
  const box = contentBox(w0, h0, width, height, mode);
  const resized = resizeMask(mask, w0, h0, box.width, box.height);
  if (box.width === width && box.height === height) return resized;
  return place(resized, box, width, height, 1, false);
}

/** The content box's pixels of a width-wide, single-channel map or mask (for metrics that ignore padding). */
export function cropToContent<T extends Float32Array | Uint8Array>(values: T, width: number, box: ContentBox): T {
  if (box.x === 0 && box.y === 0 && box.width === width && values.length === box.width * box.height) return values;
  const out = new (values.constructor as { new (n: number): T })(box.width * box.height);
  for (let y = 0; y < box.height; y++) out.set(values.subarray((box.y + y) * width + box.x, (box.y + y) * width + box.x + box.width), y * box.width);
  return out;
}
