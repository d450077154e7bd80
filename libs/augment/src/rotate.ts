// Rotations by multiples of 90°, counter-clockwise as displayed (numpy.rot90 / torch.rot90 convention).
import { assertPixelImage, type PixelImage } from './image.js';

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
  const { base, dx, dy } = rotationStrides(width, height, rotation);
  let s = 0;
  for (let y = 0; y < height; y++) {
    let d = base + y * dy;
    if (channels === 1) {
      for (let x = 0; x < width; x++, d += dx) dst[d] = src[s++]!;
    } else if (channels === 3) {
      for (let x = 0; x < width; x++, d += dx) {
        const o = d * 3;
        dst[o] = src[s]!;
        dst[o + 1] = src[s + 1]!;
        dst[o + 2] = src[s + 2]!;
        s += 3;
      }
    } else {
      for (let x = 0; x < width; x++, d += dx) for (let k = 0; k < channels; k++) dst[d * channels + k] = src[s++]!;
    }
  }
  return dst;
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
