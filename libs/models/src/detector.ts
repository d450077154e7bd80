// A Detector = preprocessing + network + Gaussian density on one embedding + decision threshold, with a
// versioned directory format:
//   detector.json        { format: "ssad-detector", formatVersion: 2, network, imageSize, embedding, threshold,
//                          metadata, ... }
//   weights.safetensors  network parameters, torchvision names, torch layout (F32)
//   density.safetensors  mean [d], covariance [d, d], precision [d, d] (F64)
//   patch.safetensors    (v3, optional) bank [rows, dim] (F32), projection [featureDim, dim] (F32, optional)
//   image-patch.safetensors  (v4, optional) the same for a second patch density that only gives the patch image
//                        score (e.g. sharp maps from layer1–3, the image score from layer2+3: each is best at its job)
// No file system here (the same code scores in Node and in a browser): `toFiles` gives those files as bytes,
// detector-load.ts builds a detector back from them, and detector-files.ts (Node) saves and loads folders.
import * as tf from '@tensorflow/tfjs';
import type { PixelImage } from '@ssad/augment';
import { GaussianDensity } from './density.js';
import {
  DETECTOR_FILES,
  DETECTOR_FORMAT,
  DETECTOR_FORMAT_VERSION,
  EMBEDDING_KINDS,
  MAX_IMAGE_SIDE,
  MIN_IMAGE_SIDE,
  type DetectorMetadata,
  type EmbeddingKind,
  type Manifest,
  type PatchManifest,
} from './detector-manifest.js';
import { Network, type StageOutputs } from './network.js';
import { serializeSafetensors } from './safetensors.js';
import { imagesToTensor } from './images.js';
import { checkImageScoreSpec, fuseScores, normalizationOf, type ImageScoreKind, type ImageScoreSpec } from './image-score.js';
import { PatchDensity, type PatchDensityOptions, type PatchMaps } from './patch/patch-density.js';
import { THRESHOLD_ESTIMATES, thresholdOf, type ThresholdEstimate } from './threshold.js';

export {
  DETECTOR_FILES,
  DETECTOR_FORMAT,
  DETECTOR_FORMAT_VERSION,
  EMBEDDING_KINDS,
  type DetectorMetadata,
  type EmbeddingKind,
  type JsonValue,
} from './detector-manifest.js';

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
  /** How that quantile is estimated (threshold.ts): 'quantile' (empirical) or 'normal' (mean + Φ⁻¹(q)·std). Default 'quantile'. */
  thresholdEstimate?: ThresholdEstimate;
  /** Images per forward pass. Default 32. */
  batchSize?: number;
  /** Saved with the detector, returned by `load` unchanged. Default {}. */
  metadata?: DetectorMetadata;
  /** Also fit a patch density (dense anomaly maps) with these options. Default: none. */
  patch?: PatchDensityOptions;
  /**
   * Also fit a second patch density with these options, whose map maximum is the patch image score (the maps stay
   * `patch`'s). Needs `patch`. Default: none, `patch`'s maps give the patch image score.
   */
  imagePatch?: PatchDensityOptions;
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
  /** How that quantile was estimated, recorded for reference. Default 'quantile'. */
  thresholdEstimate?: ThresholdEstimate;
  metadata?: DetectorMetadata;
  batchSize?: number;
  /** Dense maps; the detector owns it from here (dispose disposes it). */
  patch?: PatchDensity;
  /** The patch density whose map maximum is the patch image score (needs `patch`; owned like it). Default: `patch`. */
  imagePatch?: PatchDensity;
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

