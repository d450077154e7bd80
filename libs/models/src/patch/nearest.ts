// Exact k-nearest-neighbour distances of query rows to a bank, as batched matrix products on the active tfjs
// backend: ‖q − b‖² = ‖q‖² − 2(q·b − ½‖b‖²). ‖q‖² is the same for every bank row, so the nearest rows are those with
// the largest q·b − ½‖b‖²: one matrix product per chunk, [q, 1] × [b, −½‖b‖²]ᵀ (the bias as an extra column, not
// tf.fused.matMul's bias, which tfjs-backend-wasm 4.22 adds wrongly with transposeB), and a reduction — no
// element-wise passes over the queries × chunk matrix (they took most of the time when the distances were formed in
// full). Queries and bank are both taken in chunks, so memory stays at QUERY_CHUNK × BANK_CHUNK floats whatever the
// grid and batch (a batch of 16 on layer1's 64 × 64 grid is 65,536 queries: 1 GB of scores per bank chunk unchunked).
import * as tf from '@tensorflow/tfjs';

/** Bank rows per matrix product. */
export const BANK_CHUNK = 4096;
/** Query rows per matrix product: 16,384 × 4,096 scores are 256 MiB. */
export const QUERY_CHUNK = 16384;

/** The bank as the search uses it: each row with −½‖b‖² appended (built once per bank; the caller disposes it). */
export function searchBank(bank: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.concat([bank, tf.mul(-0.5, tf.sum(tf.square(bank), 1, true))], 1) as tf.Tensor2D);
}

/**
 * Mean Euclidean distance of each query row to its k nearest bank rows; `bank` is `searchBank(rows)`. Returns a
 * [queries] tensor (the caller disposes it).
 */
export function nearestDistances(queries: tf.Tensor2D, bank: tf.Tensor2D, k = 1, chunkRows = BANK_CHUNK, queryRows = QUERY_CHUNK): tf.Tensor1D {
  const m = bank.shape[0];
  if (k > m) throw new Error(`nearest neighbours: k = ${k} exceeds the bank's ${m} entries`);
  const n = queries.shape[0];
  if (n <= queryRows) return nearestOfChunk(queries, bank, k, chunkRows);
  return tf.tidy(() => {
    const parts: tf.Tensor1D[] = [];
    for (let start = 0; start < n; start += queryRows) {
      // nearestOfChunk's own tidy frees the chunk's scores before the next chunk; its result stays in this tidy,
      // which frees it once the parts are concatenated.
      parts.push(nearestOfChunk(queries.slice([start, 0], [Math.min(queryRows, n - start), -1]), bank, k, chunkRows));
    }
    return tf.concat(parts) as tf.Tensor1D;
  });
}

function nearestOfChunk(queries: tf.Tensor2D, bank: tf.Tensor2D, k: number, chunkRows: number): tf.Tensor1D {
  const m = bank.shape[0];
  return tf.tidy(() => {
    let best: tf.Tensor2D | undefined; // the k largest q·b − ½‖b‖² so far
    const withOnes = tf.concat([queries, tf.ones([queries.shape[0], 1])], 1);
    for (let start = 0; start < m; start += chunkRows) {
      // A tidy per chunk frees its scores block (QUERY_CHUNK × BANK_CHUNK floats) before the next one is made;
      // the enclosing tidy alone would keep every chunk's block until the end.
      const next = tf.tidy(() => {
        const chunk = bank.slice([start, 0], [Math.min(chunkRows, m - start), -1]);
        const scores = tf.matMul(withOnes, chunk, false, true) as tf.Tensor2D;
        if (k === 1) {
          const top = tf.max(scores, 1, true) as tf.Tensor2D;
          return best ? (tf.maximum(best, top) as tf.Tensor2D) : top;
        }
        return tf.topk(best ? (tf.concat([best, scores], 1) as tf.Tensor2D) : scores, k).values as tf.Tensor2D;
      });
      best?.dispose();
      best = next;
    }
    const d2 = tf.sub(tf.sum(tf.square(queries), 1, true), tf.mul(2, best!));
    // Cancellation can leave tiny negatives for near-identical rows.
    return tf.mean(tf.sqrt(tf.relu(d2)), 1) as tf.Tensor1D;
  });
}
