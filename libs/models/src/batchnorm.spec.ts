import * as tf from '@tensorflow/tfjs';
import { initBackend } from './backend.js';
import { batchNormTrain, relu } from './batchnorm.js';

let native = false;
beforeAll(async () => {
  native = (await initBackend()).backend === 'tensorflow';
});
afterEach(() => {
  delete process.env.SSAD_NATIVE_KERNELS;
});

/** Gradients of Σ(w ⊙ op(x, γ, β)) for a fixed random w, and the batch statistics. */
function run(shape: number[], withRelu: boolean, flag: '1' | '0') {
  process.env.SSAD_NATIVE_KERNELS = flag;
  return tf.tidy(() => {
    const c = shape[shape.length - 1];
    const x = tf.randomNormal(shape, 0.5, 2, 'float32', 1);
    const g = tf.randomUniform([c], 0.5, 1.5, 'float32', 2);
    const b = tf.randomUniform([c], -1, 1, 'float32', 3);
    const w = tf.randomNormal(shape, 0, 1, 'float32', 4);
    let stats: tf.Tensor[] = [];
    const f = (xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => {
      const r = batchNormTrain(xi, gi as tf.Tensor1D, bi as tf.Tensor1D, 1e-5, withRelu);
      stats = [r.mean, r.variance];
      return tf.sum(tf.mul(r.y, w));
    };
    const grads = tf.grads(f)([x, g, b]);
    const out = [...grads, ...stats].map((t) => Array.from(t.dataSync()));
    tf.dispose(stats);
    return out;
  });
}

function expectClose(a: number[][], b: number[][]) {
  a.forEach((arr, k) => {
    let num = 0;
    let den = 0;
    arr.forEach((v, i) => {
      num += (v - b[k][i]) ** 2;
      den += b[k][i] ** 2;
    });
    expect([k, Math.sqrt(num / den) < 1e-4]).toEqual([k, true]);
  });
}

describe('batchNormTrain', () => {
  it('generic closed-form gradient equals tfjs autodiff of moments + batchNorm (+ relu)', () => {
    for (const withRelu of [false, true]) {
      const mine = run([3, 4, 5, 6], withRelu, '0');
      const auto = tf.tidy(() => {
        const x = tf.randomNormal([3, 4, 5, 6], 0.5, 2, 'float32', 1);
        const g = tf.randomUniform([6], 0.5, 1.5, 'float32', 2);
        const b = tf.randomUniform([6], -1, 1, 'float32', 3);
        const w = tf.randomNormal([3, 4, 5, 6], 0, 1, 'float32', 4);
        const grads = tf.grads((xi: tf.Tensor, gi: tf.Tensor, bi: tf.Tensor) => {
          const m = tf.moments(xi, [0, 1, 2]);
          const y = tf.batchNorm(xi, m.mean, m.variance, bi as tf.Tensor1D, gi as tf.Tensor1D, 1e-5);
          return tf.sum(tf.mul(withRelu ? tf.relu(y) : y, w));
        })([x, g, b]);
        const m = tf.moments(x, [0, 1, 2]);
        return [...grads, m.mean, m.variance].map((t) => Array.from(t.dataSync()));
      });
      expectClose(mine, auto);
    }
  });

  it('native TF fused kernels (tensorflow backend) equal the generic op, 4-D and 2-D, with and without ReLU', () => {
    if (!native) {
      console.warn('batchnorm.spec: native-kernel comparison skipped on the cpu backend (no native kernels there)');
      return;
    }
    for (const shape of [[3, 4, 5, 6], [7, 9]])
      for (const withRelu of [false, true]) expectClose(run(shape, withRelu, '1'), run(shape, withRelu, '0'));
  });

  it('relu gradient passes dy where the input is positive', () => {
    const x = tf.tensor1d([-1, 2, 0.5, -3]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(relu(t), tf.tensor1d([1, 2, 3, 4]))))(x);
    expect(Array.from(g.dataSync())).toEqual([0, 2, 3, 0]);
    tf.dispose([x, g]);
  });
});
