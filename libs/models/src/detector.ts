// A Detector = preprocessing + network + Gaussian density on one embedding + decision threshold, with a
// versioned directory format:
//   detector.json        { format: "ssad-detector", formatVersion: 2, network, imageSize, embedding, threshold,
//                          metadata, ... }
//   weights.safetensors  network parameters, torchvision names, torch layout (F32)
//   density.safetensors  mean [d], covariance [d, d], precision [d, d] (F64)
//   patch.safetensors    (v3, optional) bank [rows, dim] (F32), projection [featureDim, dim] (F32, optional)
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { PixelImage } from '@ssad/augment';
import { GaussianDensity } from './density.js';
import { Network, type ResolvedNetworkOptions, type StageOutputs } from './network.js';
import { arrayKind, readSafetensors, writeSafetensors } from './safetensors.js';
import { imagesToTensor } from './images.js';
import { checkImageScoreSpec, fuseScores, normalizationOf, type ImageScoreKind, type ImageScoreSpec } from './image-score.js';
import { PatchDensity, type PatchDensityConfig, type PatchDensityOptions, type PatchMaps } from './patch/patch-density.js';

export const DETECTOR_FORMAT = 'ssad-detector';
// 2: adds the layer23 embedding and the `metadata` record. 3: adds the optional patch density and the image score
// choice; version 2 directories still load (no patch density, Gaussian score).
export const DETECTOR_FORMAT_VERSION = 3;
const READABLE_VERSIONS = [2, 3];
export const DETECTOR_FILES = {
  manifest: 'detector.json',
  weights: 'weights.safetensors',
  density: 'density.safetensors',
  patch: 'patch.safetensors',
} as const;

/**
 * Which features the density scores: backbone `pooled` (layer4, 512-d), the head output `embedding`, or `layer23`,
 * globally pooled layer2 ‖ layer3 (384-d; with ImageNet weights up to layer3 the strong pretrained-features baseline).
 */
export type EmbeddingKind = 'pooled' | 'embedding' | 'layer23';
export const EMBEDDING_KINDS: readonly EmbeddingKind[] = ['pooled', 'embedding', 'layer23'];

/** JSON-serialisable values, for the caller's `metadata`. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** Opaque to the detector: saved in detector.json and returned by `load` as written (e.g. GradCAM settings). */
export type DetectorMetadata = { [key: string]: JsonValue };

/** The `kind` embedding from one forward pass's outputs (the caller owns the result). */
export function embeddingOf(outputs: StageOutputs, kind: EmbeddingKind): tf.Tensor2D {
  if (kind === 'layer23') return tf.tidy(() => tf.concat([tf.mean(outputs.layer2, [1, 2]), tf.mean(outputs.layer3, [1, 2])], 1) as tf.Tensor2D);
  if (kind === 'pooled' || kind === 'embedding') return outputs[kind];
  throw new Error(`embedding must be one of ${EMBEDDING_KINDS.join(', ')} (got ${String(kind)})`);
}

function checkKind(kind: unknown, what: string): EmbeddingKind {
  if (!EMBEDDING_KINDS.includes(kind as EmbeddingKind)) throw new Error(`${what} must be one of ${EMBEDDING_KINDS.join(', ')} (got ${String(kind)})`);
  return kind as EmbeddingKind;
}

export interface DetectorOptions {
  /** Default 'pooled' (the reference fits its density on the backbone features). */
  embedding?: EmbeddingKind;
  /** Images are resized (bilinear) to this size before the network. Default 256. */
  imageSize?: number | { height: number; width: number };
  /** Quantile of the validation normal scores used as the decision threshold; 1 = their maximum. Default 0.99. */
  thresholdQuantile?: number;
  /** Images per forward pass. Default 32. */
  batchSize?: number;
  /** Saved with the detector, returned by `load` unchanged. Default {}. */
  metadata?: DetectorMetadata;
  /** Also fit a patch density (dense anomaly maps) with these options. Default: none. */
  patch?: PatchDensityOptions;
  /** The image score the threshold and decisions use. Default 'fused' with a patch density, else 'gaussian'. */
  imageScore?: ImageScoreKind;
}

/** A detector from an already fitted density and chosen threshold (e.g. fitted by an evaluation loop). */
export interface DetectorParts {
  network: Network;
  density: GaussianDensity;
  embedding: EmbeddingKind;
  imageSize: number | { height: number; width: number };
  threshold: number;
  /** The quantile the threshold came from, recorded for reference. */
  thresholdQuantile: number;
  metadata?: DetectorMetadata;
  batchSize?: number;
  /** Dense maps; the detector owns it from here (dispose disposes it). */
  patch?: PatchDensity;
  /** Which image score `threshold` applies to. Default { kind: 'gaussian' }. */
  imageScore?: ImageScoreSpec;
}

