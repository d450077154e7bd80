// The decision threshold: the q-quantile of the validation normal images' scores, estimated either empirically
// (numpy's linear interpolation) or from a normal fit (mean + Φ⁻¹(q)·std). With tens of validation images the
// empirical 0.99 quantile is their largest one or two scores, so one unusual normal image moves it; the normal fit
// uses every score (magnetic tile, 76 validation images: F1 at the threshold 0.748 → 0.877, apps/benchmark/README.md).

export type ThresholdEstimate = 'quantile' | 'normal';
export const THRESHOLD_ESTIMATES: readonly ThresholdEstimate[] = ['quantile', 'normal'];

/** Linear-interpolated quantile (numpy's default) of `values`. */
export function quantile(values: Float32Array | Float64Array, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile: q must be in [0, 1] (got ${q})`);
  if (values.length === 0) throw new Error('quantile: values must not be empty');
  const s = Float64Array.from(values).sort();
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (pos - lo) * (s[hi] - s[lo]);
}

/** Φ⁻¹(p), the standard normal quantile, for p in (0, 1): Acklam's rational approximation (relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`normal quantile: p must be in (0, 1) (got ${p})`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p <= 1 - low) {
    const q = p - 0.5;
    const r = q * q;
    return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  const q = Math.sqrt(-2 * Math.log(1 - p));
  return -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
}

/** The threshold for `scores` (validation normals) at quantile `q`, estimated as `estimate` says. */
export function thresholdOf(scores: Float32Array | Float64Array, q: number, estimate: ThresholdEstimate): number {
  if (!THRESHOLD_ESTIMATES.includes(estimate)) throw new Error(`threshold estimate must be one of ${THRESHOLD_ESTIMATES.join(', ')} (got ${String(estimate)})`);
  if (estimate === 'quantile') return quantile(scores, q);
  if (scores.length < 2) throw new Error(`threshold: a normal fit needs at least 2 validation scores (got ${scores.length})`);
  if (!(q > 0 && q < 1)) throw new Error(`threshold: q must be in (0, 1) for a normal fit (got ${q}; q = 1, the largest score, is the 'quantile' estimate's)`);
  let mean = 0;
  for (const s of scores) mean += s;
  mean /= scores.length;
  let v = 0;
  for (const s of scores) v += (s - mean) ** 2;
  return mean + normalQuantile(q) * Math.sqrt(v / scores.length);
}
