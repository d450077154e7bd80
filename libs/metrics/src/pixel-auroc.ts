import { resolveImages, type AnomalyMaps, type GroundTruthMasks } from './images.js';
import { groupDefects, slotNormals, type DefectGroups, type NormalSlots } from './internal/pixels.js';
import { auproOfSlots, checkFprLimit, requireRegionsAndNormals, type AuproOptions } from './pro.js';

function requireBoth(g: DefectGroups): void {
  if (g.defect === 0) throw new RangeError('masks has no defect pixel in any image; pixelAuroc needs both classes');
  if (g.normal === 0) throw new RangeError('masks has no normal (0) pixel in any image; pixelAuroc needs both classes');
}

function pixelAurocOfSlots(g: DefectGroups, slots: NormalSlots): number {
  const { count } = g;
  const { equal, between } = slots;
  // Twice the trapezoidal area in integer counts (exact below 2^53), from the highest score down; divided once.
  // Normals above every defect score (between[last]) add width at height 0, hence nothing.
  let twiceArea = 0;
  let tp = 0;
  for (let j = count.length - 1; j >= 0; j--) {
    const tpPrev = tp;
    tp += count[j];
    twiceArea += equal[j] * (tp + tpPrev) + between[j] * 2 * tp;
  }
  return twiceArea / (2 * g.defect * g.normal);
}

/**
 * Pixel-level AUROC over all pixels of all images: scikit-learn's `roc_auc_score(masks.ravel(), maps.ravel())`.
 * Image sizes are not needed, only equal lengths of each map and its mask.
 */
export function pixelAuroc(maps: AnomalyMaps, masks: GroundTruthMasks): number {
  const images = resolveImages(maps, masks, {}, false);
  const g = groupDefects(images, false);
  requireBoth(g);
  return pixelAurocOfSlots(g, slotNormals(images, g.keys));
}

export interface PixelMetrics {
  pixelAuroc: number;
  aupro: number;
}

/** Pixel AUROC and AU-PRO from one pass over the pixels (cheaper than calling both). */
export function pixelMetrics(maps: AnomalyMaps, masks: GroundTruthMasks, options: AuproOptions = {}): PixelMetrics {
  const limit = checkFprLimit(options);
  const images = resolveImages(maps, masks, options, true);
  const g = groupDefects(images, true);
  requireBoth(g);
  requireRegionsAndNormals(g, 'aupro');
  const slots = slotNormals(images, g.keys);
  return { pixelAuroc: pixelAurocOfSlots(g, slots), aupro: auproOfSlots(g, slots, limit) };
}