function resolveSize(size: DetectorOptions['imageSize']): { height: number; width: number } {
  const s = size === undefined ? { height: 256, width: 256 } : typeof size === 'number' ? { height: size, width: size } : size;
  const side = (v: number) => Number.isInteger(v) && v >= MIN_IMAGE_SIDE && v <= MAX_IMAGE_SIDE;
  if (!side(s.height) || !side(s.width))
    throw new Error(`DetectorOptions.imageSize must be integers in [${MIN_IMAGE_SIDE}, ${MAX_IMAGE_SIDE}] (got ${JSON.stringify(size)})`);
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
    readonly imagePatch: PatchDensity | undefined,
    readonly thresholdEstimate: ThresholdEstimate,
  ) {}

  static fromParts(parts: DetectorParts): Detector {
    const embedding = checkKind(parts.embedding, 'DetectorParts.embedding');
    if (!Number.isFinite(parts.threshold)) throw new Error(`DetectorParts.threshold must be a finite number (got ${parts.threshold})`);
    // What load accepts, so that every detector saved can be loaded again.
    if (!(parts.thresholdQuantile >= 0 && parts.thresholdQuantile <= 1))
      throw new Error(`DetectorParts.thresholdQuantile must be in [0, 1] (got ${parts.thresholdQuantile})`);
    const batchSize = checkBatchSize(parts.batchSize, 'DetectorParts.batchSize');
    const imageScore = checkImageScoreSpec(parts.imageScore ?? { kind: 'gaussian' }, parts.patch !== undefined, 'DetectorParts.imageScore');
    if (parts.imagePatch && !parts.patch) throw new Error('DetectorParts.imagePatch needs DetectorParts.patch (the maps)');
    const estimate = checkEstimate(parts.thresholdEstimate, 'DetectorParts.thresholdEstimate');
    if (parts.imagePatch && parts.imagePatch === parts.patch) throw new Error('DetectorParts.imagePatch must be another patch density than DetectorParts.patch (leave it out to use patch)');
    return new Detector(
      parts.network, parts.density, embedding, resolveSize(parts.imageSize), parts.threshold, parts.thresholdQuantile, checkMetadata(parts.metadata), batchSize, parts.patch,
      imageScore, parts.imagePatch, estimate,
    );
  }

  /**
   * Fits the density on the embeddings of `train` (normal images) and sets the threshold at the quantile of the
   * `validation` normal images' scores (of `train`'s when no validation images are given).
   */
  static create(network: Network, train: PixelImage[], validation: PixelImage[] = [], options: DetectorOptions = {}): Detector {
    const embedding = checkKind(options.embedding ?? 'pooled', 'DetectorOptions.embedding');
    const q = options.thresholdQuantile ?? 0.99;
    if (!(q >= 0 && q <= 1)) throw new Error(`DetectorOptions.thresholdQuantile must be in [0, 1] (got ${q})`);
    const estimate = checkEstimate(options.thresholdEstimate, 'DetectorOptions.thresholdEstimate');
    if (estimate === 'normal' && !(q > 0 && q < 1)) throw new Error(`DetectorOptions.thresholdQuantile must be in (0, 1) with the normal estimate (got ${q})`);
    const batchSize = checkBatchSize(options.batchSize, 'DetectorOptions.batchSize');
    const metadata = checkMetadata(options.metadata);
    if (train.length < 2) throw new Error(`Detector.create: train needs at least 2 normal images (got ${train.length})`);
    const size = resolveSize(options.imageSize);
    const kind = options.imageScore ?? (options.patch ? 'fused' : 'gaussian');
    if (kind !== 'gaussian' && !options.patch) throw new Error(`DetectorOptions.imageScore ${kind} needs DetectorOptions.patch`);
    if (options.imagePatch && !options.patch) throw new Error('DetectorOptions.imagePatch needs DetectorOptions.patch (the maps)');
    if (options.patch && validation.length < 2) throw new Error('Detector.create: a patch density needs at least 2 validation images (its scores on train images are biased low)');
    const emb = embedRaw(network, train, size, embedding, batchSize);
    const density = GaussianDensity.estimate(emb.data, emb.dim);
    const patch = options.patch ? PatchDensity.fit(network, train, options.patch, size) : undefined;
    const imagePatch = options.imagePatch ? PatchDensity.fit(network, train, options.imagePatch, size) : undefined;
    const provisional = new Detector(network, density, embedding, size, 0, q, metadata, batchSize, patch, { kind: 'gaussian' }, imagePatch, estimate);
    const val = provisional.scoreAll(validation.length ? validation : train);
    const normalization = val.patch ? { gaussian: normalizationOf(val.gaussian), patch: normalizationOf(val.patch) } : undefined;
    const imageScore: ImageScoreSpec = normalization ? { kind, normalization } : { kind };
    const chosen = kind === 'gaussian' ? val.gaussian : kind === 'patch' ? val.patch! : fuseScores(val.gaussian, val.patch!, normalization!);
    return new Detector(network, density, embedding, size, thresholdOf(chosen, q, estimate), q, metadata, batchSize, patch, imageScore, imagePatch, estimate);
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
    const patch = this.imagePatch ? this.imagePatch.scores(this.network, images, this.imageSize) : maps.scores;
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

  /**
   * The detector's files by name (DETECTOR_FILES), as bytes, in the order to write them: the manifest last, so a
   * folder with a manifest is complete (saveDetector in Node; a browser could offer them as downloads).
   */
  toFiles(): Map<string, Uint8Array> {
    const files = new Map<string, Uint8Array>();
    const { state } = this.density;
    files.set(DETECTOR_FILES.weights, serializeSafetensors(this.network.params.toTorchState()));
    files.set(
      DETECTOR_FILES.density,
      serializeSafetensors(
        new Map([
          ['mean', { shape: [state.dim], data: state.mean }],
          ['covariance', { shape: [state.dim, state.dim], data: state.covariance }],
          ['precision', { shape: [state.dim, state.dim], data: state.precision }],
        ]),
      ),
    );
    const { patch: patchFile, imagePatch: imagePatchFile, ...always } = DETECTOR_FILES;
    const patch = this.patch && addPatchFile(files, patchFile, this.patch);
    const imagePatch = this.imagePatch && addPatchFile(files, imagePatchFile, this.imagePatch);
    const manifest: Manifest = {
      format: DETECTOR_FORMAT,
      formatVersion: DETECTOR_FORMAT_VERSION,
      network: this.network.options,
      imageSize: this.imageSize,
      embedding: this.embedding,
      threshold: this.threshold,
      thresholdQuantile: this.thresholdQuantile,
      thresholdEstimate: this.thresholdEstimate,
      metadata: this.metadata,
      density: { dim: state.dim, l2Normalize: state.l2Normalize, shrinkage: state.shrinkage },
      imageScore: this.imageScore,
      patch,
      imagePatch,
      files: { ...always, ...(patch && { patch: patchFile }), ...(imagePatch && { imagePatch: imagePatchFile }) },
    };
    files.set(DETECTOR_FILES.manifest, new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`));
    return files;
  }

  dispose(): void {
    this.network.dispose();
    this.patch?.dispose();
    this.imagePatch?.dispose();
  }
}

/** Adds `density`'s state file to `files` as `name`; its manifest entry. */
function addPatchFile(files: Map<string, Uint8Array>, name: string, density: PatchDensity): PatchManifest {
  const p = density.state;
  const tensors = new Map([['bank', { shape: [p.bank.length / p.dim, p.dim], data: p.bank }]]);
  if (p.projection) tensors.set('projection', { shape: [p.projection.length / p.dim, p.dim], data: p.projection });
  files.set(name, serializeSafetensors(tensors));
  return { config: p.config, dim: p.dim, grid: p.grid, rows: p.bank.length / p.dim };
}

function checkEstimate(value: ThresholdEstimate | undefined, what: string): ThresholdEstimate {
  const estimate = value ?? 'quantile';
  if (!THRESHOLD_ESTIMATES.includes(estimate)) throw new Error(`${what} must be one of ${THRESHOLD_ESTIMATES.join(', ')} (got ${String(value)})`);
  return estimate;
}

export function checkBatchSize(value: number | undefined, what: string): number {
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
