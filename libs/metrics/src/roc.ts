import { binaryCounts, type Scores } from './internal/binary-counts.js';

/** ROC curve with one point per distinct score, starting at (0, 0) with threshold +Infinity. */
export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  /** Descending; a sample is predicted anomalous when its score >= threshold. */
  thresholds: Float64Array;
}

export function requireBoth(positives: number, negatives: number, labelsName: string, metric: string): void {
  if (positives === 0) throw new RangeError(`${labelsName} has no positive (1) example; ${metric} needs both classes`);
  if (negatives === 0) throw new RangeError(`${labelsName} has no negative (0) example; ${metric} needs both classes`);
}

/**
 * scikit-learn's `roc_curve(labels, scores, drop_intermediate=False)`: every distinct score is a threshold.
 */
export function rocCurve(scores: Scores, labels: Uint8Array): RocCurve {
  const c = binaryCounts(scores, labels);
  requireBoth(c.positives, c.negatives, 'labels', 'rocCurve');
  const n = c.thresholds.length + 1;
  const fpr = new Float64Array(n);
  const tpr = new Float64Array(n);
  const thresholds = new Float64Array(n);
  thresholds[0] = Infinity;
  for (let i = 1; i < n; i++) {
    fpr[i] = c.fps[i - 1] / c.negatives;
    tpr[i] = c.tps[i - 1] / c.positives;
    thresholds[i] = c.thresholds[i - 1];
  }
  return { fpr, tpr, thresholds };
}

/**
 * Area under the ROC curve, equal to scikit-learn's `roc_auc_score`: ties share one point and the curve is
 * integrated by the trapezoidal rule (the same as the Mann-Whitney statistic with ties counted as one half).
 * Computed on integer counts and divided once, so it is exact to the last bit or two.
 */
export function auroc(scores: Scores, labels: Uint8Array): number {
  const c = binaryCounts(scores, labels);
  requireBoth(c.positives, c.negatives, 'labels', 'auroc');
  let twiceArea = 0;
  let tpPrev = 0;
  let fpPrev = 0;
  for (let i = 0; i < c.tps.length; i++) {
    twiceArea += (c.fps[i] - fpPrev) * (c.tps[i] + tpPrev);
    tpPrev = c.tps[i];
    fpPrev = c.fps[i];
  }
  return twiceArea / (2 * c.positives * c.negatives);
}
