// Gaussian density on embeddings: mean and Ledoit–Wolf shrunk covariance exactly as scikit-learn's LedoitWolf
// (assume_centered=False), score = squared Mahalanobis distance. Fitted in float64.
import * as tf from '@tensorflow/tfjs';

export interface GaussianDensityOptions {
  /** L2-normalise every embedding row before fitting and scoring (the reference does). Default true. */
  l2Normalize?: boolean;
}

export interface GaussianDensityState {
  dim: number;
  l2Normalize: boolean;
  shrinkage: number;
  /** Length dim. */
  mean: Float64Array;
  /** dim × dim, row-major: the inverse of the shrunk covariance. */
  precision: Float64Array;
  /** dim × dim, row-major. */
  covariance: Float64Array;
}

function checkRows(data: Float32Array | Float64Array, dim: number, what: string): number {
  if (!Number.isInteger(dim) || dim < 1) throw new Error(`GaussianDensity: dim must be a positive integer (got ${dim})`);
  if (data.length % dim !== 0 || data.length === 0)
    throw new Error(`GaussianDensity.${what}: embeddings length ${data.length} is not a positive multiple of dim ${dim}`);
  return data.length / dim;
}

function normalizedRows(data: Float32Array | Float64Array, dim: number, l2: boolean): Float64Array {
  const out = Float64Array.from(data);
  if (!l2) return out;
  const sqrt = Math.sqrt;
  for (let r = 0; r < out.length; r += dim) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += out[r + j] * out[r + j];
    const inv = s > 0 ? 1 / sqrt(s) : 0;
    for (let j = 0; j < dim; j++) out[r + j] *= inv;
  }
  return out;
}

/** Xᵀ·X / n for row-major X (n × d). */
function gram(x: Float64Array, n: number, d: number, square = false): Float64Array {
  const g = new Float64Array(d * d);
  for (let r = 0; r < n; r++) {
    const o = r * d;
    for (let i = 0; i < d; i++) {
      const xi = square ? x[o + i] * x[o + i] : x[o + i];
      if (xi === 0) continue;
      for (let j = i; j < d; j++) g[i * d + j] += xi * (square ? x[o + j] * x[o + j] : x[o + j]);
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) g[i * d + j] = g[j * d + i];
  return g;
}

/** scikit-learn's ledoit_wolf_shrinkage on centred data. */
function ledoitWolfShrinkage(xc: Float64Array, n: number, d: number, xtx: Float64Array): number {
  if (d === 1) return 0;
  const x2tx2 = gram(xc, n, d, true);
  let betaSum = 0;
  let deltaSum = 0;
  let traceSum = 0;
  for (let k = 0; k < d * d; k++) {
    betaSum += x2tx2[k];
    deltaSum += xtx[k] * xtx[k];
  }
  for (let i = 0; i < d; i++) traceSum += xtx[i * d + i] / n;
  const mu = traceSum / d;
  let delta = deltaSum / (n * n);
  let beta = (1 / (d * n)) * (betaSum / n - delta);
  delta = (delta - 2 * mu * traceSum + d * mu * mu) / d;
  beta = Math.min(beta, delta);
  return beta === 0 ? 0 : beta / delta;
}

/** Inverse of a symmetric positive-definite matrix by Cholesky. */
function spdInverse(a: Float64Array, d: number): Float64Array {
  const l = new Float64Array(d * d);
  const sqrt = Math.sqrt;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
      if (i === j) {
        if (!(s > 0)) throw new Error(`GaussianDensity: covariance is not positive definite (pivot ${i} = ${s}); need more distinct embeddings`);
        l[i * d + i] = sqrt(s);
      } else l[i * d + j] = s / l[j * d + j];
    }
  }
  // inv(L) by forward substitution, then inv(A) = inv(L)ᵀ·inv(L).
  const li = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    li[i * d + i] = 1 / l[i * d + i];
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s -= l[i * d + k] * li[k * d + j];
      li[i * d + j] = s / l[i * d + i];
    }
  }
  const inv = new Float64Array(d * d);
  for (let i = 0; i < d; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < d; k++) s += li[k * d + i] * li[k * d + j];
      inv[i * d + j] = s;
      inv[j * d + i] = s;
    }
  return inv;
}

