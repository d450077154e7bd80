// Exact k-nearest-neighbour distances of query rows to a bank, as batched matrix products on the active tfjs
// backend: ‖q − b‖² = ‖q‖² − 2 q·b + ‖b‖², the bank taken in chunks so memory stays at queries × chunk floats.
import * as tf from '@tensorflow/tfjs';

/** Bank rows per matrix product: 1024 queries × 4096 rows is 16 MB of distances. */
export const BANK_CHUNK = 4096;

/**
 * Mean Euclidean distance of each query row to its k nearest bank rows. `bankSqNorms` are the bank rows' squared
 * norms (precomputed once per bank). Returns a [queries] tensor (the caller disposes it).
 */
export function nearestDistances(queries: tf.Tensor2D, bank: tf.Tensor2D, bankSqNorms: tf.Tensor1D, k = 1): tf.Tensor1D {
  const m = bank.shape[0];
  if (k > m) throw new Error(`nearest neighbours: k = ${k} exceeds the bank's ${m} entries`);
  return tf.tidy(() => {
    const qNorm = tf.sum(tf.square(queries), 1, true);
    let best: tf.Tensor2D | undefined; // k smallest squared distances so far, as negatives for topk
    for (let start = 0; start < m; start += BANK_CHUNK) {
      const size = Math.min(BANK_CHUNK, m - start);
      const chunk = bank.slice([start, 0], [size, -1]);
      const norms = bankSqNorms.slice([start], [size]);
      const d2 = tf.add(tf.sub(qNorm, tf.mul(2, tf.matMul(queries, chunk, false, true))), norms.expandDims(0)) as tf.Tensor2D;
      const negated = tf.neg(d2) as tf.Tensor2D;
      const candidates = best ? (tf.concat([best, negated], 1) as tf.Tensor2D) : negated;
      best = k === 1 ? (tf.max(candidates, 1, true) as tf.Tensor2D) : (tf.topk(candidates, k).values as tf.Tensor2D);
    }
    // Cancellation can leave tiny negatives for near-identical rows.
    return tf.mean(tf.sqrt(tf.relu(tf.neg(best!))), 1) as tf.Tensor1D;
  });
}
