// Helpers for specs: jest's toEqual walks typed arrays element by element and is slow on millions of values.
import type * as tf from '@tensorflow/tfjs';

type Values = Float32Array | Int32Array | Uint8Array | tf.TypedArray;

/** Bit-identical contents. */
export function identical(a: Values, b: Values): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

export function maxAbsDiff(a: Values, b: Values): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

/** ‖a − b‖ / ‖b‖ (relative L2 distance). */
export function relL2(a: Values, b: Values): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    d += ((a[i] as number) - (b[i] as number)) ** 2;
    n += (b[i] as number) ** 2;
  }
  return Math.sqrt(d / n);
}

/**
 * A PNG from ../shared as RGB pixels. Skia is exact on these files (8-bit, opaque, no colour chunks); @ssad/data's
 * decoder is not a dependency of this lib.
 */
export async function readPng(file: string): Promise<import('@ssad/augment').PixelImage> {
  const { createCanvas, loadImage } = await import('@napi-rs/canvas');
  const fs = await import('node:fs');
  const img = await loadImage(fs.readFileSync(file));
  const ctx = createCanvas(img.width, img.height).getContext('2d');
  ctx.drawImage(img, 0, 0);
  const rgba = ctx.getImageData(0, 0, img.width, img.height).data;
  const data = new Uint8Array(img.width * img.height * 3);
  for (let i = 0, o = 0; i < rgba.length; i += 4, o += 3) {
    data[o] = rgba[i];
    data[o + 1] = rgba[i + 1];
    data[o + 2] = rgba[i + 2];
  }
  return { width: img.width, height: img.height, channels: 3, data };
}
