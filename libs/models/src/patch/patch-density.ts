// Patch-level density (PatchCore-style): a memory bank of normal training patch features, and per-location
// distances to it as a dense anomaly map. No training; the network is only read.
import * as tf from '@tensorflow/tfjs';
import type { PixelImage } from '@ssad/augment';
import { Rng } from '@ssad/augment';
import { imagesToTensor } from '../images.js';
import type { Network } from '../network.js';
import { greedyCoreset, randomProjection, randomSubset } from './coreset.js';
import { patchFeatures, resolvePatchFeatureOptions, type PatchFeatureOptions } from './features.js';
import { nearestDistances, searchBank } from './nearest.js';
import { gaussianBlur, resizeMapBilinear } from './smooth.js';
import { STAGE_CHANNELS, STAGES, type Stage } from '../architecture.js';
import { arrayKind } from '../safetensors.js';

export type BankSampling = 'coreset' | 'random' | 'all';

export interface PatchDensityOptions extends PatchFeatureOptions {
  /** How the bank is subsampled from all training patches. Default 'coreset' (greedy k-center). */
  sampling?: BankSampling;
  /** Fraction of the training patches kept (ignored for 'all'). Default 0.01. */
  fraction?: number;
  /** Upper bound on the bank's rows. Default 20000. */
  maxBankSize?: number;
  /** Dimensions of the random projection the coreset's distances are computed in (0 = exact). Default 128. */
  coresetProjection?: number;
  /**
   * Most training patches the greedy coreset runs over (and the most ever held in memory): beyond it, a seeded,
   * per-image stratified random subset of this size is the candidate pool. Each greedy step costs pool × projection,
   * so this bounds the build time on large training sets. Default 200000 (MVTec bottle at 256 px is 192,512).
   */
  coresetPool?: number;
  /** Project patch features to this many dimensions (seeded Gaussian), 0 = keep them. Default 0. */
  featureProjection?: number;
  /** Neighbours averaged per location. Default 1. */
  k?: number;
  /** Gaussian blur σ in pixels of the input, applied after resizing the map to the input size; 0 = none. Default 4. */
  sigma?: number;
  /** Seed of the subsampling and projections. Default 0. */
  seed?: number;
  /** Images per forward pass. Default 16. */
  batchSize?: number;
}

export interface PatchDensityConfig {
  stages: Stage[];
  neighbourhood: number;
  sampling: BankSampling;
  fraction: number;
  maxBankSize: number;
  coresetProjection: number;
  coresetPool: number;
  featureProjection: number;
  k: number;
  sigma: number;
  seed: number;
  batchSize: number;
}

/** What save/load round-trips: the config, the bank (rows × dim, float32) and the feature projection, if any. */
export interface PatchDensityState {
  config: PatchDensityConfig;
  dim: number;
  /** Feature grid (height, width) of the image size the bank was built at. */
  grid: { height: number; width: number };
  bank: Float32Array;
  /** featureDim × dim when config.featureProjection > 0. */
  projection?: Float32Array;
}

export interface PatchMaps {
  /** One map per image at the input size, after resizing and blur. */
  maps: Float32Array[];
  /** Per image, the maximum of its map: the patch image score. */
  scores: Float64Array;
  /** Per image, the distances on the feature grid before resizing and blur (grid.height × grid.width). */
  grids: Float32Array[];
  grid: { height: number; width: number };
}

function inRange(name: string, v: number, lo: number, hi: number, integer: boolean): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi || (integer && !Number.isInteger(v)))
    throw new Error(`PatchDensityOptions.${name} must be ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}] (got ${String(v)})`);
  return v;
}

export function resolvePatchDensityOptions(o: PatchDensityOptions = {}): PatchDensityConfig {
  const f = resolvePatchFeatureOptions(o);
  const sampling = o.sampling ?? 'coreset';
  if (!['coreset', 'random', 'all'].includes(sampling))
    throw new Error(`PatchDensityOptions.sampling must be coreset, random or all (got ${String(sampling)})`);
  return {
    ...f,
    sampling,
    fraction: inRange('fraction', o.fraction ?? 0.01, 1e-6, 1, false),
    maxBankSize: inRange('maxBankSize', o.maxBankSize ?? 20000, 1, 1e7, true),
    coresetProjection: inRange('coresetProjection', o.coresetProjection ?? 128, 0, 4096, true),
    coresetPool: inRange('coresetPool', o.coresetPool ?? 200000, 1, 1e8, true),
    featureProjection: inRange('featureProjection', o.featureProjection ?? 0, 0, 4096, true),
    k: inRange('k', o.k ?? 1, 1, 100, true),
    sigma: inRange('sigma', o.sigma ?? 4, 0, 64, false),
    seed: inRange('seed', o.seed ?? 0, 0, Number.MAX_SAFE_INTEGER, true),
    batchSize: inRange('batchSize', o.batchSize ?? 16, 1, 4096, true),
  };
}

