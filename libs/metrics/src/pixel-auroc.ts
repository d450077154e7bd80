import { resolveImages, type AnomalyMaps, type GroundTruthMasks } from './images.js';
import { sortPixels, type SortedPixels } from './internal/sorted-pixels.js';
import { auproOfSorted, checkFprLimit, type AuproOptions } from './pro.js';

export function pixelAurocOfSorted(s: SortedPixels): number {
  if (s.defectKeys.length === 0) throw new RangeError('masks has no defect pixel in any image; pixelAuroc needs both classes');
  if (s.normal === 0) throw new RangeError('masks has no normal (0) pixel in any image; pixelAuroc needs both classes');
  const { normalKeys, defectKeys } = s;
  // Twice the trapezoidal area in integer counts: exact below 2^53, divided once at the end.
  let twiceArea = 0;
  let i = normalKeys.length - 1;
  let j = defectKeys.length - 1;
  let tp = 0;
  let fp = 0;
  while (i >= 0 || j >= 0) {
    const key = Math.max(i >= 0 ? normalKeys[i] : -1, j >= 0 ? defectKeys[j] : -1);
    const tpPrev = tp;
    const fpPrev = fp;
    for (; i >= 0 && normalKeys[i] === key; i--) fp++;
    for (; j >= 0 && defectKeys[j] === key; j--) tp++;
    twiceArea += (fp - fpPrev) * (tp + tpPrev);
  }
  return twiceArea / (2 * defectKeys.length * s.normal);
}

/**
 * Pixel-level AUROC over all pixels of all images: scikit-learn's `roc_auc_score(masks.ravel(), maps.ravel())`.
 * Image sizes are not needed, only equal lengths of each map and its mask.
 */
export function pixelAuroc(maps: AnomalyMaps, masks: GroundTruthMasks): number {
  return pixelAurocOfSorted(sortPixels(resolveImages(maps, masks, {}, false), false));
}

export interface PixelMetrics {
  pixelAuroc: number;
  aupro: number;
}

/** Pixel AUROC and AU-PRO from a single sort of the pixels (cheaper than calling both). */
export function pixelMetrics(maps: AnomalyMaps, masks: GroundTruthMasks, options: AuproOptions = {}): PixelMetrics {
  const limit = checkFprLimit(options);
  const s = sortPixels(resolveImages(maps, masks, options, true), true);
  return { pixelAuroc: pixelAurocOfSorted(s), aupro: auproOfSorted(s, limit) };
}
