import TSNE from 'tsne-js';
import { Rng } from '@ssad/augment';
import { embed2d, pcaReduce } from './embed.js';
import { tsne } from './tsne.js';

// Two Gaussian clusters, σ = 1, centres 10 apart along every axis.
function clusters(perCluster: number, dims: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const x = new Float64Array(2 * perCluster * dims);
  for (let i = 0; i < 2 * perCluster; i++)
    for (let c = 0; c < dims; c++) x[i * dims + c] = rng.normal() + (i < perCluster ? 0 : 10);
  return x;
}

/**
 * Separation in 2-D: every point's nearest neighbour is in its own cluster, and the smallest distance between
 * the clusters is several times the median nearest-neighbour distance (a visible gap).
 */
function separated(y: ArrayLike<number>, perCluster: number): boolean {
  const n = 2 * perCluster;
  let gap = Infinity;
  const nn: number[] = [];
  let sameCluster = 0;
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let bestJ = -1;
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const d = Math.hypot(y[2 * i] - y[2 * j], y[2 * i + 1] - y[2 * j + 1]);
      if (i < perCluster !== j < perCluster) gap = Math.min(gap, d);
      if (d < best) [best, bestJ] = [d, j];
    }
    nn.push(best);
    if (bestJ < perCluster === i < perCluster) sameCluster++;
  }
  nn.sort((a, b) => a - b);
  return sameCluster === n && gap > 3 * nn[n >> 1];
}

describe('tsne', () => {
  const per = 40;
  const dims = 10;
  const x = clusters(per, dims, 1);

  it('keeps two well-separated Gaussian clusters separated, and lowers KL', () => {
    const kls: number[] = [];
    const y = tsne(x, 2 * per, dims, { rng: new Rng(7), onProgress: (_i, _n, kl) => kls.push(kl) });
    expect(y).toHaveLength(2 * per * 2);
    expect(y.every(Number.isFinite)).toBe(true);
    expect(separated(y, per)).toBe(true);
    expect(kls[kls.length - 1]).toBeLessThan(kls[5]);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const a = tsne(x, 2 * per, dims, { rng: new Rng(3), iterations: 100 });
    const b = tsne(x, 2 * per, dims, { rng: new Rng(3), iterations: 100 });
    const c = tsne(x, 2 * per, dims, { rng: new Rng(4), iterations: 100 });
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('agrees with the tsne-js reference: both separate the clusters', () => {
    const rows = Array.from({ length: 2 * per }, (_, i) => Array.from(x.subarray(i * dims, (i + 1) * dims)));
    const model = new TSNE({ dim: 2, perplexity: 10, earlyExaggeration: 4, learningRate: 100, nIter: 300, metric: 'euclidean' });
    model.init({ data: rows, type: 'dense' });
    model.run();
    const ref = (model.getOutput() as number[][]).flat();
    expect(separated(ref, per)).toBe(true);
    expect(separated(tsne(x, 2 * per, dims, { rng: new Rng(1), perplexity: 10 }), per)).toBe(true);
  });

  it('rejects bad arguments naming them and the allowed range', () => {
    expect(() => tsne(x, 2 * per, dims, { rng: new Rng(1), perplexity: 40 })).toThrow(/perplexity must be in \(1, 26\.33\]/);
    expect(() => tsne(x, 2 * per, 3, { rng: new Rng(1) })).toThrow(/data has 800 values/);
    expect(() => tsne(x, 2 * per, dims, { rng: new Rng(1), iterations: 0 })).toThrow(/iterations/);
  });
});

describe('embed2d / pcaReduce', () => {
  it('PCA keeps the dominant direction and embed2d separates clusters in 120-D', () => {
    const per = 30;
    const x = clusters(per, 120, 2);
    const p = pcaReduce(x, 2 * per, 120, 5);
    expect(p.dims).toBe(5);
    // The cluster split is the first component: its sign separates the two halves.
    const sign = Math.sign(p.data[0]);
    for (let i = 0; i < 2 * per; i++) expect(Math.sign(p.data[i * 5])).toBe(i < per ? sign : -sign);
    const y = embed2d(x, 2 * per, 120, { rng: new Rng(5), pcaDimensions: 20 });
    expect(separated(y, per)).toBe(true);
  });
});