/** Channels of the patch features of `stages` before any projection. */
export function patchFeatureDim(stages: readonly Stage[]): number {
  return stages.reduce((n, s) => n + STAGE_CHANNELS[STAGES.indexOf(s)], 0);
}

function checkFinite(values: Float32Array, what: string): void {
  const finite = Number.isFinite; // a local: the global lookup in the loop is slow under jest's vm context
  for (let i = 0; i < values.length; i++) if (!finite(values[i])) throw new Error(`patch density: ${what} holds a non-finite value at ${i}`);
}

export class PatchDensity {
  /** The bank with −½‖b‖² appended to each row, as the nearest-neighbour search takes it. */
  private readonly searchTensor: tf.Tensor2D;
  private readonly projectionTensor?: tf.Tensor2D;

  private constructor(readonly state: Readonly<PatchDensityState>) {
    const { bank, dim, projection } = state;
    this.searchTensor = tf.tidy(() => searchBank(tf.tensor2d(bank, [bank.length / dim, dim])));
    if (projection) this.projectionTensor = tf.tensor2d(projection, [projection.length / dim, dim]);
  }

  get bankSize(): number {
    return this.state.bank.length / this.state.dim;
  }

  /**
   * Builds the bank from the patches of `train` (normal images) as seen by `network`, with the images resized to
   * `size` (default: the first image's size).
   */
  static fit(network: Network, train: readonly PixelImage[], options: PatchDensityOptions = {}, size?: { height: number; width: number }): PatchDensity {
    const config = resolvePatchDensityOptions(options);
    if (train.length === 0) throw new Error('PatchDensity.fit: train must hold at least one normal image');
    size ??= { height: train[0].height, width: train[0].width };
    const rng = new Rng(config.seed);
    const projectionSeed = rng.nextUint32();
    const poolSeed = rng.nextUint32();
    let plan: { count: number; perImage: number[] } | undefined;
    const parts: Float32Array[] = [];
    let featureDim = 0;
    let grid = { height: 0, width: 0 };
    for (let i = 0; i < train.length; i += config.batchSize) {
      const f = tf.tidy(() => patchFeatures(network.forwardTo(imagesToTensor(train.slice(i, i + config.batchSize), size!), config.stages.at(-1)!), config));
      const [b, h, w, c] = f.shape;
      grid = { height: h, width: w };
      featureDim = c;
      plan ??= bankPlan(config, train.length, h * w);
      const values = f.dataSync() as Float32Array;
      f.dispose();
      for (let j = 0; j < b; j++) {
        const rows = values.subarray(j * h * w * c, (j + 1) * h * w * c);
        const keep = plan.perImage[i + j];
        if (keep > 0) parts.push(keep === h * w ? rows.slice() : selectRows(rows, c, randomSubset(h * w, keep, poolSeed + i + j)));
      }
    }
    const n = parts.reduce((a, p) => a + p.length, 0) / featureDim;
    let projection: Float32Array | undefined;
    let dim = featureDim;
    let all: tf.Tensor2D = tf.tensor2d(concat(parts), [n, featureDim]);
    parts.length = 0;
    if (config.featureProjection > 0 && config.featureProjection < featureDim) {
      dim = config.featureProjection;
      projection = randomProjection(featureDim, dim, new Rng(projectionSeed));
      const projected = tf.tidy(() => tf.matMul(all, tf.tensor2d(projection!, [featureDim, dim]))) as tf.Tensor2D;
      all.dispose();
      all = projected;
    }
    try {
      const count = Math.min(plan!.count, n);
      let bank: Float32Array;
      if (count === n) bank = all.dataSync() as Float32Array;
      else {
        const idx = greedyCoreset(all, count, { seed: config.seed, projection: config.coresetProjection });
        bank = tf.tidy(() => tf.gather(all, tf.tensor1d(idx, 'int32')).dataSync() as Float32Array);
      }
      return new PatchDensity({ config, dim, grid, bank: Float32Array.from(bank), projection });
    } finally {
      all.dispose();
    }
  }

