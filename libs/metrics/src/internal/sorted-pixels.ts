import type { ResolvedImage } from '../images.js';
import { float32KeysInto } from './keys.js';
import { sortPairs32 } from './radix-sort.js';
import { labelRegions8, RegionSizes } from './regions.js';

/**
 * Every pixel of every image, sorted ascending by score (as order keys). `payload` is 0 for a normal pixel and,
 * for a defect pixel, its global region id (with regions) or 1 (without).
 */
export interface SortedPixels {
  keys: Uint32Array;
  payload: Uint32Array;
  normal: number;
  defect: number;
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

export function sortPixels(images: ResolvedImage[], withRegions: boolean): SortedPixels {
  let total = 0;
  for (const img of images) total += img.map.length;
  if (total > 0xffffffff) throw new RangeError(`maps has ${total} pixels; at most 2^32 - 1 are supported`);
  const keys = new Uint32Array(total);
  const payload = new Uint32Array(total);
  const sizes = new RegionSizes();
  let defect = 0;
  let at = 0;
  for (const img of images) {
    const bad = float32KeysInto(img.map, keys, at);
    if (bad >= 0) throw new RangeError(`${img.mapName(bad)} is ${img.map[bad]}; scores must be finite numbers`);
    const fg = countDefects(img);
    defect += fg;
    const out = payload.subarray(at, at + img.map.length);
    if (withRegions) labelRegions8(img.mask, img.width, img.height, fg, out, sizes);
    else for (let i = 0; i < out.length; i++) out[i] = img.mask[i] === 0 ? 0 : 1;
    at += img.map.length;
  }
  const inverseRegionSize = new Float64Array(withRegions ? sizes.count + 1 : 0);
  for (let r = 1; r < inverseRegionSize.length; r++) inverseRegionSize[r] = 1 / sizes.get(r);
  const sorted = sortPairs32(keys, payload);
  return {
    keys: sorted.keys,
    payload: sorted.payload,
    normal: total - defect,
    defect,
    inverseRegionSize,
    regions: sizes.count,
  };
}
