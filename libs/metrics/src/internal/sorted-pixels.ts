import type { ResolvedImage } from '../images.js';
import { nonFiniteBits, orderKey } from './keys.js';
import { sortPairs32 } from './radix-sort.js';
import { labelRegions8, RegionSizes } from './regions.js';

/**
 * All pixels split by ground truth, each side sorted ascending by score (as order keys). Normal pixels carry
 * nothing; defect pixels carry their global region id when regions were asked for.
 */
export interface SortedPixels {
  /** Ascending keys of normal pixels; with a cut, only the highest ones (see `cutNormals`). */
  normalKeys: Uint32Array;
  /** Number of normal pixels in all images (also those cut away). */
  normal: number;
  defectKeys: Uint32Array;
  /** Region id of each defect pixel, aligned with defectKeys; null without regions. */
  defectRegion: Uint32Array | null;
  /** 1 / size of each region by id (index 0 unused); empty without regions. */
  inverseRegionSize: Float64Array;
  regions: number;
}

/** Validates mask values (0, 1, 255) and returns the number of defect pixels. */
function countDefects(img: ResolvedImage): number {
  const mask = img.mask;
  let defects = 0;
  for (let i = 0; i < mask.length; i++) {
    const v = mask[i];
    if (v === 0) continue;
    if (v !== 1 && v !== 255)
      throw new RangeError(`${img.maskName(i)} is ${v}; mask values must be 0 or 1 (255 is read as 1)`);
    defects++;
  }
  return defects;
}

/**
 * Keeps only the normal keys that a walk from the top score down can visit before the FPR passes `fprLimit`: whole
 * 16-bit key prefixes from the top until the FPR at the end of a prefix exceeds the limit. Ties share a prefix,
 * so the kept pixels always end on a complete threshold.
 */
function cutNormals(keys: Uint32Array, normal: number, fprLimit: number): Uint32Array {
  const counts = new Uint32Array(65536);
  for (let i = 0; i < keys.length; i++) counts[keys[i] >>> 16]++;
  let cum = 0;
  let first = 0;
  for (let b = 65535; b >= 0; b--) {
    cum += counts[b];
    if (Math.fround(cum / normal) > fprLimit) {
      first = b;
      break;
    }
  }
  if (first === 0) return keys;
  const min = first * 65536;
  let n = 0;
  for (let i = 0; i < keys.length; i++) if (keys[i] >= min) keys[n++] = keys[i];
  return keys.subarray(0, n);
}

/** Appends one image's keys to the normal or defect side; returns the index of a non-finite score, or -1. */
function splitImage(
  img: ResolvedImage,
  labels: Uint32Array,
  normalKeys: Uint32Array,
  n: number,
  defectKeys: Uint32Array,
  defectRegion: Uint32Array | null,
  d: number,
): number {
  const { map, mask } = img;
  const bits = new Uint32Array(map.buffer, map.byteOffset, map.length);
  for (let i = 0; i < bits.length; i++) {
    const u = bits[i];
    if (nonFiniteBits(u)) return i;
    if (mask[i] === 0) normalKeys[n++] = orderKey(u);
    else {
      if (defectRegion) defectRegion[d] = labels[i];
      defectKeys[d++] = orderKey(u);
    }
  }
  return -1;
}

/**
 * Validates, splits and sorts the pixels of `images`. With `fprLimit`, normal pixels that no FPR up to the limit
 * can reach are dropped before sorting (AU-PRO stops at the limit, so it never looks at them).
 */
export function sortPixels(images: ResolvedImage[], withRegions: boolean, fprLimit?: number): SortedPixels {
  const defectsPerImage = images.map(countDefects);
  let total = 0;
  let defect = 0;
  images.forEach((img, i) => {
    total += img.map.length;
    defect += defectsPerImage[i];
  });
  const normal = total - defect;
  let normalKeys: Uint32Array = new Uint32Array(normal);
  const defectKeys = new Uint32Array(defect);
  const defectRegion = withRegions ? new Uint32Array(defect) : null;
  const sizes = new RegionSizes();
  let labels = new Uint32Array(0);
  let n = 0;
  let d = 0;
  for (let k = 0; k < images.length; k++) {
    const img = images[k];
    if (defectRegion) {
      if (labels.length < img.map.length) labels = new Uint32Array(img.map.length);
      labelRegions8(img.mask, img.width, img.height, defectsPerImage[k], labels.subarray(0, img.map.length), sizes);
    }
    const bad = splitImage(img, labels, normalKeys, n, defectKeys, defectRegion, d);
    if (bad >= 0) throw new RangeError(`${img.mapName(bad)} is ${img.map[bad]}; scores must be finite numbers`);
    n += img.map.length - defectsPerImage[k];
    d += defectsPerImage[k];
  }
  if (fprLimit !== undefined && normal > 0) normalKeys = cutNormals(normalKeys, normal, fprLimit);
  const inverseRegionSize = new Float64Array(withRegions ? sizes.count + 1 : 0);
  for (let r = 1; r < inverseRegionSize.length; r++) inverseRegionSize[r] = 1 / sizes.get(r);
  const defects = sortPairs32(defectKeys, defectRegion);
  return {
    normalKeys: sortPairs32(normalKeys, null).keys,
    normal,
    defectKeys: defects.keys,
    defectRegion: defects.payload,
    inverseRegionSize,
    regions: sizes.count,
  };
}
