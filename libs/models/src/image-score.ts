// The image-level anomaly score a detector decides on: the global Gaussian score, the maximum of the patch map, or
// their fusion. The two live on unrelated scales (squared Mahalanobis distance vs Euclidean patch distance), so
// the fusion sums z-scores, each standardised by the validation normal images' mean and standard deviation.

export type ImageScoreKind = 'gaussian' | 'patch' | 'fused';
export const IMAGE_SCORE_KINDS: readonly ImageScoreKind[] = ['gaussian', 'patch', 'fused'];

export interface ScoreNormalization {
  mean: number;
  std: number;
}

export interface ImageScoreSpec {
  kind: ImageScoreKind;
  /** Validation-normal statistics of the two base scores; required for 'fused'. */
  normalization?: { gaussian: ScoreNormalization; patch: ScoreNormalization };
}

/** Mean and (population) standard deviation; std is floored so a constant score cannot divide by zero. */
export function normalizationOf(scores: Float64Array): ScoreNormalization {
  if (scores.length === 0) throw new Error('score normalisation needs at least one validation score');
  let mean = 0;
  for (const s of scores) mean += s;
  mean /= scores.length;
  let v = 0;
  for (const s of scores) v += (s - mean) ** 2;
  const std = Math.sqrt(v / scores.length);
  return { mean, std: Math.max(std, 1e-12 * Math.max(1, Math.abs(mean))) };
}

/** z(gaussian) + z(patch), element-wise. */
export function fuseScores(gaussian: Float64Array, patch: Float64Array, n: NonNullable<ImageScoreSpec['normalization']>): Float64Array {
  if (gaussian.length !== patch.length) throw new Error(`fuseScores: ${gaussian.length} gaussian scores but ${patch.length} patch scores`);
  return Float64Array.from(gaussian, (g, i) => (g - n.gaussian.mean) / n.gaussian.std + (patch[i] - n.patch.mean) / n.patch.std);
}

/**
 * A clean copy of `spec` (only the known fields) after checking it: a known kind, a patch density for the kinds
 * that need one, and finite statistics with a positive std wherever a normalisation is given (fused needs one).
 */
export function checkImageScoreSpec(spec: ImageScoreSpec, hasPatch: boolean, what: string): ImageScoreSpec {
  const kind = typeof spec === 'object' && spec !== null ? spec.kind : undefined;
  if (!IMAGE_SCORE_KINDS.includes(kind as ImageScoreKind))
    throw new Error(`${what}.kind must be one of ${IMAGE_SCORE_KINDS.join(', ')} (got ${String(kind)})`);
  if (kind !== 'gaussian' && !hasPatch) throw new Error(`${what}.kind ${kind} needs a patch density`);
  const n = spec.normalization;
  if (n === undefined && kind !== 'fused') return { kind: spec.kind };
  const ok = (s: ScoreNormalization | undefined) => typeof s === 'object' && s !== null && Number.isFinite(s.mean) && Number.isFinite(s.std) && s.std > 0;
  if (!n || !ok(n.gaussian) || !ok(n.patch))
    throw new Error(`${what}.normalization must give finite mean and positive std for gaussian and patch${kind === 'fused' ? ' (fused scores need them)' : ''}`);
  const copy = (s: ScoreNormalization) => ({ mean: s.mean, std: s.std });
  return { kind: spec.kind, normalization: { gaussian: copy(n.gaussian), patch: copy(n.patch) } };
}
