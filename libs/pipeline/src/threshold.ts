// Image-level numbers for one embedding: AUROC, F1-max, and F1 at the threshold chosen on held-out normal images
// (a quantile of their scores: the decision rule a deployment would use, with no test labels involved).
import { auroc, f1AtThreshold, f1Max } from '@ssad/metrics';
import type { EmbeddingScores } from './run-metrics.js';

/** Linear-interpolated quantile (numpy's default) of the scores. */
export function quantile(scores: Float32Array | Float64Array, q: number): number {
  if (scores.length === 0) throw new Error('quantile: no scores (the validation split is empty)');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile: q must be in [0, 1], got ${q}`);
  const s = Float64Array.from(scores).sort();
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export interface ImageEvaluation extends EmbeddingScores {
  f1MaxThreshold: number;
}

export function evaluateImageScores(
  testScores: Float32Array | Float64Array,
  labels: Uint8Array,
  validationScores: Float32Array | Float64Array,
  thresholdQuantile: number,
): ImageEvaluation {
  const threshold = quantile(validationScores, thresholdQuantile);
  const best = f1Max(testScores, labels);
  return {
    imageAuroc: auroc(testScores, labels),
    f1Max: best.f1,
    f1MaxThreshold: best.threshold,
    f1AtThreshold: f1AtThreshold(testScores, labels, threshold).f1,
    threshold,
  };
}
