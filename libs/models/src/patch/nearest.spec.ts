import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ssad/augment';
import { initBackend } from '../backend.js';
import { nearestDistances, searchBank } from './nearest.js';

beforeAll(() => initBackend());

/** Brute force in float64: mean of the k smallest Euclidean distances per query. */
function bruteForce(q: Float32Array, b: Float32Array, dim: number, k: number): Float64Array {
  const n = q.length / dim;
  const m = b.length / dim;
  return Float64Array.from({ length: n }, (_, i) => {
    const d = Float64Array.from({ length: m }, (_, j) => {
      let s = 0;
      for (let c = 0; c < dim; c++) s += (q[i * dim + c] - b[j * dim + c]) ** 2;
      return Math.sqrt(s);
    }).sort();
    return d.subarray(0, k).reduce((a, v) => a + v, 0) / k;
  });
}

describe('nearestDistances', () => {
  const dim = 24;
  const rng = new Rng(5);
  const values = (rows: number) => Float32Array.from({ length: rows * dim }, () => rng.normal());
  const q = values(50);
  const b = values(37);
  b.set(q.subarray(0, dim), 3 * dim); // an exact match: distance 0, not NaN from cancellation

  it.each([
    [1, 4096, 16384],
    [1, 7, 16384],
    [3, 7, 16384],
    [5, 16, 16384],
    [1, 7, 16],
    [3, 4096, 13],
  ])('k = %i, bank in chunks of %i rows, queries in chunks of %i, equals brute force', (k, chunk, queryChunk) => {
    const got = tf.tidy(() => {
      return nearestDistances(tf.tensor2d(q, [50, dim]), searchBank(tf.tensor2d(b, [37, dim])), k, chunk, queryChunk).dataSync() as Float32Array;
    });
    const want = bruteForce(q, b, dim, k);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-3 * Math.max(1, want[i]));
    if (k === 1) expect(got[0]).toBeLessThan(1e-2);
  });

  it('leaves no tensor behind but its result, with queries and bank in several chunks', () => {
    const queries = tf.tensor2d(q, [50, dim]);
    const bank = searchBank(tf.tensor2d(b, [37, dim]));
    const before = tf.memory().numTensors;
    const d = nearestDistances(queries, bank, 3, 7, 16);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([d, queries, bank]);
  });

  it('refuses k above the bank size', () => {
    const bank = searchBank(tf.tensor2d(b, [37, dim]));
    expect(() => nearestDistances(tf.tensor2d(q, [50, dim]), bank, 38)).toThrow(/k = 38 exceeds the bank's 37 entries/);
    bank.dispose();
  });
});
