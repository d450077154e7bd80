import { resolveImages, type AnomalyMaps, type GroundTruthMasks, type SizeOptions } from './images.js';
import { CappedTrapezoid } from './internal/capped-trapezoid.js';
import { float32FromKey } from './internal/keys.js';
import { sortPixels, type SortedPixels } from './internal/sorted-pixels.js';

/** Per-region-overlap curve: FPR ascending from 0 to 1, PRO alongside, and the score threshold of each point. */
export interface ProCurve {
  fpr: Float64Array;
  pro: Float64Array;
  /** +Infinity for the (0, 0) start, -Infinity for the appended (1, 1) end; else pixels >= threshold are flagged. */
  thresholds: Float64Array;
  /** Number of ground-truth regions (8-connected components over all masks). */
  regions: number;
}

export interface AuproOptions extends SizeOptions {
  /** Upper FPR limit of the integration, in (0, 1]; the area is divided by it. Default 0.3 (MVTec AD). */
  fprLimit?: number;
}

export function checkFprLimit(options: AuproOptions): number {
  const limit = options.fprLimit ?? 0.3;
  if (typeof limit !== 'number' || !(limit > 0 && limit <= 1))
    throw new RangeError(`options.fprLimit must be in (0, 1], got ${String(limit)}`);
  return limit;
}

function requireRegionsAndNormals(s: SortedPixels, metric: string): void {
  if (s.regions === 0) throw new RangeError(`masks has no defect pixel in any image; ${metric} needs at least one region`);
  if (s.normal === 0) throw new RangeError(`masks has no normal (0) pixel in any image; ${metric} needs some`);
}

/**
 * Walks the PRO curve of the official MVTec AD code (pro_curve_util.py): one point per distinct score, from the
 * highest down, FPR over all normal pixels of all images (rounded to float32 as there), PRO the mean over all
 * regions of each region's flagged fraction (clipped to 1), framed by (0, 0) and (1, 1).
 * `visit` returns false to stop early.
 */
function walkPro(s: SortedPixels, visit: (fpr: number, pro: number, threshold: number) => boolean): void {
  const { normalKeys, defectKeys, inverseRegionSize, normal, regions } = s;
  const region = s.defectRegion as Uint32Array;
  if (!visit(0, 0, Infinity)) return;
  let i = normalKeys.length - 1;
  let j = defectKeys.length - 1;
  let fp = 0;
  let overlap = 0;
  while (i >= 0 || j >= 0) {
    // The next threshold is the larger of the two sides' next keys (-1 marks an exhausted side).
    const key = Math.max(i >= 0 ? normalKeys[i] : -1, j >= 0 ? defectKeys[j] : -1);
    for (; i >= 0 && normalKeys[i] === key; i--) fp++;
    for (; j >= 0 && defectKeys[j] === key; j--) overlap += inverseRegionSize[region[j]];
    if (!visit(Math.fround(fp / normal), Math.min(overlap / regions, 1), float32FromKey(key))) return;
  }
  visit(1, 1, -Infinity);
}

/** The PRO curve (see AU-PRO); the whole curve is materialised, one point per distinct score. */
export function proCurve(maps: AnomalyMaps, masks: GroundTruthMasks, options: SizeOptions = {}): ProCurve {
  const s = sortPixels(resolveImages(maps, masks, options, true), true);
  requireRegionsAndNormals(s, 'proCurve');
  let distinct = 0;
  walkPro(s, () => {
    distinct++;
    return true;
  });
  const fpr = new Float64Array(distinct);
  const pro = new Float64Array(distinct);
  const thresholds = new Float64Array(distinct);
  let i = 0;
  walkPro(s, (x, y, t) => {
    fpr[i] = x;
    pro[i] = y;
    thresholds[i++] = t;
    return true;
  });
  return { fpr, pro, thresholds, regions: s.regions };
}

export function auproOfSorted(s: SortedPixels, fprLimit: number): number {
  requireRegionsAndNormals(s, 'aupro');
  const area = new CappedTrapezoid(fprLimit);
  walkPro(s, (x, y) => area.add(x, y));
  return area.area / fprLimit;
}

/**
 * Area under the PRO curve up to `fprLimit`, divided by it: the official MVTec AD AU-PRO (regions are 8-connected
 * components of each mask; every distinct score is a threshold; the curve is cut at the limit with linear
 * interpolation and integrated by the trapezoidal rule). Bare per-image arrays need `options.size`.
 */
export function aupro(maps: AnomalyMaps, masks: GroundTruthMasks, options: AuproOptions = {}): number {
  const limit = checkFprLimit(options);
  return auproOfSorted(sortPixels(resolveImages(maps, masks, options, true), true, limit), limit);
}
