import type { ResolvedImage } from '../images.js';
import { nonFiniteBits, orderKey } from './keys.js';
import { sortPairs32 } from './radix-sort.js';
import { labelRegions8, RegionSizes } from './regions.js';

/**
 * Defect pixels of all images grouped by distinct score (as ascending order keys), with what each group adds to
 * the true positives and to the summed region overlap, plus the totals the curves are normalised by.
 */
export interface DefectGroups {
  keys: Uint32Array;
  /** Defect pixels with each key. */
  count: Uint32Array;
  /** Sum of 1 / (size of the pixel's region) over the defect pixels with each key; empty without regions. */
  overlap: Float64Array;
  defect: number;
  normal: number;
  /** 8-connected ground-truth regions over all masks; 0 without regions. */
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

function bitsOf(map: Float32Array): Uint32Array {
  return new Uint32Array(map.buffer, map.byteOffset, map.length);
}

/** Appends one image's defect keys (and region ids); returns the index of a non-finite score (any pixel), or -1. */
function appendDefects(
  img: ResolvedImage,
  labels: Uint32Array,
  keys: Uint32Array,
  region: Uint32Array | null,
  at: number,
): number {
  const bits = bitsOf(img.map);
  const mask = img.mask;
  for (let i = 0; i < bits.length; i++) {
    const u = bits[i];
    if (nonFiniteBits(u)) return i;
    if (mask[i] === 0) continue;
    if (region) region[at] = labels[i];
    keys[at++] = orderKey(u);
  }
  return -1;
}

/** Validates every map and mask, labels the regions (if asked) and groups the defect pixels by score. */
export function groupDefects(images: ResolvedImage[], withRegions: boolean): DefectGroups {
  const perImage = images.map(countDefects);
  let total = 0;
  let defect = 0;
  for (let k = 0; k < images.length; k++) {
    total += images[k].map.length;
    defect += perImage[k];
  }
  if (total > 0xffffffff) throw new RangeError(`maps has ${total} pixels; at most 2^32 - 1 are supported`);
  const keys = new Uint32Array(defect);
  const region = withRegions ? new Uint32Array(defect) : null;
  const sizes = new RegionSizes();
  let labels = new Uint32Array(0);
  let at = 0;
  for (let k = 0; k < images.length; k++) {
    const img = images[k];
    if (region && perImage[k] > 0) {
      if (labels.length < img.map.length) labels = new Uint32Array(img.map.length);
      labelRegions8(img.mask, img.width, img.height, perImage[k], labels.subarray(0, img.map.length), sizes);
    }
    const bad = appendDefects(img, labels, keys, region, at);
    if (bad >= 0) throw new RangeError(`${img.mapName(bad)} is ${img.map[bad]}; scores must be finite numbers`);
    at += perImage[k];
  }
  const sorted = sortPairs32(keys, region);
  const s = sorted.keys;
  let distinct = 0;
  for (let j = 0; j < s.length; j++) if (j === 0 || s[j] !== s[j - 1]) distinct++;
  const groupKeys = new Uint32Array(distinct);
  const count = new Uint32Array(distinct);
  const overlap = new Float64Array(region ? distinct : 0);
  const inverse = new Float64Array(sizes.count + 1);
  for (let r = 1; r <= sizes.count; r++) inverse[r] = 1 / sizes.get(r);
  let g = -1;
  for (let j = 0; j < s.length; j++) {
    if (j === 0 || s[j] !== s[j - 1]) groupKeys[++g] = s[j];
    count[g]++;
    if (sorted.payload) overlap[g] += inverse[sorted.payload[j]];
  }
  return { keys: groupKeys, count, overlap, defect, normal: total - defect, regions: sizes.count };
}

/** Ascending keys of every normal pixel (maps already validated by groupDefects). */
export function sortedNormalKeys(images: ResolvedImage[], normal: number): Uint32Array {
  const keys = new Uint32Array(normal);
  let n = 0;
  for (const img of images) {
    const bits = bitsOf(img.map);
    const mask = img.mask;
    for (let i = 0; i < bits.length; i++) if (mask[i] === 0) keys[n++] = orderKey(bits[i]);
  }
  return sortPairs32(keys, null).keys;
}

/**
 * Normal pixels counted against the distinct defect scores, without sorting them: `equal[g]` have the score of
 * defect group g, `between[g]` lie strictly between groups g - 1 and g (`between[groups]` lie above all).
 * Within a `between` slot no defect pixel changes state, so the PRO and ROC curves are flat there and
 * only the slot's total moves the FPR.
 */
export interface NormalSlots {
  equal: Uint32Array;
  between: Uint32Array;
}

export function slotNormals(images: ResolvedImage[], groups: Uint32Array): NormalSlots {
  const m = groups.length;
  const equal = new Uint32Array(m);
  const between = new Uint32Array(m + 1);
  if (m === 0) {
    for (const img of images) between[0] += img.mask.length;
    return { equal, between };
  }
  // Bins of equal key width over the defect keys' range, about two per group: start[b] is the first group in bin
  // b or later, so each normal pixel's binary search covers only the few groups of its own bin.
  const min = groups[0];
  const max = groups[m - 1];
  const rangeBits = 32 - Math.clz32(max - min);
  const binBits = Math.min(22, 32 - Math.clz32(2 * m));
  const shift = Math.max(0, rangeBits - binBits);
  const bins = ((max - min) >>> shift) + 1;
  const start = new Uint32Array(bins + 1);
  for (let b = 0, g = 0; b <= bins; b++) {
    while (g < m && (groups[g] - min) >>> shift < b) g++;
    start[b] = g;
  }
  for (const img of images) {
    const bits = bitsOf(img.map);
    const mask = img.mask;
    for (let i = 0; i < bits.length; i++) {
      if (mask[i] !== 0) continue;
      const key = orderKey(bits[i]);
      if (key < min) {
        between[0]++;
        continue;
      }
      if (key > max) {
        between[m]++;
        continue;
      }
      const b = (key - min) >>> shift;
      let lo = start[b];
      let hi = start[b + 1];
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (groups[mid] < key) lo = mid + 1;
        else hi = mid;
      }
      if (groups[lo] === key) equal[lo]++;
      else between[lo]++;
    }
  }
  return { equal, between };
}
