// t-SNE (van der Maaten & Hinton 2008) on typed arrays. tsne-js 1.0.3 needs ~100 s for 1,000 points here, so
// this follows the reference implementation (bhtsne / sklearn) with two cost cuts: input affinities only over
// the 3·perplexity nearest neighbours (sparse, as bhtsne), and the repulsive term computed exactly in one
// symmetric O(n²) pass per iteration, which for the few thousand points of a report is fast and needs no tree.
import type { Rng } from '@ssad/augment';

export interface TsneOptions {
  /** Source of the initial layout (N(0, 1e-4²) per coordinate). */
  rng: Pick<Rng, 'normal'>;
  /** Effective number of neighbours, in (1, (n − 1) / 3]; default min(30, (n − 1) / 3). */
  perplexity?: number;
  /** Gradient steps, ≥ 1 (default 1000). */
  iterations?: number;
  /** Step size; default 'auto' = max(n / earlyExaggeration / 4, 50) (sklearn ≥ 1.2). */
  learningRate?: number | 'auto';
  /** Factor on P during the first exaggerationIterations steps (default 12). */
  earlyExaggeration?: number;
  /** Default 250; momentum also switches from 0.5 to 0.8 there. */
  exaggerationIterations?: number;
  /** Called every 50 iterations and at the end with the current KL divergence. */
  onProgress?: (iteration: number, iterations: number, kl: number) => void;
}

/** Embed n points of `dims` dimensions (row-major) into 2-D; returns n × 2 row-major coordinates. */
export function tsne(data: Float32Array | Float64Array, n: number, dims: number, options: TsneOptions): Float64Array {
  if (!Number.isInteger(n) || n < 4) throw new Error(`tsne: n must be an integer ≥ 4, got ${n}`);
  if (!Number.isInteger(dims) || dims < 1) throw new Error(`tsne: dims must be an integer ≥ 1, got ${dims}`);
  if (data.length !== n * dims) throw new Error(`tsne: data has ${data.length} values, expected n·dims = ${n * dims}`);
  const maxPerplexity = (n - 1) / 3;
  const perplexity = options.perplexity ?? Math.min(30, maxPerplexity);
  if (!(perplexity > 1 && perplexity <= maxPerplexity))
    throw new Error(`tsne: perplexity must be in (1, ${maxPerplexity.toFixed(2)}] for n = ${n}, got ${perplexity}`);
  const iterations = options.iterations ?? 1000;
  if (!Number.isInteger(iterations) || iterations < 1)
    throw new Error(`tsne: iterations must be an integer ≥ 1, got ${iterations}`);
  const exaggeration = options.earlyExaggeration ?? 12;
  if (!(exaggeration >= 1)) throw new Error(`tsne: earlyExaggeration must be ≥ 1, got ${exaggeration}`);
  const exaggerationIterations = options.exaggerationIterations ?? 250;
  const lr = options.learningRate ?? 'auto';
  const eta = lr === 'auto' ? Math.max(n / exaggeration / 4, 50) : lr;
  if (!(eta > 0)) throw new Error(`tsne: learningRate must be > 0 or 'auto', got ${lr}`);
  for (let i = 0; i < data.length; i++)
    if (!Number.isFinite(data[i])) throw new Error(`tsne: data[${i}] is ${data[i]} (must be finite)`);

  const P = jointProbabilities(data, n, dims, perplexity);
  const Y = new Float64Array(n * 2);
  for (let i = 0; i < Y.length; i++) Y[i] = options.rng.normal() * 1e-4;
  const update = new Float64Array(n * 2);
  const gains = new Float64Array(n * 2).fill(1);
  const grad = new Float64Array(n * 2);

  for (let it = 0; it < iterations; it++) {
    const early = it < exaggerationIterations;
    const z = gradient(P, Y, n, early ? exaggeration : 1, grad);
    const momentum = early ? 0.5 : 0.8;
    for (let i = 0; i < Y.length; i++) {
      const g = grad[i];
      gains[i] = Math.max(g > 0 !== update[i] > 0 ? gains[i] + 0.2 : gains[i] * 0.8, 0.01);
      update[i] = momentum * update[i] - eta * gains[i] * g;
      Y[i] += update[i];
    }
    recentre(Y, n);
    if (options.onProgress && ((it + 1) % 50 === 0 || it === iterations - 1))
      options.onProgress(it + 1, iterations, klDivergence(P, Y, z));
  }
  return Y;
}

/** Symmetric sparse P in CSR form (rows, cols, values summing to 1). */
interface SparseP {
  rowStart: Uint32Array;
  cols: Uint32Array;
  values: Float64Array;
}