export class GaussianDensity {
  private constructor(readonly state: GaussianDensityState) {}

  get dim(): number {
    return this.state.dim;
  }

  /** Fits on `embeddings`, row-major n × dim. */
  static estimate(embeddings: Float32Array | Float64Array, dim: number, options: GaussianDensityOptions = {}): GaussianDensity {
    const n = checkRows(embeddings, dim, 'estimate');
    if (n < 2) throw new Error(`GaussianDensity.estimate: need at least 2 embeddings (got ${n})`);
    const l2Normalize = options.l2Normalize ?? true;
    const x = normalizedRows(embeddings, dim, l2Normalize);
    const mean = new Float64Array(dim);
    for (let r = 0; r < x.length; r += dim) for (let j = 0; j < dim; j++) mean[j] += x[r + j];
    for (let j = 0; j < dim; j++) mean[j] /= n;
    for (let r = 0; r < x.length; r += dim) for (let j = 0; j < dim; j++) x[r + j] -= mean[j];
    const xtx = gram(x, n, dim);
    const shrinkage = ledoitWolfShrinkage(x, n, dim, xtx);
    const covariance = new Float64Array(dim * dim);
    let mu = 0;
    for (let i = 0; i < dim; i++) mu += xtx[i * dim + i] / n;
    mu /= dim;
    for (let k = 0; k < dim * dim; k++) covariance[k] = (1 - shrinkage) * (xtx[k] / n);
    for (let i = 0; i < dim; i++) covariance[i * dim + i] += shrinkage * mu;
    return new GaussianDensity({ dim, l2Normalize, shrinkage, mean, covariance, precision: spdInverse(covariance, dim) });
  }

  static fromState(state: GaussianDensityState): GaussianDensity {
    const { dim } = state;
    if (!Number.isInteger(dim) || dim < 1 || state.mean.length !== dim || state.precision.length !== dim * dim || state.covariance.length !== dim * dim)
      throw new Error(`GaussianDensity.fromState: inconsistent state (dim ${dim}, mean ${state.mean.length}, precision ${state.precision.length}, covariance ${state.covariance.length})`);
    return new GaussianDensity(state);
  }

  /** Squared Mahalanobis distance of every row (row-major n × dim), in float64. */
  score(embeddings: Float32Array | Float64Array): Float64Array {
    const { dim, mean, precision, l2Normalize } = this.state;
    const n = checkRows(embeddings, dim, 'score');
    const x = normalizedRows(embeddings, dim, l2Normalize);
    const out = new Float64Array(n);
    const c = new Float64Array(dim);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < dim; j++) c[j] = x[r * dim + j] - mean[j];
      let s = 0;
      for (let i = 0; i < dim; i++) {
        let t = 0;
        for (let j = 0; j < dim; j++) t += precision[i * dim + j] * c[j];
        s += c[i] * t;
      }
      out[r] = s;
    }
    return out;
  }

  /** The same score as a differentiable float32 tfjs op (e.g. GradCAM's density target): [n, dim] → [n]. */
  scoreTensor(embeddings: tf.Tensor2D): tf.Tensor1D {
    const { dim, mean, precision, l2Normalize } = this.state;
    if (embeddings.rank !== 2 || embeddings.shape[1] !== dim)
      throw new Error(`GaussianDensity.scoreTensor: embeddings must be [n, ${dim}] (got [${embeddings.shape.join(', ')}])`);
    return tf.tidy(() => {
      let x: tf.Tensor2D = embeddings;
      if (l2Normalize) x = tf.div(x, tf.maximum(tf.norm(x, 'euclidean', 1, true), 1e-12));
      const c = tf.sub(x, tf.tensor1d(Float32Array.from(mean)));
      return tf.sum(tf.mul(tf.matMul(c, tf.tensor2d(Float32Array.from(precision), [dim, dim])), c), 1) as tf.Tensor1D;
    });
  }
}
