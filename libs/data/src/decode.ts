import fs from 'node:fs/promises';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { PixelImage } from '@ssad/augment';
import { checkImageContainer } from './container.js';
import { DataFileError, describeError } from './errors.js';

export type ImageSource = string | Uint8Array;

export interface DecodeOptions {
  /** Output channels: 3 (default; gray is replicated, alpha dropped), 1 (ITU-R 601 luma) or 4 (RGBA). */
  channels?: 1 | 3 | 4;
  /** Name used in error messages when `source` is a buffer. */
  name?: string;
}

/** Reads the file when given a path; errors name the path. */
export async function readSource(source: ImageSource, name?: string): Promise<{ bytes: Uint8Array; name: string }> {
  if (typeof source !== 'string') return { bytes: source, name: name ?? '<buffer>' };
  try {
    return { bytes: await fs.readFile(source), name: name ?? source };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem =
      code === 'ENOENT' ? 'file does not exist' : code === 'EISDIR' ? 'is a directory, not an image file' : describeError(err);
    throw new DataFileError(name ?? source, `cannot read image: ${problem}`, { cause: err });
  }
}

/**
 * Decodes PNG/JPEG bytes to straight (non-premultiplied) RGBA. Skia decodes 8/16-bit, palette, gray and gray+alpha
 * PNGs (16-bit keeps the high byte). It premultiplies on decode, so where alpha < 255 the colour comes back
 * rounded (exact for opaque pixels, which is what anomaly images are).
 */
export async function decodeRgba(
  bytes: Uint8Array,
  name: string,
): Promise<{ width: number; height: number; rgba: Uint8ClampedArray }> {
  checkImageContainer(bytes, name);
  let img;
  try {
    img = await loadImage(bytes);
  } catch (err) {
    throw new DataFileError(name, `cannot decode image: ${describeError(err)}`, { cause: err });
  }
  const { width, height } = img;
  if (!(width > 0 && height > 0)) throw new DataFileError(name, `decoded to an empty image (${width}×${height})`);
  const ctx = createCanvas(width, height).getContext('2d');
  ctx.drawImage(img, 0, 0);
  return { width, height, rgba: ctx.getImageData(0, 0, width, height).data };
}

export function rgbaToChannels(
  rgba: Uint8ClampedArray,
  width: number,
  height: number,
  channels: 1 | 3 | 4,
): PixelImage {
  const n = width * height;
  if (channels === 4) return { width, height, channels, data: new Uint8Array(rgba.buffer, rgba.byteOffset, n * 4) };
  const data = new Uint8Array(n * channels);
  if (channels === 3) {
    for (let i = 0, o = 0; i < n * 4; i += 4, o += 3) {
      data[o] = rgba[i];
      data[o + 1] = rgba[i + 1];
      data[o + 2] = rgba[i + 2];
    }
  } else {
    for (let i = 0, p = 0; p < n; i += 4, p++) {
      data[p] = (rgba[i] * 299 + rgba[i + 1] * 587 + rgba[i + 2] * 114 + 500) / 1000;
    }
  }
  return { width, height, channels, data };
}

/** Decodes a PNG or JPEG file (or bytes) to a PixelImage; 3 channels unless `options.channels` says otherwise. */
export async function decodeImage(source: ImageSource, options: DecodeOptions = {}): Promise<PixelImage> {
  const channels = options.channels ?? 3;
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new RangeError(`decodeImage: options.channels must be 1, 3 or 4 (got ${String(channels)})`);
  }
  const { bytes, name } = await readSource(source, options.name);
  const { width, height, rgba } = await decodeRgba(bytes, name);
  return rgbaToChannels(rgba, width, height, channels);
}

/** Mask pixels are 1 where any colour channel is ≥ 128 and alpha is non-zero (MVTec masks are 0/255 gray). */
export function rgbaToMask(rgba: Uint8ClampedArray | Uint8Array, width: number, height: number): Uint8Array {
  const n = width * height;
  const mask = new Uint8Array(n);
  for (let p = 0, i = 0; p < n; p++, i += 4) {
    mask[p] = rgba[i + 3] !== 0 && (rgba[i] >= 128 || rgba[i + 1] >= 128 || rgba[i + 2] >= 128) ? 1 : 0;
  }
  return mask;
}

/** Decodes a mask image to a 0/1 Uint8Array of width*height. */
export async function decodeMask(
  source: ImageSource,
  options: { name?: string } = {},
): Promise<{ width: number; height: number; mask: Uint8Array }> {
  const { bytes, name } = await readSource(source, options.name);
  const { width, height, rgba } = await decodeRgba(bytes, name);
  return { width, height, mask: rgbaToMask(rgba, width, height) };
}