/** Every image score a detector can give, and the patch maps when it has a patch density. */
export interface DetectorScores {
  /** The chosen image score (the one `threshold` applies to). */
  score: Float64Array;
  gaussian: Float64Array;
  patch?: Float64Array;
  fused?: Float64Array;
  maps?: PatchMaps;
}

interface Manifest {
  format: string;
  formatVersion: number;
  network: ResolvedNetworkOptions;
  imageSize: { height: number; width: number };
  embedding: EmbeddingKind;
  threshold: number;
  thresholdQuantile: number;
  metadata: DetectorMetadata;
  density: { dim: number; l2Normalize: boolean; shrinkage: number };
  imageScore?: ImageScoreSpec;
  patch?: { config: PatchDensityConfig; dim: number; grid: { height: number; width: number }; rows: number };
  files: Partial<typeof DETECTOR_FILES>;
}

/** Linear-interpolated quantile (numpy's default) of `values`. */
export function quantile(values: Float64Array, q: number): number {
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile: q must be in [0, 1] (got ${q})`);
  if (values.length === 0) throw new Error('quantile: values must not be empty');
  const s = Float64Array.from(values).sort();
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo] + (pos - lo) * (s[hi] - s[lo]);
}

function resolveSize(size: DetectorOptions['imageSize']): { height: number; width: number } {
  const s = size === undefined ? { height: 256, width: 256 } : typeof size === 'number' ? { height: size, width: size } : size;
  if (!Number.isInteger(s.height) || !Number.isInteger(s.width) || s.height < 32 || s.width < 32)
    throw new Error(`DetectorOptions.imageSize must be integers ≥ 32 (got ${JSON.stringify(size)})`);
  return { ...s };
}

export class Detector {
  private constructor(
    readonly network: Network,
    readonly density: GaussianDensity,
    readonly embedding: EmbeddingKind,
    readonly imageSize: { height: number; width: number },
    readonly threshold: number,
    readonly thresholdQuantile: number,
    readonly metadata: Readonly<DetectorMetadata>,
    private readonly batchSize: number,
    readonly patch: PatchDensity | undefined,
    readonly imageScore: Readonly<ImageScoreSpec>,
  ) {}

  static fromParts(parts: DetectorParts): Detector {
    const embedding = checkKind(parts.embedding, 'DetectorParts.embedding');
    if (!Number.isFinite(parts.threshold)) throw new Error(`DetectorParts.threshold must be a finite number (got ${parts.threshold})`);
    const batchSize = checkBatchSize(parts.batchSize, 'DetectorParts.batchSize');
    const imageScore = checkImageScoreSpec(parts.imageScore ?? { kind: 'gaussian' }, parts.patch !== undefined, 'DetectorParts.imageScore');
    return new Detector(parts.network, parts.density, embedding, resolveSize(parts.imageSize), parts.threshold, parts.thresholdQuantile, checkMetadata(parts.metadata), batchSize, parts.patch, imageScore);
  }

  /**
   * Fits the density on the embeddings of `train` (normal images) and sets the threshold at the quantile of the
   * `validation` normal images' scores (of `train`'s when no validation images are given).
   */
  static create(network: Network, train: PixelImage[], validation: PixelImage[] = [], options: DetectorOptions = {}): Detector {
    const embedding = checkKind(options.embedding ?? 'pooled', 'DetectorOptions.embedding');
    const q = options.thresholdQuantile ?? 0.99;
    if (!(q >= 0 && q <= 1)) throw new Error(`DetectorOptions.thresholdQuantile must be in [0, 1] (got ${q})`);
    const batchSize = checkBatchSize(options.batchSize, 'DetectorOptions.batchSize');
    const metadata = checkMetadata(options.metadata);
    if (train.length < 2) throw new Error(`Detector.create: train needs at least 2 normal images (got ${train.length})`);
    const size = resolveSize(options.imageSize);
    const kind = options.imageScore ?? (options.patch ? 'fused' : 'gaussian');
    if (kind !== 'gaussian' && !options.patch) throw new Error(`DetectorOptions.imageScore ${kind} needs DetectorOptions.patch`);
    if (options.patch && validation.length < 2) throw new Error('Detector.create: a patch density needs at least 2 validation images (its scores on train images are biased low)');
    const emb = embedRaw(network, train, size, embedding, batchSize);
    const density = GaussianDensity.estimate(emb.data, emb.dim);
    const patch = options.patch ? PatchDensity.fit(network, train, options.patch, size) : undefined;
    const provisional = new Detector(network, density, embedding, size, 0, q, metadata, batchSize, patch, { kind: 'gaussian' });
    const val = provisional.scoreAll(validation.length ? validation : train);
    const normalization = val.patch ? { gaussian: normalizationOf(val.gaussian), patch: normalizationOf(val.patch) } : undefined;
    const imageScore: ImageScoreSpec = normalization ? { kind, normalization } : { kind };
    const chosen = kind === 'gaussian' ? val.gaussian : kind === 'patch' ? val.patch! : fuseScores(val.gaussian, val.patch!, normalization!);
    return new Detector(network, density, embedding, size, quantile(chosen, q), q, metadata, batchSize, patch, imageScore);
  }

  /** Embeddings (row-major n × dim) of the configured kind. */
  embed(images: PixelImage[]): { data: Float32Array; dim: number } {
    return embedRaw(this.network, images, this.imageSize, this.embedding, this.batchSize);
  }

  /** Global Gaussian scores (squared Mahalanobis distances of the embedding). */
  gaussianScores(images: PixelImage[]): Float64Array {
    return this.density.score(this.embed(images).data);
  }

  /** Dense anomaly maps at the detector's image size (needs a patch density). */
  patchMaps(images: PixelImage[]): PatchMaps {
    if (!this.patch) throw new Error('Detector.patchMaps: this detector has no patch density (create it with options.patch)');
    return this.patch.maps(this.network, images, this.imageSize);
  }

  /** Every image score (and the maps) in one call; `score` is the chosen one. */
  scoreAll(images: PixelImage[]): DetectorScores {
    const gaussian = this.gaussianScores(images);
    if (!this.patch) return { score: gaussian, gaussian };
    const maps = this.patchMaps(images);
    const patch = maps.scores;
    const n = this.imageScore.normalization;
    const fused = n ? fuseScores(gaussian, patch, n) : undefined;
    const score = this.imageScore.kind === 'gaussian' ? gaussian : this.imageScore.kind === 'patch' ? patch : fused!;
    return { score, gaussian, patch, fused, maps };
  }

  /** Anomaly scores of the chosen kind (`imageScore.kind`), the ones `threshold` applies to. */
  score(images: PixelImage[]): Float64Array {
    return this.imageScore.kind === 'gaussian' ? this.gaussianScores(images) : this.scoreAll(images).score;
  }

  /** Scores and decisions (1 = anomalous: score ≥ threshold, the convention of @ssad/metrics and scikit-learn). */
  predict(images: PixelImage[]): { scores: Float64Array; anomalous: Uint8Array } {
    const scores = this.score(images);
    return { scores, anomalous: Uint8Array.from(scores, (s) => (s >= this.threshold ? 1 : 0)) };
  }

  save(dir: string): void {
    fs.mkdirSync(dir, { recursive: true });
    const { state } = this.density;
    writeSafetensors(path.join(dir, DETECTOR_FILES.weights), this.network.params.toTorchState());
    writeSafetensors(
      path.join(dir, DETECTOR_FILES.density),
      new Map([
        ['mean', { shape: [state.dim], data: state.mean }],
        ['covariance', { shape: [state.dim, state.dim], data: state.covariance }],
        ['precision', { shape: [state.dim, state.dim], data: state.precision }],
      ]),
    );
    const { patch: patchFile, ...always } = DETECTOR_FILES;
    let patch: Manifest['patch'];
    if (this.patch) {
      const p = this.patch.state;
      const tensors = new Map([['bank', { shape: [p.bank.length / p.dim, p.dim], data: p.bank }]]);
      if (p.projection) tensors.set('projection', { shape: [p.projection.length / p.dim, p.dim], data: p.projection });
      writeSafetensors(path.join(dir, DETECTOR_FILES.patch), tensors);
      patch = { config: p.config, dim: p.dim, grid: p.grid, rows: p.bank.length / p.dim };
    } else fs.rmSync(path.join(dir, DETECTOR_FILES.patch), { force: true });
    const manifest: Manifest = {
      format: DETECTOR_FORMAT,
      formatVersion: DETECTOR_FORMAT_VERSION,
      network: this.network.options,
      imageSize: this.imageSize,
      embedding: this.embedding,
      threshold: this.threshold,
      thresholdQuantile: this.thresholdQuantile,
      metadata: this.metadata,
      density: { dim: state.dim, l2Normalize: state.l2Normalize, shrinkage: state.shrinkage },
      imageScore: this.imageScore,
      patch,
      files: this.patch ? { ...always, patch: patchFile } : always,
    };
    // The manifest goes last: a directory with a manifest is complete.
    fs.writeFileSync(path.join(dir, DETECTOR_FILES.manifest), `${JSON.stringify(manifest, null, 2)}\n`);
  }

  static load(dir: string, options: { batchSize?: number } = {}): Detector {
    const file = path.join(dir, DETECTOR_FILES.manifest);
    if (!fs.existsSync(file)) throw new Error(`${file}: missing, ${dir} is not a saved detector`);
    let m: Manifest;
    try {
      m = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`${file}: not valid JSON (${(e as Error).message})`);
    }
    if (m.format !== DETECTOR_FORMAT) throw new Error(`${file}: format is ${JSON.stringify(m.format)}, expected "${DETECTOR_FORMAT}"`);
    if (!READABLE_VERSIONS.includes(m.formatVersion))
      throw new Error(`${file}: formatVersion ${m.formatVersion} is not supported (this @ssad/models reads ${READABLE_VERSIONS.join(' and ')})`);
    if (!m.network || !m.imageSize || !m.density || typeof m.threshold !== 'number' || !EMBEDDING_KINDS.includes(m.embedding))
      throw new Error(`${file}: incomplete manifest (needs network, imageSize, embedding, threshold, density)`);
    if (typeof m.metadata !== 'object' || m.metadata === null || Array.isArray(m.metadata)) throw new Error(`${file}: metadata must be an object`);
    const densityFile = path.join(dir, DETECTOR_FILES.density);
    const d = readSafetensors(densityFile).tensors;
    const get = (name: string) => {
      const t = d.get(name);
      if (!t || arrayKind(t.data) !== 'Float64Array')
        throw new Error(`${densityFile}: tensor "${name}" missing or not F64`);
      return t.data as Float64Array;
    };
    let density: GaussianDensity;
    try {
      density = GaussianDensity.fromState({ ...m.density, mean: get('mean'), covariance: get('covariance'), precision: get('precision') });
    } catch (e) {
      throw new Error(`${densityFile}: ${(e as Error).message}`);
    }
    const patch = m.patch ? loadPatch(path.join(dir, DETECTOR_FILES.patch), m.patch) : undefined;
    let imageScore: ImageScoreSpec;
    try {
      imageScore = checkImageScoreSpec(m.imageScore ?? { kind: 'gaussian' }, patch !== undefined, 'imageScore');
    } catch (e) {
      patch?.dispose();
      throw new Error(`${file}: ${(e as Error).message}`);
    }
    const network = new Network(m.network);
    try {
      network.loadWeights(path.join(dir, DETECTOR_FILES.weights));
    } catch (e) {
      network.dispose();
      patch?.dispose();
      throw e;
    }
    return new Detector(network, density, m.embedding, resolveSize(m.imageSize), m.threshold, m.thresholdQuantile, m.metadata, checkBatchSize(options.batchSize, 'Detector.load batchSize'), patch, imageScore);
  }

  dispose(): void {
    this.network.dispose();
    this.patch?.dispose();
  }
}

function checkBatchSize(value: number | undefined, what: string): number {
  const batchSize = value ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`${what} must be an integer ≥ 1 (got ${batchSize})`);
  return batchSize;
}

function checkMetadata(metadata: DetectorMetadata | undefined): DetectorMetadata {
  if (metadata === undefined) return {};
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    throw new Error(`Detector metadata must be a plain object (got ${JSON.stringify(metadata)})`);
  // A JSON round trip: what load returns is exactly what was saved (and non-JSON values fail here, not at save).
  return JSON.parse(JSON.stringify(metadata)) as DetectorMetadata;
}

function embedRaw(net: Network, images: PixelImage[], size: { height: number; width: number }, kind: EmbeddingKind, batchSize: number) {
  if (images.length === 0) throw new Error('Detector: images must not be empty');
  const chunks: Float32Array[] = [];
  let dim = 0;
  for (let i = 0; i < images.length; i += batchSize) {
    const out = tf.tidy(() => embeddingOf(net.forward(imagesToTensor(images.slice(i, i + batchSize), size)), kind));
    dim = out.shape[1];
    chunks.push(out.dataSync() as Float32Array);
    out.dispose();
  }
  const data = new Float32Array(images.length * dim);
  let o = 0;
  for (const c of chunks) {
    data.set(c, o);
    o += c.length;
  }
  return { data, dim };
}

function loadPatch(file: string, m: NonNullable<Manifest['patch']>): PatchDensity {
  const t = readSafetensors(file).tensors;
  const bank = t.get('bank');
  const projection = t.get('projection');
  try {
    if (!bank || arrayKind(bank.data) !== 'Float32Array') throw new Error('tensor "bank" missing or not F32');
    if (bank.shape.length !== 2 || bank.shape[0] !== m.rows || bank.shape[1] !== m.dim)
      throw new Error(`bank is [${bank.shape.join(', ')}], the manifest says [${m.rows}, ${m.dim}]`);
    if (projection && arrayKind(projection.data) !== 'Float32Array') throw new Error('tensor "projection" is not F32');
    return PatchDensity.fromState({ config: m.config, dim: m.dim, grid: m.grid, bank: bank.data as Float32Array, projection: projection?.data as Float32Array | undefined });
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
}

