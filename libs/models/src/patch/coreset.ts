// Memory-bank subsampling. Greedy k-center (PatchCore's coreset): start from a seeded random row, then repeatedly
// take the row farthest from everything picked so far, so the bank covers the feature space with the fewest rows.
// Distances are computed in a seeded random projection (PatchCore uses 128 dimensions) on the tfjs backend; the
// running minimum stays a tensor, so the loop never waits on a download until the end.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ssad/augment';

export interface CoresetOptions {
  seed: number;
  /** Dimensions of the random projection the distances are computed in; 0 = the features themselves. Default 128. */
  projection?: number;
}

/** A seeded Gaussian random projection matrix d × p (Johnson–Lindenstrauss scaling 1/√p). */
export function randomProjection(d: number, p: number, rng: Rng): Float32Array {
  const m = new Float32Array(d * p);
  const scale = 1 / Math.sqrt(p);
  for (let i = 0; i < m.length; i++) m[i] = rng.normal() * scale;
  return m;
}

/** Indices of `count` rows of the n × d `features` tensor chosen by greedy k-center, in pick order. */
export function greedyCoreset(features: tf.Tensor2D, count: number, options: CoresetOptions): Int32Array {
  const [n, d] = features.shape;
  if (!Number.isInteger(count) || count < 1 || count > n) throw new Error(`coreset: count must be an integer in [1, ${n}] (got ${count})`);
  const rng = new Rng(options.seed);
  const p = options.projection ?? 128;
  const first = rng.int(0, n - 1);
  const { x, norms } = tf.tidy(() => {
    const projected = p > 0 && p < d ? tf.matMul(features, tf.tensor2d(randomProjection(d, p, rng), [d, p])) : features.clone();
    return { x: projected, norms: tf.sum(tf.square(projected), 1) };
  });
  // Squared distances of every row to row `i` (a [1] int32 tensor).
  const distanceTo = (i: tf.Tensor) =>
    tf.tidy(() => {
      const c = tf.gather(x, i);
      return tf.relu(tf.add(tf.sub(norms, tf.mul(2, tf.matMul(x, c, false, true).reshape([n]))), tf.sum(tf.square(c))));
    });
  const chosen: tf.Tensor[] = [tf.tensor1d([first], 'int32')];
  let minDist = distanceTo(chosen[0]);
  try {
    for (let k = 1; k < count; k++) {
      const pick = tf.tidy(() => tf.argMax(minDist).reshape([1]));
      chosen.push(pick);
      const d2 = distanceTo(pick);
      const next = tf.minimum(minDist, d2);
      d2.dispose();
      minDist.dispose();
      minDist = next;
    }
    const all = tf.concat(chosen);
    const out = Int32Array.from(all.dataSync());
    all.dispose();
    return out;
  } finally {
    tf.dispose([x, norms, minDist, ...chosen]);
  }
}

/** `count` distinct row indices of n, seeded, in increasing order. */
export function randomSubset(n: number, count: number, seed: number): Int32Array {
  if (!Number.isInteger(count) || count < 1 || count > n) throw new Error(`random subset: count must be an integer in [1, ${n}] (got ${count})`);
  const rng = new Rng(seed);
  const idx = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = rng.int(i, n - 1);
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx.subarray(0, count).sort();
}
