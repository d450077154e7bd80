import zlib from 'node:zlib';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { PixelImage } from '@ssad/augment';
import { checkImageContainer, imageDimensions } from './container.js';
import { DataFileError, describeError } from './errors.js';
import { withoutExifAndIcc } from './jpeg.js';
import { readRegularFile } from './read-file.js';
import { type DecodedPixels, inflatedSize, parsePng, pngPixels } from './png.js';

export type { DecodedPixels } from './png.js';
export type ImageSource = string | Uint8Array;

/**
 * PIL refuses images over 2 × its MAX_IMAGE_PIXELS (89,478,485) as decompression bombs; the same limit here, checked
 * from the header before anything is allocated.
 */
export const DEFAULT_MAX_PIXELS = 178_956_970;

export interface DecodeOptions {
  /** Output channels: 3 (default; gray is replicated, alpha dropped), 1 (ITU-R 601 luma, as PIL's 'L') or 4 (RGBA). */
  channels?: 1 | 3 | 4;
  /** Name used in error messages when `source` is a buffer. */
  name?: string;
  /** Refuse images with more pixels than this before decoding (default {@link DEFAULT_MAX_PIXELS}). */
  maxPixels?: number;
}

/** Reads the file when given a path (regular files only, see read-file.ts); errors name the path. */
export async function readSource(source: ImageSource, name?: string): Promise<{ bytes: Uint8Array; name: string }> {
  if (typeof source !== 'string') return { bytes: source, name: name ?? '<buffer>' };
  return { bytes: await readRegularFile(source, 'image', name ?? source), name: name ?? source };
}

function inflate(data: Uint8Array, maxOutputLength: number): Promise<Buffer> {
  // Async inflate runs on libuv's thread pool, so several PNGs decompress in parallel with the caller's work.
  return new Promise((resolve, reject) =>
    zlib.inflate(data, { maxOutputLength }, (err, out) => (err ? reject(err) : resolve(out))),
  );
}

/** PNG samples as stored (the container must have been checked). */
export async function decodePng(bytes: Uint8Array, name: string, parts = parsePng(bytes, name)): Promise<DecodedPixels> {
  const expected = inflatedSize(parts.header);
  const tooLong = `image data inflates to more than the ${expected} bytes a ${parts.header.width}×${parts.header.height} image needs`;
  let raw: Buffer;
  try {
    // One byte of headroom tells a stream longer than the image from one of the right length.
    raw = await inflate(parts.idat, expected + 1);
  } catch (err) {
    const problem =
      (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' ? tooLong : `image data does not inflate (${describeError(err)})`;
    throw new DataFileError(name, `corrupt PNG: ${problem}`, { cause: err });
  }
  if (raw.length > expected) throw new DataFileError(name, `corrupt PNG: ${tooLong}`);
  return pngPixels(parts, raw, name);
}

/** JPEG through Skia (libjpeg-turbo, as PIL) with EXIF orientation and ICC profile removed; RGBA out. */
export async function decodeJpeg(bytes: Uint8Array, name: string): Promise<DecodedPixels> {
  let img;
  try {
    img = await loadImage(withoutExifAndIcc(bytes));
  } catch (err) {
    throw new DataFileError(name, `cannot decode image: ${describeError(err)}`, { cause: err });
  }
  const { width, height } = img;
  if (!(width > 0 && height > 0)) throw new DataFileError(name, `decoded to an empty image (${width}×${height})`);
  const ctx = createCanvas(width, height).getContext('2d');
  ctx.drawImage(img, 0, 0);
  const rgba = ctx.getImageData(0, 0, width, height).data;
  return { width, height, channels: 4, data: new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length) };
}

