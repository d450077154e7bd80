// Gaussian density on L2-normalised embeddings: mean and Ledoit-Wolf shrunk covariance (scikit-learn's
// estimator), squared Mahalanobis distance as the anomaly score. Float64 throughout.

export interface Gaussian {
  mean: Float64Array;
  /** Inverse of the shrunk covariance, d × d row-major. */
  precision: Float64Array;
  shrinkage: number;
}

export function l2NormalizeRows(values: Float32Array, d: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let r = 0; r < values.length / d; r++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += values[r * d + j] ** 2;
    const inv = 1 / Math.max(Math.sqrt(s), 1e-12);
    for (let j = 0; j < d; j++) out[r * d + j] = values[r * d + j] * inv;
  }
  return out;
}

export function fitGaussian(values: Float32Array, d: number): Gaussian {
  const n = values.length / d;
  if (!Number.isInteger(n) || n < 2) throw new Error(`fitGaussian: need at least 2 embeddings of dimension ${d}, got ${values.length / d}`);
  const x = l2NormalizeRows(values, d);
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) mean[j] += x[r * d + j] / n;
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) x[r * d + j] -= mean[j];
  // Empirical covariance and the sums Ledoit-Wolf needs (sklearn.covariance.ledoit_wolf_shrinkage).
  const cov = new Float64Array(d * d);
  const cov2 = new Float64Array(d * d);
  for (let r = 0; r < n; r++) {
    const row = r * d;
    for (let i = 0; i < d; i++) {
      const xi = x[row + i];
      if (xi === 0) continue;
      const xi2 = xi * xi;
      for (let j = i; j < d; j++) {
        const xj = x[row + j];
        cov[i * d + j] += xi * xj;
        cov2[i * d + j] += xi2 * xj * xj;
      }
    }
  }
  let traceSum = 0;
  let beta_ = 0;
  let delta_ = 0;
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      const w = i === j ? 1 : 2;
      beta_ += w * cov2[i * d + j];
      delta_ += w * cov[i * d + j] ** 2;
      if (i === j) traceSum += cov[i * d + i] / n;
    }
  const mu = traceSum / d;
  delta_ /= n * n;
  let beta = (beta_ / n - delta_) / (d * n);
  const delta = (delta_ - 2 * mu * traceSum + d * mu * mu) / d;
  beta = Math.min(beta, delta);
  const shrinkage = beta === 0 ? 0 : beta / delta;
  const shrunk = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      const v = (1 - shrinkage) * (cov[i * d + j] / n) + (i === j ? shrinkage * mu : 0);
      shrunk[i * d + j] = v;
      shrunk[j * d + i] = v;
    }
  return { mean, precision: invertSpd(shrunk, d), shrinkage };
}

/** Inverse of a symmetric positive-definite matrix through its Cholesky factor. */
function invertSpd(a: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
      if (i === j) {
        if (!(s > 0)) throw new Error(`fitGaussian: covariance is not positive definite (pivot ${i} = ${s})`);
        l[i * d + i] = Math.sqrt(s);
      } else l[i * d + j] = s / l[j * d + j];
    }
  // inv(L) by forward substitution, then inv(A) = inv(L)ᵀ inv(L).
  const li = new Float64Array(d * d);
  for (let c = 0; c < d; c++) {
    li[c * d + c] = 1 / l[c * d + c];
    for (let i = c + 1; i < d; i++) {
      let s = 0;
      for (let k = c; k < i; k++) s -= l[i * d + k] * li[k * d + c];
      li[i * d + c] = s / l[i * d + i];
    }
  }
  const inv = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      let s = 0;
      for (let k = j; k < d; k++) s += li[k * d + i] * li[k * d + j];
      inv[i * d + j] = s;
      inv[j * d + i] = s;
    }
  return inv;
}

/** Squared Mahalanobis distance of each (L2-normalised) row. */
export function scoreGaussian(g: Gaussian, values: Float32Array, d: number): Float64Array {
  const x = l2NormalizeRows(values, d);
  const n = values.length / d;
  const out = new Float64Array(n);
  const c = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < d; j++) c[j] = x[r * d + j] - g.mean[j];
    let s = 0;
    for (let i = 0; i < d; i++) {
      let t = 0;
      for (let j = 0; j < d; j++) t += g.precision[i * d + j] * c[j];
      s += c[i] * t;
    }
    out[r] = s;
  }
  return out;
}