  /** Restores a fitted density (checks shapes; the error says which part is wrong). */
  static fromState(state: PatchDensityState): PatchDensity {
    const config = resolvePatchDensityOptions(state.config);
    const { dim, bank, projection, grid } = state;
    if (!Number.isInteger(dim) || dim < 1) throw new Error(`patch density: dim must be a positive integer (got ${dim})`);
    if (arrayKind(bank) !== 'Float32Array' || bank.length === 0 || bank.length % dim !== 0)
      throw new Error(`patch density: the bank must be a non-empty float32 array of rows × ${dim} (got ${bank?.length} values)`);
    checkFinite(bank, 'the bank');
    // fit projects only when featureProjection is below the features' dimension; at or above it, nothing is.
    const featureDim = patchFeatureDim(config.stages);
    const projected = config.featureProjection > 0 && config.featureProjection < featureDim;
    if (projected !== (projection !== undefined))
      throw new Error(`patch density: featureProjection ${config.featureProjection} with ${featureDim}-d features ${projected ? 'needs' : 'has no'} projection, but the state has ${projection ? 'one' : 'none'}`);
    if (projection) {
      if (arrayKind(projection) !== 'Float32Array' || dim !== config.featureProjection || projection.length !== featureDim * dim)
        throw new Error(`patch density: the projection must be float32 ${featureDim} × ${config.featureProjection} (got ${projection.length} values, dim ${dim})`);
      checkFinite(projection, 'the projection');
    }
    if (!grid || !Number.isInteger(grid.height) || !Number.isInteger(grid.width) || grid.height < 1 || grid.width < 1)
      throw new Error(`patch density: grid must hold positive integer height and width (got ${JSON.stringify(grid)})`);
    return new PatchDensity({ config, dim, grid, bank, projection });
  }

  /** Dense anomaly maps of `images` resized to `size` (default: the first image's size), and their maxima. */
  maps(network: Network, images: readonly PixelImage[], size?: { height: number; width: number }): PatchMaps {
    const maps: Float32Array[] = [];
    const grids: Float32Array[] = [];
    let grid = this.state.grid;
    this.eachMap(network, images, size, (map, distances, g) => {
      maps.push(map);
      grids.push(distances);
      grid = g;
    });
    return { maps, scores: Float64Array.from(maps, maxOf), grids, grid };
  }

  /** The patch image scores alone (each map's maximum), without keeping the maps. */
  scores(network: Network, images: readonly PixelImage[], size?: { height: number; width: number }): Float64Array {
    const scores = new Float64Array(images.length);
    let i = 0;
    this.eachMap(network, images, size, (map) => (scores[i++] = maxOf(map)));
    return scores;
  }

  /** Each image's map at `size` (after resizing and blur) and its grid of distances, batch by batch. */
  private eachMap(
    network: Network,
    images: readonly PixelImage[],
    size: { height: number; width: number } | undefined,
    visit: (map: Float32Array, distances: Float32Array, grid: { height: number; width: number }) => void,
  ): void {
    const { config, dim } = this.state;
    for (let i = 0; i < images.length; i += config.batchSize) {
      const batch = images.slice(i, i + config.batchSize);
      const { height, width } = size ?? images[0];
      const dist = tf.tidy(() => {
        const f = patchFeatures(network.forwardTo(imagesToTensor(batch, { height, width }), config.stages.at(-1)!), config);
        const [b, h, w, c] = f.shape;
        const expected = this.projectionTensor ? this.projectionTensor.shape[0] : dim;
        if (c !== expected)
          throw new Error(`patch density: the network gives ${c}-d patch features but the bank was built from ${expected}-d ones`);
        let rows = f.reshape([b * h * w, c]) as tf.Tensor2D;
        if (this.projectionTensor) rows = tf.matMul(rows, this.projectionTensor);
        return nearestDistances(rows, this.searchTensor, config.k).reshape([b, h, w, 1]);
      });
      const [b, h, w] = dist.shape;
      const values = dist.dataSync() as Float32Array;
      dist.dispose();
      for (let j = 0; j < b; j++) {
        const distances = values.slice(j * h * w, (j + 1) * h * w);
        const up = resizeMapBilinear(distances, w, h, width, height);
        visit(config.sigma > 0 ? gaussianBlur(up, width, height, config.sigma) : up, distances, { height: h, width: w });
      }
    }
  }

  dispose(): void {
    tf.dispose([this.searchTensor, ...(this.projectionTensor ? [this.projectionTensor] : [])]);
  }
}

/**
 * How many rows the bank gets and how many patches of each training image are kept while extracting: all of them
 * for 'all'; for 'random' exactly the bank (a stratified random sample); for 'coreset' the candidate pool.
 */
function bankPlan(config: PatchDensityConfig, images: number, rowsPerImage: number): { count: number; perImage: number[] } {
  const total = images * rowsPerImage;
  const count = config.sampling === 'all' ? total : Math.max(1, Math.min(config.maxBankSize, total, Math.round(total * config.fraction)));
  const pool = config.sampling === 'all' ? total : config.sampling === 'random' ? count : Math.min(total, Math.max(count, config.coresetPool));
  const base = Math.floor(pool / images);
  const extra = pool - base * images;
  return { count, perImage: Array.from({ length: images }, (_, i) => base + (i < extra ? 1 : 0)) };
}

function selectRows(values: Float32Array, dim: number, rows: Int32Array): Float32Array {
  const out = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => out.set(values.subarray(r * dim, (r + 1) * dim), i * dim));
  return out;
}

function maxOf(a: Float32Array): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) if (a[i] > m) m = a[i];
  return m;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
