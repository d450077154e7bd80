// Rotations by multiples of 90°, counter-clockwise as displayed (numpy.rot90 / torch.rot90 convention).
import { assertPixelImage, type PixelImage } from './image.js';

const { min } = Math;

export type Rotation = 0 | 90 | 180 | 270;

/**
 * Where source pixel (x, y) of a width × height image lands after the rotation, as pixel index
 * `base + x * dx + y * dy` in the rotated image.
 */
export function rotationStrides(width: number, height: number, rotation: Rotation): { base: number; dx: number; dy: number } {
  switch (rotation) {
    case 0: return { base: 0, dx: 1, dy: width };
    case 90: return { base: (width - 1) * height, dx: -height, dy: 1 };
    case 180: return { base: width * height - 1, dx: -1, dy: -width };
    case 270: return { base: height - 1, dx: height, dy: -1 };
  }
}

export function checkRotation(name: string, rotation: unknown): Rotation {
  if (rotation !== 0 && rotation !== 90 && rotation !== 180 && rotation !== 270) {
    throw new Error(`${name} must be one of 0, 90, 180, 270 (got ${String(rotation)})`);
  }
  return rotation;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Rotates `channels`-interleaved `src` (width × height) into `dst`. */
export function rotateInto<T extends Uint8Array | Uint8ClampedArray>(
  src: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  channels: number,
  rotation: Rotation,
  dst: T,
): T {
  if (rotation === 0) {
    dst.set(src);
    return dst;
  }
  const outWidth = rotation === 180 ? width : height;
  // Stores dominate the cost, so whole 32-bit words are written when rows allow it (4 pixels of 1 or 3 channels,
  // or 1 pixel of 4); byte order is the platform's, hence the little-endian check.
  if (LITTLE_ENDIAN && channels === 3 && src.byteOffset % 4 === 0 && dst.byteOffset % 4 === 0 && width % 4 === 0 && height % 4 === 0) {
    rotateRgbWords(src, width, height, rotation, dst);
    return dst;
  }
  if (LITTLE_ENDIAN && dst.byteOffset % 4 === 0 && (channels === 4 || outWidth % 4 === 0)) {
    rotatePacked(src, width, height, channels, rotation, dst);
    return dst;
  }
  const { base, dx, dy } = rotationStrides(width, height, rotation);
  let s = 0;
  for (let y = 0; y < height; y++) {
    let d = base + y * dy;
    for (let x = 0; x < width; x++, d += dx) for (let k = 0; k < channels; k++) dst[d * channels + k] = src[s++]!;
  }
  return dst;
}

/** Output pixel (ox, oy) reads source pixel `first(oy) + ox * step`: the inverse of rotationStrides. */
function sourceWalk(width: number, height: number, rotation: Rotation, oy: number): { first: number; step: number } {
  if (rotation === 90) return { first: width - 1 - oy, step: width };
  if (rotation === 180) return { first: (height - 1 - oy) * width + width - 1, step: -1 };
  return { first: (height - 1) * width + oy, step: -width };
}

// Output is written in tiles of TILE × TILE pixels: at 90° and 270° each output row walks down a source column,
// and a tile keeps the few source rows it touches in the L1 cache. TILE is a multiple of 4 (pixels per word).
const TILE = 16;

function rotatePacked(
  src: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  channels: number,
  rotation: Rotation,
  dst: Uint8Array | Uint8ClampedArray,
): void {
  const outWidth = rotation === 180 ? width : height;
  const outHeight = rotation === 180 ? height : width;
  const d32 = new Uint32Array(dst.buffer, dst.byteOffset, dst.length >> 2);
  const s32 = channels === 4 && src.byteOffset % 4 === 0 ? new Uint32Array(src.buffer, src.byteOffset, src.length >> 2) : null;
  // 32-bit words per output row and per pixel group (4 pixels of 1 or 3 channels, 1 pixel of 4 channels).
  const rowWords = (outWidth * channels) >> 2;
  for (let ty = 0; ty < outHeight; ty += TILE) {
    const yEnd = min(ty + TILE, outHeight);
    for (let tx = 0; tx < outWidth; tx += TILE) {
      const xEnd = min(tx + TILE, outWidth);
      for (let oy = ty; oy < yEnd; oy++) {
        const { first, step } = sourceWalk(width, height, rotation, oy);
        let o = oy * rowWords + ((tx * channels) >> 2);
        if (channels === 1) {
          for (let ox = tx, s = first + tx * step; ox < xEnd; ox += 4, s += 4 * step) {
            d32[o++] = src[s]! | (src[s + step]! << 8) | (src[s + 2 * step]! << 16) | (src[s + 3 * step]! << 24);
          }
        } else if (channels === 3) {
          const st = 3 * step;
          for (let ox = tx, a = 3 * (first + tx * step); ox < xEnd; ox += 4, a += 4 * st) {
            const b = a + st;
            const c = b + st;
            const d = c + st;
            d32[o++] = src[a]! | (src[a + 1]! << 8) | (src[a + 2]! << 16) | (src[b]! << 24);
            d32[o++] = src[b + 1]! | (src[b + 2]! << 8) | (src[c]! << 16) | (src[c + 1]! << 24);
            d32[o++] = src[c + 2]! | (src[d]! << 8) | (src[d + 1]! << 16) | (src[d + 2]! << 24);
          }
        } else if (s32 !== null) {
          for (let ox = tx, s = first + tx * step; ox < xEnd; ox++, s += step) d32[o++] = s32[s]!;
        } else {
          for (let ox = tx, s = 4 * (first + tx * step); ox < xEnd; ox++, s += 4 * step) {
            d32[o++] = src[s]! | (src[s + 1]! << 8) | (src[s + 2]! << 16) | (src[s + 3]! << 24);
          }
        }
      }
    }
  }
}

/**
 * RGB with both sides multiples of 4: every row is whole 32-bit words and 4 pixels are exactly 3 words, so
 * 4-pixel groups are read and written as words and shuffled with shifts — a quarter of the memory operations of
 * a byte walk. 180° reverses each row group by group; 90°/270° turn 4×4-pixel blocks (4 source rows → 4 output
 * rows), so both sides of the transposition stay sequential.
 */
function rotateRgbWords(
  src: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  rotation: 90 | 180 | 270,
  dst: Uint8Array | Uint8ClampedArray,
): void {
  const s32 = new Uint32Array(src.buffer, src.byteOffset, src.length >> 2);
  const d32 = new Uint32Array(dst.buffer, dst.byteOffset, dst.length >> 2);
  const srcRow = (width * 3) >> 2;
  if (rotation === 180) {
    // Output group j of row oy is source group (width/4 - 1 - j) of row height-1-oy, pixels reversed.
    for (let oy = 0; oy < height; oy++) {
      let o = oy * srcRow;
      for (let s = (height - oy) * srcRow - 3; s >= (height - 1 - oy) * srcRow; s -= 3) {
        const a = s32[s]!;
        const b = s32[s + 1]!;
        const c = s32[s + 2]!;
        d32[o++] = (c >>> 8) | ((b << 8) & 0xff000000);
        d32[o++] = (b >>> 24) | ((c & 0xff) << 8) | ((a >>> 24) << 16) | ((b & 0xff) << 24);
        d32[o++] = ((b >>> 8) & 0xff) | (a << 8);
      }
    }
    return;
  }
  // Output (ox, oy) is source (width-1-oy, ox) at 90° and (oy, height-1-ox) at 270°. A block covers output rows
  // oy..oy+3 and columns ox..ox+3: source column group g (4 pixels), source rows r0 + j·dr for j = 0..3.
  const outRow = (height * 3) >> 2;
  const ccw = rotation === 90;
  for (let oy = 0; oy < width; oy += 4) {
    const g = ccw ? width - 4 - oy : oy;
    for (let ox = 0; ox < height; ox += 4) {
      const r0 = ccw ? ox : height - 1 - ox;
      const dr = ccw ? srcRow : -srcRow;
      let s = r0 * srcRow + (g >> 2) * 3;
      // p<j><k>: pixel k of the group in source row j, as 24-bit values.
      let a = s32[s]!, b = s32[s + 1]!, c = s32[s + 2]!;
      const p00 = a & 0xffffff, p01 = (a >>> 24) | ((b & 0xffff) << 8), p02 = (b >>> 16) | ((c & 0xff) << 16), p03 = c >>> 8;
      s += dr;
      a = s32[s]!; b = s32[s + 1]!; c = s32[s + 2]!;
      const p10 = a & 0xffffff, p11 = (a >>> 24) | ((b & 0xffff) << 8), p12 = (b >>> 16) | ((c & 0xff) << 16), p13 = c >>> 8;
      s += dr;
      a = s32[s]!; b = s32[s + 1]!; c = s32[s + 2]!;
      const p20 = a & 0xffffff, p21 = (a >>> 24) | ((b & 0xffff) << 8), p22 = (b >>> 16) | ((c & 0xff) << 16), p23 = c >>> 8;
      s += dr;
      a = s32[s]!; b = s32[s + 1]!; c = s32[s + 2]!;
      const p30 = a & 0xffffff, p31 = (a >>> 24) | ((b & 0xffff) << 8), p32 = (b >>> 16) | ((c & 0xff) << 16), p33 = c >>> 8;
      // Output row oy+i takes pixel k = 3-i (90°) or k = i (270°) of each source row, in row order.
      const o = oy * outRow + (ox >> 2) * 3;
      if (ccw) {
        put(d32, o, p03, p13, p23, p33);
        put(d32, o + outRow, p02, p12, p22, p32);
        put(d32, o + 2 * outRow, p01, p11, p21, p31);
        put(d32, o + 3 * outRow, p00, p10, p20, p30);
      } else {
        put(d32, o, p00, p10, p20, p30);
        put(d32, o + outRow, p01, p11, p21, p31);
        put(d32, o + 2 * outRow, p02, p12, p22, p32);
        put(d32, o + 3 * outRow, p03, p13, p23, p33);
      }
    }
  }
}

/** Packs four 24-bit pixels into three little-endian words at `o`. */
function put(d32: Uint32Array, o: number, q0: number, q1: number, q2: number, q3: number): void {
  d32[o] = q0 | (q1 << 24);
  d32[o + 1] = (q1 >>> 8) | (q2 << 16);
  d32[o + 2] = (q2 >>> 16) | (q3 << 8);
}

/** A rotated copy of `image` (90° and 270° swap width and height). */
export function rotate90(image: PixelImage, rotation: Rotation): PixelImage {
  assertPixelImage(image);
  checkRotation('rotation', rotation);
  const swap = rotation === 90 || rotation === 270;
  return {
    width: swap ? image.height : image.width,
    height: swap ? image.width : image.height,
    channels: image.channels,
    data: rotateInto(image.data, image.width, image.height, image.channels, rotation, new Uint8Array(image.data.length)),
  };
}
