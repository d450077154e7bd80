import { resolveImages, type AnomalyMaps, type GroundTruthMasks, type SizeOptions } from './images.js';
import { CappedTrapezoid } from './internal/capped-trapezoid.js';
import { float32FromKey } from './internal/keys.js';
import { groupDefects, slotNormals, sortedNormalKeys, type DefectGroups, type NormalSlots } from './internal/pixels.js';

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

export function requireRegionsAndNormals(g: DefectGroups, metric: string): void {
  if (g.regions === 0) throw new RangeError(`masks has no defect pixel in any image; ${metric} needs at least one region`);
  if (g.normal === 0) throw new RangeError(`masks has no normal (0) pixel in any image; ${metric} needs some`);
}

// The PRO curve of the official MVTec AD code (pro_curve_util.py): from the highest score down, one point per
// distinct score; FPR over all normal pixels of all images, rounded to float32 as there; PRO the mean over all
// regions of each region's flagged fraction, clipped to 1; framed by (0, 0) and (1, 1).
type Visit = (fpr: number, pro: number, threshold: number) => boolean;

/** Every point of the curve, from the normal pixels sorted; `visit` returns false to stop. */
function walkSorted(g: DefectGroups, normalKeys: Uint32Array, visit: Visit): void {
  const { keys, overlap, normal, regions } = g;
  if (!visit(0, 0, Infinity)) return;
  let i = normalKeys.length - 1;
  let j = keys.length - 1;
  let fp = 0;
  let covered = 0;
  while (i >= 0 || j >= 0) {
    // The next threshold is the larger of the two sides' next keys (-1 marks an exhausted side).
    const key = Math.max(i >= 0 ? normalKeys[i] : -1, j >= 0 ? keys[j] : -1);
    for (; i >= 0 && normalKeys[i] === key; i--) fp++;
    if (j >= 0 && keys[j] === key) covered += overlap[j--];
    if (!visit(Math.fround(fp / normal), Math.min(covered / regions, 1), float32FromKey(key))) return;
  }
  visit(1, 1, -Infinity);
}

/**
 * The same curve from normal-pixel slots: the points inside a flat stretch between two defect scores are skipped
 * (they add nothing to the area: the trapezoids of a flat run sum to its width times its height, and the cut at the
 * FPR limit interpolates a flat run flatly). Thresholds are not known here and are given as NaN.
 */
function walkSlots(g: DefectGroups, slots: NormalSlots, visit: Visit): void {
  const { overlap, normal, regions } = g;
  const { equal, between } = slots;
  const m = g.keys.length;
  if (!visit(0, 0, Infinity)) return;
  let fp = between[m];
  let covered = 0;
  if (fp > 0 && !visit(Math.fround(fp / normal), 0, NaN)) return;
  for (let j = m - 1; j >= 0; j--) {
    fp += equal[j];
    covered += overlap[j];
    const pro = Math.min(covered / regions, 1);
    if (!visit(Math.fround(fp / normal), pro, NaN)) return;
    if (between[j] === 0) continue;
    fp += between[j];
    if (!visit(Math.fround(fp / normal), pro, NaN)) return;
  }
  visit(1, 1, -Infinity);
}

/** The PRO curve (see AU-PRO) with every distinct score as a point; it materialises one point per distinct score. */
export function proCurve(maps: AnomalyMaps, masks: GroundTruthMasks, options: SizeOptions = {}): ProCurve {
  const images = resolveImages(maps, masks, options, true);
  const g = groupDefects(images, true);
  requireRegionsAndNormals(g, 'proCurve');
  const normalKeys = sortedNormalKeys(images, g.normal);
  let points = 0;
  walkSorted(g, normalKeys, () => {
    points++;
    return true;
  });
  const fpr = new Float64Array(points);
  const pro = new Float64Array(points);
  const thresholds = new Float64Array(points);
  let i = 0;
  walkSorted(g, normalKeys, (x, y, t) => {
    fpr[i] = x;
    pro[i] = y;
    thresholds[i++] = t;
    return true;
  });
  return { fpr, pro, thresholds, regions: g.regions };
}

export function auproOfSlots(g: DefectGroups, slots: NormalSlots, fprLimit: number): number {
  requireRegionsAndNormals(g, 'aupro');
  const area = new CappedTrapezoid(fprLimit);
  walkSlots(g, slots, (x, y) => area.add(x, y));
  return area.area / fprLimit;
}

/**
 * Area under the PRO curve up to `fprLimit`, divided by it: the official MVTec AD AU-PRO (regions are 8-connected
 * components of each mask; every distinct score is a threshold; the curve is cut at the limit with linear
 * interpolation and integrated by the trapezoidal rule). Bare per-image arrays need `options.size`.
 */
export function aupro(maps: AnomalyMaps, masks: GroundTruthMasks, options: AuproOptions = {}): number {
  const limit = checkFprLimit(options);
  const images = resolveImages(maps, masks, options, true);
  const g = groupDefects(images, true);
  requireRegionsAndNormals(g, 'aupro');
  return auproOfSlots(g, slotNormals(images, g.keys), limit);
}
