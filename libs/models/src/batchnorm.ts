// Training-mode BatchNorm as one custom-gradient op: forward from the batch moments, backward in closed form
// (dx = γ·σ⁻¹/N · (N·dy − Σdy − x̂·Σ(dy·x̂))). tfjs's generic gradient of moments + batchNorm takes about three
// times the kernels, and produced NaNs when a channel's batch variance is exactly zero.
import * as tf from '@tensorflow/tfjs';

export interface BatchNormTrainResult {
  y: tf.Tensor;
  mean: tf.Tensor1D;
  /** Biased batch variance (divided by N). */
  variance: tf.Tensor1D;
}

export function batchNormTrain(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): BatchNormTrainResult {
  const axes = x.rank === 4 ? [0, 1, 2] : [0];
  const count = axes.reduce((a, ax) => a * x.shape[ax], 1);
  let mean!: tf.Tensor1D;
  let variance!: tf.Tensor1D;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const m = tf.mean(xi, axes);
    const xc = tf.sub(xi, m);
    const v = tf.mean(tf.square(xc), axes);
    const invStd = tf.rsqrt(tf.add(v, eps));
    const xhat = tf.mul(xc, invStd);
    mean = tf.keep(m) as tf.Tensor1D;
    variance = tf.keep(v) as tf.Tensor1D;
    save([xhat, invStd, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sXhat, sInvStd, sG] = saved;
        const dBeta = tf.sum(dy, axes);
        const dGamma = tf.sum(tf.mul(dy, sXhat), axes);
        const k = tf.div(tf.mul(sG, sInvStd), count);
        const dx = tf.mul(tf.sub(tf.sub(tf.mul(dy, count), dBeta), tf.mul(sXhat, dGamma)), k);
        return [dx, dGamma, dBeta];
      },
    };
  });
  const y = op(x, gamma, beta);
  return { y, mean, variance };
}
