import { binaryCounts, checkLabels, checkScoresType, type Scores } from './internal/binary-counts.js';

/** scikit-learn's precision-recall curve: thresholds ascending, precision/recall one longer, ending at (1, 0). */
export interface PrecisionRecallCurve {
  precision: Float64Array;
  recall: Float64Array;
  thresholds: Float64Array;
}

/** F1 with the precision and recall it comes from; a sample is predicted anomalous when score >= threshold. */
export interface F1Result {
  f1: number;
  threshold: number;
  precision: number;
  recall: number;
}

function requirePositive(positives: number, metric: string): void {
  if (positives === 0) throw new RangeError(`labels has no positive (1) example; ${metric} needs at least one`);
}

// The F1 formula of anomalib's F1Max (without its 1e-10 guard), on the curve's floating-point precision and recall.
function f1Of(precision: number, recall: number): number {
  const s = precision + recall;
  return s === 0 ? 0 : (2 * precision * recall) / s;
}

/** `precision_recall_curve(labels, scores)` of scikit-learn >= 1.1 (every distinct score is a threshold). */
export function precisionRecallCurve(scores: Scores, labels: Uint8Array): PrecisionRecallCurve {
  const c = binaryCounts(scores, labels);
  requirePositive(c.positives, 'precisionRecallCurve');
  const m = c.thresholds.length;
  const precision = new Float64Array(m + 1);
  const recall = new Float64Array(m + 1);
  const thresholds = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const j = m - 1 - i;
    precision[i] = c.tps[j] / (c.tps[j] + c.fps[j]);
    recall[i] = c.tps[j] / c.positives;
    thresholds[i] = c.thresholds[j];
  }
  precision[m] = 1;
  return { precision, recall, thresholds };
}

/**
 * Largest F1 over the precision-recall curve's thresholds, as anomalib's F1Max: F1 = 2PR / (P + R) at each
 * threshold of the scikit-learn curve; on equal F1 the lowest threshold wins (the first argmax in ascending order).
 */
export function f1Max(scores: Scores, labels: Uint8Array): F1Result {
  const { precision, recall, thresholds } = precisionRecallCurve(scores, labels);
  let best = 0;
  for (let i = 1; i < thresholds.length; i++)
    if (f1Of(precision[i], recall[i]) > f1Of(precision[best], recall[best])) best = i;
  return {
    f1: f1Of(precision[best], recall[best]),
    threshold: thresholds[best],
    precision: precision[best],
    recall: recall[best],
  };
}

/** F1, precision and recall when predicting anomalous for score >= threshold (precision 0 when nothing is). */
export function f1AtThreshold(scores: Scores, labels: Uint8Array, threshold: number): F1Result {
  if (typeof threshold !== 'number' || Number.isNaN(threshold))
    throw new RangeError(`threshold must be a number, got ${String(threshold)}`);
  checkScoresType(scores, 'scores');
  const n = scores.length;
  const positives = checkLabels(labels, n, 'scores', 'labels');
  requirePositive(positives, 'f1AtThreshold');
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    if (!Number.isFinite(s)) throw new RangeError(`scores[${i}] is ${s}; scores must be finite numbers`);
    if (s >= threshold) {
      if (labels[i] === 1) tp++;
      else fp++;
    }
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp / positives;
  return { f1: f1Of(precision, recall), threshold, precision, recall };
}
