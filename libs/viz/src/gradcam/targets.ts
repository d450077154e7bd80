// Differentiable per-image scores for GradCamModel.scoreFromStage, built from a model's outputs.
import * as tf from '@tensorflow/tfjs';

/**
 * The logit of one class, or 'anomalous': the largest logit among the non-normal classes (the pretext classes
 * CutPaste / scar / ...), so the map explains "why does this look altered".
 */
export function logitTarget(logits: tf.Tensor2D, target: number | 'anomalous' = 'anomalous', normalClass = 0): tf.Tensor1D {
  const classes = logits.shape[1];
  if (target === 'anomalous') {
    if (!Number.isInteger(normalClass) || normalClass < 0 || normalClass >= classes)
      throw new Error(`logitTarget: normalClass must be an integer in [0, ${classes - 1}], got ${normalClass}`);
    if (classes < 2) throw new Error('logitTarget: "anomalous" needs at least 2 classes');
    return tf.tidy(() => {
      const parts: tf.Tensor2D[] = [];
      if (normalClass > 0) parts.push(tf.slice(logits, [0, 0], [-1, normalClass]));
      if (normalClass < classes - 1) parts.push(tf.slice(logits, [0, normalClass + 1], [-1, -1]));
      return tf.max(parts.length === 1 ? parts[0] : tf.concat(parts, 1), 1) as tf.Tensor1D;
    });
  }
  if (!Number.isInteger(target) || target < 0 || target >= classes)
    throw new Error(`logitTarget: target must be 'anomalous' or a class index in [0, ${classes - 1}], got ${target}`);
  return tf.tidy(() => tf.reshape(tf.slice(logits, [0, target], [-1, 1]), [-1]) as tf.Tensor1D);
}

/** A fitted Gaussian: mean (d) and precision (inverse covariance, d×d row-major). */
export interface GaussianParams {
  mean: Float32Array | Float64Array;
  precision: Float32Array | Float64Array;
}

/**
 * Mahalanobis distance of each embedding row to the Gaussian, (e − μ)ᵀ P (e − μ), or its square root when
 * squared is false. Differentiable, so GradCAM follows the density score the detector actually uses.
 */
export function mahalanobisTarget(embedding: tf.Tensor2D, gaussian: GaussianParams, squared = true): tf.Tensor1D {
  const d = embedding.shape[1];
  if (gaussian.mean.length !== d)
    throw new Error(`mahalanobisTarget: gaussian.mean has length ${gaussian.mean.length}, embedding has ${d} dims`);
  if (gaussian.precision.length !== d * d)
    throw new Error(`mahalanobisTarget: gaussian.precision has ${gaussian.precision.length} values, expected ${d}×${d}`);
  return tf.tidy(() => {
    const centred = tf.sub(embedding, tf.tensor1d(Float32Array.from(gaussian.mean)));
    const projected = tf.matMul(centred, tf.tensor2d(Float32Array.from(gaussian.precision), [d, d]));
    const sq = tf.sum(tf.mul(projected, centred), 1) as tf.Tensor1D;
    // Clamp away from 0 before sqrt: its gradient is infinite at 0.
    return squared ? sq : (tf.sqrt(tf.maximum(sq, 1e-12)) as tf.Tensor1D);
  });
}
