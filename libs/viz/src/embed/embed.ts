// Embeddings → 2-D for the t-SNE figure: PCA (ml-pca) to at most 50 dimensions, which removes noise dimensions
// and makes the neighbour search cheap, then t-SNE.
import { PCA } from 'ml-pca';
import { tsne, type TsneOptions } from './tsne.js';

/** Project n rows of `dims` values onto their first `components` principal components (n × out row-major). */
export function pcaReduce(
  data: Float32Array | Float64Array,
  n: number,
  dims: number,
  components: number,
): { data: Float64Array; dims: number } {
  if (!Number.isInteger(n) || n < 2) throw new Error(`pcaReduce: n must be an integer ≥ 2, got ${n}`);
  if (data.length !== n * dims) throw new Error(`pcaReduce: data has ${data.length} values, expected n·dims = ${n * dims}`);
  if (!Number.isInteger(components) || components < 1)
    throw new Error(`pcaReduce: components must be an integer ≥ 1, got ${components}`);
  const out = Math.min(components, dims, n);
  const rows: Float64Array[] = [];
  for (let i = 0; i < n; i++) rows.push(Float64Array.from(data.subarray(i * dims, (i + 1) * dims)));
  // The covariance route costs O(n·d² + d³) instead of an n×d SVD: cheaper for the usual n ≫ d.
  const pca = new PCA(rows as unknown as number[][], { method: n > dims ? 'covarianceMatrix' : 'SVD', center: true });
  const projected = pca.predict(rows as unknown as number[][], { nComponents: out });
  const result = new Float64Array(n * out);
  for (let i = 0; i < n; i++) for (let c = 0; c < out; c++) result[i * out + c] = projected.get(i, c);
  return { data: result, dims: out };
}

export interface EmbedOptions extends TsneOptions {
  /** Upper bound on the dimensions kept by PCA before t-SNE (default 50; PCA is skipped when dims ≤ this). */
  pcaDimensions?: number;
}

/** PCA to ≤ pcaDimensions, then t-SNE to 2-D; returns n × 2 row-major coordinates. Seeded through options.rng. */
export function embed2d(data: Float32Array | Float64Array, n: number, dims: number, options: EmbedOptions): Float64Array {
  const pcaDimensions = options.pcaDimensions ?? 50;
  if (!Number.isInteger(pcaDimensions) || pcaDimensions < 2)
    throw new Error(`embed2d: pcaDimensions must be an integer ≥ 2, got ${pcaDimensions}`);
  const reduced = dims > pcaDimensions ? pcaReduce(data, n, dims, pcaDimensions) : { data, dims };
  return tsne(reduced.data, n, reduced.dims, options);
}