export function checkPixelLimit(bytes: Uint8Array, name: string, maxPixels = DEFAULT_MAX_PIXELS): void {
  if (!(Number.isInteger(maxPixels) && maxPixels > 0)) {
    throw new RangeError(`maxPixels must be a positive integer (got ${String(maxPixels)})`);
  }
  const size = imageDimensions(bytes);
  // Without a size the decoders would fail anyway; refusing here keeps a frame header this reader missed from
  // reaching Skia unchecked.
  if (!size) throw new DataFileError(name, 'corrupt image: no frame size before the image data (no PNG IHDR or JPEG start-of-frame)');
  // A JPEG height of 0 means "given later by a DNL marker", which libjpeg does not support; PNG forbids 0.
  if (size.width === 0 || size.height === 0) throw new DataFileError(name, `corrupt image: the header gives an empty size ${size.width}×${size.height}`);
  if (size.width * size.height > maxPixels) {
    throw new DataFileError(
      name,
      `image is ${size.width}×${size.height} = ${size.width * size.height} pixels, over the limit of ${maxPixels} ` +
        '(a decompression bomb or a very large scan; raise maxPixels to read it)',
    );
  }
}

/**
 * The samples stored in a PNG or JPEG, as PIL reads them: no gamma, colour-profile or orientation conversion and
 * no premultiplied alpha. The container is checked first (truncation, CRCs) and the pixel count before decoding.
 */
export async function decodePixels(bytes: Uint8Array, name: string, maxPixels?: number): Promise<DecodedPixels> {
  const format = checkImageContainer(bytes, name);
  checkPixelLimit(bytes, name, maxPixels);
  return format === 'png' ? decodePng(bytes, name) : decodeJpeg(bytes, name);
}

/** Converts decoded samples to 1 (PIL's 'L' luma), 3 (gray replicated, alpha dropped) or 4 channels. */
export function toChannels(pixels: DecodedPixels, channels: 1 | 3 | 4): PixelImage {
  const { width, height, channels: c, data: src } = pixels;
  if (c === channels) return { width, height, channels, data: src };
  const n = width * height;
  const data = new Uint8Array(n * channels);
  for (let p = 0, i = 0, o = 0; p < n; p++, i += c, o += channels) {
    const gray = c <= 2;
    if (channels === 1) {
      // PIL's L24: ITU-R 601-2 luma in 16-bit fixed point.
      data[o] = gray ? src[i] : (src[i] * 19595 + src[i + 1] * 38470 + src[i + 2] * 7471 + 0x8000) >> 16;
      continue;
    }
    data[o] = src[i];
    data[o + 1] = gray ? src[i] : src[i + 1];
    data[o + 2] = gray ? src[i] : src[i + 2];
    if (channels === 4) data[o + 3] = c === 2 ? src[i + 1] : c === 4 ? src[i + 3] : 255;
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
  return toChannels(await decodePixels(bytes, name, options.maxPixels), channels);
}

/** Mask pixels are 1 where any colour channel is ≥ 128 and alpha is non-zero (MVTec masks are 0/255 gray). */
export function pixelsToMask(pixels: DecodedPixels): Uint8Array {
  const { width, height, channels: c, data } = pixels;
  const n = width * height;
  const mask = new Uint8Array(n);
  const colours = c <= 2 ? 1 : 3;
  const alpha = c === 2 || c === 4 ? c - 1 : -1;
  for (let p = 0, i = 0; p < n; p++, i += c) {
    if (alpha >= 0 && data[i + alpha] === 0) continue;
    let on = data[i] >= 128;
    for (let k = 1; k < colours && !on; k++) on = data[i + k] >= 128;
    mask[p] = on ? 1 : 0;
  }
  return mask;
}

/** Decodes a mask image to a 0/1 Uint8Array of width*height. */
export async function decodeMask(
  source: ImageSource,
  options: { name?: string; maxPixels?: number } = {},
): Promise<{ width: number; height: number; mask: Uint8Array }> {
  const { bytes, name } = await readSource(source, options.name);
  const pixels = await decodePixels(bytes, name, options.maxPixels);
  return { width: pixels.width, height: pixels.height, mask: pixelsToMask(pixels) };
}