function jointProbabilities(data: Float32Array | Float64Array, n: number, dims: number, perplexity: number): SparseP {
  const k = Math.min(n - 1, Math.floor(3 * perplexity));
  const dist = new Float64Array(n);
  const sorted = new Float64Array(n);
  const nbr = new Uint32Array(n * k);
  const cond = new Float64Array(n * k);
  const d2 = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < dims; c++) {
        const t = data[i * dims + c] - data[j * dims + c];
        s += t * t;
      }
      dist[j] = j === i ? Infinity : s;
    }
    // k nearest by a threshold from a native numeric sort (much faster than sorting indices with a comparator);
    // ties at the threshold are taken in index order.
    sorted.set(dist);
    sorted.sort();
    const kth = sorted[k - 1];
    let m = 0;
    for (let j = 0; j < n && m < k; j++) if (dist[j] < kth) [nbr[i * k + m], d2[m++]] = [j, dist[j]];
    for (let j = 0; j < n && m < k; j++) if (dist[j] === kth) [nbr[i * k + m], d2[m++]] = [j, dist[j]];
    calibrateRow(d2, perplexity, cond.subarray(i * k, (i + 1) * k));
  }
  // P_ij = (p_j|i + p_i|j) / 2n over the union of both neighbour lists.
  const rows: Map<number, number>[] = Array.from({ length: n }, () => new Map());
  for (let i = 0; i < n; i++)
    for (let m = 0; m < k; m++) {
      const j = nbr[i * k + m];
      const p = cond[i * k + m] / (2 * n);
      rows[i].set(j, (rows[i].get(j) ?? 0) + p);
      rows[j].set(i, (rows[j].get(i) ?? 0) + p);
    }
  const rowStart = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) rowStart[i + 1] = rowStart[i] + rows[i].size;
  const cols = new Uint32Array(rowStart[n]);
  const values = new Float64Array(rowStart[n]);
  for (let i = 0; i < n; i++) {
    let at = rowStart[i];
    for (const [j, p] of rows[i]) {
      cols[at] = j;
      values[at++] = Math.max(p, 1e-12);
    }
  }
  return { rowStart, cols, values };
}

/** Binary search on the Gaussian precision β so that the row's entropy is log(perplexity). */
function calibrateRow(d2: Float64Array, perplexity: number, out: Float64Array): void {
  const target = Math.log(perplexity);
  let shift = Infinity; // subtracting the smallest distance keeps exp() from underflowing for far-away data
  for (let m = 0; m < d2.length; m++) shift = Math.min(shift, d2[m]);
  let beta = 1;
  let lo = 0;
  let hi = Infinity;
  for (let step = 0; step < 200; step++) {
    let sum = 0;
    let weighted = 0;
    for (let m = 0; m < d2.length; m++) {
      const p = Math.exp(-beta * (d2[m] - shift));
      out[m] = p;
      sum += p;
      weighted += p * (d2[m] - shift);
    }
    const entropy = Math.log(sum) + (beta * weighted) / sum;
    for (let m = 0; m < d2.length; m++) out[m] /= sum;
    const diff = entropy - target;
    if (Math.abs(diff) < 1e-5) return;
    if (diff > 0) {
      lo = beta;
      beta = hi === Infinity ? beta * 2 : (beta + hi) / 2;
    } else {
      hi = beta;
      beta = (beta + lo) / 2;
    }
  }
}

/** Writes dC/dY into grad, returns Z = Σ_{i≠j} (1 + |y_i − y_j|²)⁻¹. */
function gradient(P: SparseP, Y: Float64Array, n: number, exaggeration: number, grad: Float64Array): number {
  grad.fill(0);
  // Repulsion: one pass over the pairs i < j, accumulated to both ends.
  let z = 0;
  for (let i = 0; i < n; i++) {
    const xi = Y[2 * i];
    const yi = Y[2 * i + 1];
    let gx = 0;
    let gy = 0;
    for (let j = i + 1; j < n; j++) {
      const dx = xi - Y[2 * j];
      const dy = yi - Y[2 * j + 1];
      const q = 1 / (1 + dx * dx + dy * dy);
      z += q;
      const q2 = q * q;
      gx += q2 * dx;
      gy += q2 * dy;
      grad[2 * j] += q2 * dx;
      grad[2 * j + 1] += q2 * dy;
    }
    grad[2 * i] -= gx;
    grad[2 * i + 1] -= gy;
  }
  z *= 2;
  // grad now holds −Σ_j q²(y_i − y_j); scale to −F_rep = −Σ_j q² d / Z and add attraction.
  const inv = 1 / z;
  for (let i = 0; i < n; i++) {
    let ax = 0;
    let ay = 0;
    for (let e = P.rowStart[i]; e < P.rowStart[i + 1]; e++) {
      const j = P.cols[e];
      const dx = Y[2 * i] - Y[2 * j];
      const dy = Y[2 * i + 1] - Y[2 * j + 1];
      const w = (exaggeration * P.values[e]) / (1 + dx * dx + dy * dy);
      ax += w * dx;
      ay += w * dy;
    }
    grad[2 * i] = 4 * (ax + grad[2 * i] * inv);
    grad[2 * i + 1] = 4 * (ay + grad[2 * i + 1] * inv);
  }
  return z;
}

/** KL(P‖Q) over the non-zero P entries (Q from the Z of the last gradient step). */
function klDivergence(P: SparseP, Y: Float64Array, z: number): number {
  let kl = 0;
  for (let i = 0; i + 1 < P.rowStart.length; i++)
    for (let e = P.rowStart[i]; e < P.rowStart[i + 1]; e++) {
      const j = P.cols[e];
      const dx = Y[2 * i] - Y[2 * j];
      const dy = Y[2 * i + 1] - Y[2 * j + 1];
      const q = 1 / (1 + dx * dx + dy * dy) / z;
      kl += P.values[e] * Math.log(P.values[e] / Math.max(q, 1e-300));
    }
  return kl;
}

function recentre(Y: Float64Array, n: number): void {
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += Y[2 * i];
    my += Y[2 * i + 1];
  }
  mx /= n;
  my /= n;
  for (let i = 0; i < n; i++) {
    Y[2 * i] -= mx;
    Y[2 * i + 1] -= my;
  }
}
