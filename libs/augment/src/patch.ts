// The CutPaste patch: its size from an area ratio and an aspect ratio, and copying rectangles between buffers.
import type { PixelImage } from './image.js';
import type { Rng } from './rng.js';
import { checkRange, type Range } from './validate.js';

/** An axis-aligned integer rectangle in pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PatchSizeOptions {
  /** Patch area as a fraction of the image area, ~ U(min, max); within (0, 1]. Default [0.15, 0.3]. */
  area?: Range;
  /**
   * Aspect ratio w/h: with equal probability ~ U(min, 1) or U(1, max); min within (0, 1], max >= 1.
   * Default [0.3, 3.3].
   */
  aspect?: Range;
}

export interface PatchSize {
  width: number;
  height: number;
  /** The drawn area ratio (before rounding to whole pixels). */
  areaRatio: number;
  /** The drawn aspect ratio w/h (before rounding). */
  aspect: number;
}

export const PATCH_DEFAULTS = Object.freeze({ area: [0.15, 0.3] as Range, aspect: [0.3, 3.3] as Range });

export function resolvePatchSize(options: PatchSizeOptions, name: string): Required<PatchSizeOptions> {
  const area = checkRange(`${name}.area`, options.area ?? PATCH_DEFAULTS.area, 0, 1, { lo: true });
  const aspect = checkRange(`${name}.aspect`, options.aspect ?? PATCH_DEFAULTS.aspect, 0, Infinity, { lo: true });
  if (aspect[0] > 1 || aspect[1] < 1) {
    throw new Error(`${name}.aspect must be [min, max] with 0 < min <= 1 <= max (got [${aspect[0]}, ${aspect[1]}])`);
  }
  return { area, aspect };
}

/** w = round(sqrt(area·aspect)), h = round(sqrt(area/aspect)), clamped to [1, image size]. */
export function drawPatchSize(rng: Rng, imageWidth: number, imageHeight: number, o: Required<PatchSizeOptions>): PatchSize {
  const areaRatio = rng.uniform(o.area[0], o.area[1]);
  const aspect = rng.uniform() < 0.5 ? rng.uniform(o.aspect[0], 1) : rng.uniform(1, o.aspect[1]);
  const area = areaRatio * imageWidth * imageHeight;
  const width = clampInt(Math.round(Math.sqrt(area * aspect)), 1, imageWidth);
  const height = clampInt(Math.round(Math.sqrt(area / aspect)), 1, imageHeight);
  return { width, height, areaRatio, aspect };
}

/** A uniformly placed box of the given size inside the image. */
export function placeBox(rng: Rng, imageWidth: number, imageHeight: number, width: number, height: number): Box {
  const x = rng.int(0, imageWidth - width);
  const y = rng.int(0, imageHeight - height);
  return { x, y, width, height };
}

/** Copies `box` of `image` into `out` (tightly packed, box.width × box.height × channels). */
export function cropInto(image: PixelImage, box: Box, out: Uint8Array): void {
  const c = image.channels;
  const rowLen = box.width * c;
  for (let r = 0; r < box.height; r++) {
    const from = ((box.y + r) * image.width + box.x) * c;
    out.set(image.data.subarray(from, from + rowLen), r * rowLen);
  }
}

function clampInt(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
