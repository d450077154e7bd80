// Image-level numbers for one image score: AUROC, F1-max, and F1 at the threshold chosen on held-out normal images
// (a quantile of their scores, see models' thresholdOf: the decision rule a deployment would use, with no test
// labels involved).
import { auroc, f1AtThreshold, f1Max } from '@ssad/metrics';
import { thresholdOf, type ThresholdEstimate } from '@ssad/models';
import type { EmbeddingScores } from './run-metrics.js';

export interface ImageEvaluation extends EmbeddingScores {
  f1MaxThreshold: number;
}

export function evaluateImageScores(
  testScores: Float32Array | Float64Array,
  labels: Uint8Array,
  validationScores: Float32Array | Float64Array,
  thresholdQuantile: number,
  estimate: ThresholdEstimate,
): ImageEvaluation {
  const threshold = thresholdOf(validationScores, thresholdQuantile, estimate);
  const best = f1Max(testScores, labels);
  return {
    imageAuroc: auroc(testScores, labels),
    f1Max: best.f1,
    f1MaxThreshold: best.threshold,
    f1AtThreshold: f1AtThreshold(testScores, labels, threshold).f1,
    threshold,
  };
}
