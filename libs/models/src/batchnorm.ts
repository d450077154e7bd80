// Training-mode BatchNorm (+ optional ReLU) as one custom-gradient op. On the tfjs-node backend it runs TF's
// FusedBatchNormV3 / FusedBatchNormGradV3 and ReluGrad kernels; elsewhere the closed-form gradient
// dx = γ·σ⁻¹/N · (N·dy − Σdy − x̂·Σ(dy·x̂)). tfjs's generic gradient of moments + batchNorm + relu takes several
// times the kernels (a profile of the native step showed ~40 % of its time in small element-wise kernels).
import * as tf from '@tensorflow/tfjs';
import { fusedBatchNormBackward, fusedBatchNormForward, nativeBackend, reluGrad } from './native.js';

export interface BatchNormTrainResult {
  y: tf.Tensor;
  /** Batch mean (kept: the caller disposes it). */
  mean: tf.Tensor1D;
  /** Biased batch variance (divided by N; kept: the caller disposes it). */
  variance: tf.Tensor1D;
}

type Args = (tf.Tensor | tf.GradSaveFunc)[];

const reluMask = (dy: tf.Tensor, y: tf.Tensor) => tf.mul(dy, tf.cast(tf.greater(y, 0), 'float32'));

/** ReLU whose gradient is one kernel (ReluGrad) on the native backend. */
export function relu<T extends tf.Tensor>(x: T): T {
  const b = nativeBackend();
  if (!b) return tf.relu(x);
  const op = tf.customGrad((...args: Args) => {
    const [xi, save] = args as [tf.Tensor, tf.GradSaveFunc];
    const y = tf.relu(xi);
    save([y]);
    return { value: y, gradFunc: (dy: tf.Tensor, [sy]: tf.Tensor[]) => reluGrad(b, dy, sy) };
  });
  return op(x) as T;
}

export function batchNormTrain(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number, withRelu = false): BatchNormTrainResult {
  const b = nativeBackend();
  const channels = x.shape[x.rank - 1];
  let mean!: tf.Tensor1D;
  let variance!: tf.Tensor1D;
  if (b) {
    const op = tf.customGrad((...args: Args) => {
      const [xi, g, be, save] = args as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
      const x4 = xi.rank === 4 ? (xi as tf.Tensor4D) : tf.reshape(xi, [xi.shape[0], 1, 1, channels]) as tf.Tensor4D;
      const [y0, m, vUnbiased, r1, r2, r3] = fusedBatchNormForward(b, x4, g, be, eps);
      vUnbiased.dispose();
      mean = tf.keep(m) as tf.Tensor1D;
      variance = tf.keep(r2.clone()) as tf.Tensor1D;
      const y = withRelu ? tf.relu(y0) : y0;
      save([x4, g, r1, r2, r3, y]);
      return {
        value: xi.rank === 4 ? y : tf.reshape(y, xi.shape),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sx, sg, s1, s2, s3, sy] = saved;
          let d = dy.rank === 4 ? dy : tf.reshape(dy, sy.shape);
          if (withRelu) d = reluGrad(b, d, sy);
          const [dx, dg, db] = fusedBatchNormBackward(b, d, sx, sg, s1, s2, s3, eps);
          return [xi.rank === 4 ? dx : tf.reshape(dx, xi.shape), dg, db];
        },
      };
    });
    return { y: op(x, gamma, beta), mean, variance };
  }
  const axes = x.rank === 4 ? [0, 1, 2] : [0];
  const count = x.size / channels;
  const op = tf.customGrad((...args: Args) => {
    const [xi, g, be, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const m = tf.mean(xi, axes);
    const xc = tf.sub(xi, m);
    const v = tf.mean(tf.square(xc), axes);
    const invStd = tf.rsqrt(tf.add(v, eps));
    const xhat = tf.mul(xc, invStd);
    mean = tf.keep(m) as tf.Tensor1D;
    variance = tf.keep(v) as tf.Tensor1D;
    const y0 = tf.add(tf.mul(xhat, g), be);
    const y = withRelu ? tf.relu(y0) : y0;
    save([xhat, invStd, g, y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sXhat, sInvStd, sG, sy] = saved;
        const d = withRelu ? reluMask(dy, sy) : dy;
        const dBeta = tf.sum(d, axes);
        const dGamma = tf.sum(tf.mul(d, sXhat), axes);
        const k = tf.div(tf.mul(sG, sInvStd), count);
        const dx = tf.mul(tf.sub(tf.sub(tf.mul(d, count), dBeta), tf.mul(sXhat, dGamma)), k);
        return [dx, dGamma, dBeta];
      },
    };
  });
  return { y: op(x, gamma, beta), mean, variance };
}
