// detector.json: its type, and the check of a manifest read from disk. Every field is checked for type and range
// and against the others (the density's dim against the embedding, the patch bank's dim against its stages)
// before any state file is read or any tensor allocated, since the manifest may come from anyone.
import { STAGE_CHANNELS } from './architecture.js';
import { resolveNetworkOptions, type ResolvedNetworkOptions } from './network.js';
import type { ImageScoreSpec } from './image-score.js';
import { THRESHOLD_ESTIMATES, type ThresholdEstimate } from './threshold.js';
import { patchFeatureDim, resolvePatchDensityOptions, type PatchDensityConfig } from './patch/patch-density.js';
import { parseStrictJson } from './strict-json.js';

export const DETECTOR_FORMAT = 'ssad-detector';
// 2: adds the layer23 embedding and the `metadata` record. 3: adds the optional patch density and the image score
// choice; version 2 directories still load (no patch density, Gaussian score). 4: adds the optional second patch
// density that gives the patch image score (`imagePatch`) and `thresholdEstimate`; versions 2 and 3 still load.
export const DETECTOR_FORMAT_VERSION = 4;
export const READABLE_VERSIONS = [2, 3, 4];
/**
 * The files of a detector folder. Their names are fixed: the manifest's `files` record lists them for readers of
 * the folder, and a manifest naming any other file is refused rather than followed (nothing outside the folder,
 * and nothing but these files, is read).
 */
export const DETECTOR_FILES = {
  manifest: 'detector.json',
  weights: 'weights.safetensors',
  density: 'density.safetensors',
  patch: 'patch.safetensors',
  imagePatch: 'image-patch.safetensors',
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

/** Image sides a detector accepts (a 8192² image is already ~800 MB as float32 NHWC). */
export const MIN_IMAGE_SIDE = 32;
export const MAX_IMAGE_SIDE = 8192;
/** Manifests are a few KB; larger ones are refused before they are read. */
export const MAX_MANIFEST_BYTES = 16 * 1024 * 1024;
const MAX_MANIFEST_DEPTH = 64;
/** Bounds on the network options a manifest may ask for (the weights file must match them as well). */
const MAX_HEAD_LAYERS = 64;
const MAX_WIDTH = 65536;

/** A patch density's entry: its settings and the shape of its state file. */
export interface PatchManifest {
  config: PatchDensityConfig;
  dim: number;
  grid: { height: number; width: number };
  rows: number;
}

export interface Manifest {
  format: string;
  formatVersion: number;
  network: ResolvedNetworkOptions;
  imageSize: { height: number; width: number };
  embedding: EmbeddingKind;
  threshold: number;
  thresholdQuantile: number;
  /** (v4) How the threshold's quantile was estimated; absent in older manifests: 'quantile'. */
  thresholdEstimate?: ThresholdEstimate;
  metadata: DetectorMetadata;
  density: { dim: number; l2Normalize: boolean; shrinkage: number };
  imageScore?: ImageScoreSpec;
  patch?: PatchManifest;
  /** (v4) The patch density whose map maximum is the patch image score; without it, `patch`'s maps give it. */
  imagePatch?: PatchManifest;
  files: Partial<typeof DETECTOR_FILES>;
}

/** Dimension of the `kind` embedding of a network with these head widths. */
export function embeddingDim(kind: EmbeddingKind, headWidths: readonly number[]): number {
  if (kind === 'layer23') return STAGE_CHANNELS[1] + STAGE_CHANNELS[2];
  return kind === 'embedding' ? (headWidths.at(-1) ?? STAGE_CHANNELS[3]) : STAGE_CHANNELS[3];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function show(v: unknown): string {
  // JSON would print Infinity (1e999 in the file) as null.
  const text = typeof v === 'number' && !Number.isFinite(v) ? String(v) : (JSON.stringify(v) ?? String(v));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Checks of one manifest, each error naming the file and the field. */
class Fields {
  constructor(private readonly file: string) {}

  fail(field: string, problem: string): never {
    throw new Error(`${this.file}: ${field} ${problem}`);
  }

  object(v: unknown, field: string): Record<string, unknown> {
    return isObject(v) ? v : this.fail(field, `must be an object (got ${show(v)})`);
  }

  int(v: unknown, field: string, lo: number, hi: number): number {
    return Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi ? (v as number) : this.fail(field, `must be an integer in [${lo}, ${hi}] (got ${show(v)})`);
  }

  finite(v: unknown, field: string, lo = -Infinity, hi = Infinity): number {
    const ok = typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;
    const range = lo === -Infinity ? 'a finite number' : `a number in [${lo}, ${hi}]`;
    return ok ? v : this.fail(field, `must be ${range} (got ${show(v)})`);
  }

  size(v: unknown, field: string, max: number): { height: number; width: number } {
    const s = this.object(v, field);
    return { height: this.int(s.height, `${field}.height`, 1, max), width: this.int(s.width, `${field}.width`, 1, max) };
  }

  /** Runs a checker of another module and puts the file and field in front of its message. */
  wrap<T>(field: string, check: () => T): T {
    try {
      return check();
    } catch (e) {
      return this.fail(field, `is invalid: ${(e as Error).message}`);
    }
  }
}

function network(v: unknown, f: Fields): ResolvedNetworkOptions {
  const n = f.object(v, 'network');
  if (!Array.isArray(n.headWidths) || n.headWidths.length > MAX_HEAD_LAYERS)
    f.fail('network.headWidths', `must be a list of at most ${MAX_HEAD_LAYERS} widths (got ${show(n.headWidths)})`);
  (n.headWidths as unknown[]).forEach((w, i) => f.int(w, `network.headWidths[${i}]`, 1, MAX_WIDTH));
  f.int(n.numClasses, 'network.numClasses', 1, MAX_WIDTH);
  if (n.normalize !== null) {
    const norm = f.object(n.normalize, 'network.normalize');
    for (const key of ['mean', 'std'] as const) {
      const values = norm[key];
      if (!Array.isArray(values) || values.length !== 3) f.fail(`network.normalize.${key}`, `must list 3 numbers (got ${show(values)})`);
      values.forEach((x, i) => f.finite(x, `network.normalize.${key}[${i}]`, key === 'std' ? Number.MIN_VALUE : -Infinity, Infinity));
    }
  }
  f.int(n.seed, 'network.seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  return f.wrap('network', () => resolveNetworkOptions(n as never));
}

function patch(v: unknown, f: Fields, imageSize: { height: number; width: number }, field: 'patch' | 'imagePatch'): PatchManifest {
  const p = f.object(v, field);
  const options = f.object(p.config, `${field}.config`);
  const config = f.wrap(`${field}.config`, () => resolvePatchDensityOptions(options as never));
  const featureDim = patchFeatureDim(config.stages);
  const projected = config.featureProjection > 0 && config.featureProjection < featureDim;
  const dim = f.int(p.dim, `${field}.dim`, 1, MAX_WIDTH);
  const expected = projected ? config.featureProjection : featureDim;
  if (dim !== expected)
    f.fail(`${field}.dim`, `is ${dim}, but stages ${config.stages.join('+')} give ${featureDim}-d patch features${projected ? ` projected to ${expected}` : ''}`);
  const grid = f.size(p.grid, `${field}.grid`, Math.max(imageSize.height, imageSize.width));
  const rows = f.int(p.rows, `${field}.rows`, 1, Number.MAX_SAFE_INTEGER);
  return { config, dim, grid, rows };
}

function files(v: unknown, f: Fields): Manifest['files'] {
  if (v === undefined) return {};
  const entries = f.object(v, 'files');
  for (const [key, name] of Object.entries(entries)) {
    if (!Object.hasOwn(DETECTOR_FILES, key)) f.fail(`files.${key}`, `is not a detector file (known: ${Object.keys(DETECTOR_FILES).join(', ')})`);
    const fixed = DETECTOR_FILES[key as keyof typeof DETECTOR_FILES];
    if (name !== fixed) f.fail(`files.${key}`, `is ${show(name)}; this version reads only "${fixed}" inside the detector folder`);
  }
  return entries as Manifest['files'];
}

/** Parses and checks detector.json's text; `file` names it in errors. */
export function parseManifest(text: string, file: string): Manifest {
  let json: unknown;
  try {
    json = parseStrictJson(text, MAX_MANIFEST_DEPTH);
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
  const f = new Fields(file);
  const m = f.object(json, 'the manifest');
  if (m.format !== DETECTOR_FORMAT) f.fail('format', `is ${show(m.format)}, expected "${DETECTOR_FORMAT}"`);
  if (!READABLE_VERSIONS.includes(m.formatVersion as number))
    f.fail('formatVersion', `${show(m.formatVersion)} is not supported (this @ssad/models reads ${READABLE_VERSIONS.slice(0, -1).join(', ')} and ${READABLE_VERSIONS.at(-1)})`);
  const net = network(m.network, f);
  const imageSize = f.size(m.imageSize, 'imageSize', MAX_IMAGE_SIDE);
  if (imageSize.height < MIN_IMAGE_SIDE || imageSize.width < MIN_IMAGE_SIDE) f.fail('imageSize', `must be at least ${MIN_IMAGE_SIDE} on each side (got ${show(m.imageSize)})`);
  if (!EMBEDDING_KINDS.includes(m.embedding as EmbeddingKind)) f.fail('embedding', `must be one of ${EMBEDDING_KINDS.join(', ')} (got ${show(m.embedding)})`);
  const embedding = m.embedding as EmbeddingKind;
  const d = f.object(m.density, 'density');
  const dim = f.int(d.dim, 'density.dim', 1, MAX_WIDTH);
  const wanted = embeddingDim(embedding, net.headWidths);
  if (dim !== wanted) f.fail('density.dim', `is ${dim}, but the ${embedding} embedding of this network is ${wanted}-d`);
  if (typeof d.l2Normalize !== 'boolean') f.fail('density.l2Normalize', `must be true or false (got ${show(d.l2Normalize)})`);
  const density = { dim, l2Normalize: d.l2Normalize as boolean, shrinkage: f.finite(d.shrinkage, 'density.shrinkage', 0, 1) };
  if (!isObject(m.metadata)) f.fail('metadata', `must be an object (got ${show(m.metadata)})`);
  if (m.imageScore !== undefined) f.object(m.imageScore, 'imageScore');
  if (m.thresholdEstimate !== undefined) {
    if ((m.formatVersion as number) < 4) f.fail('thresholdEstimate', `is a version 4 field (formatVersion is ${m.formatVersion as number})`);
    if (!THRESHOLD_ESTIMATES.includes(m.thresholdEstimate as ThresholdEstimate))
      f.fail('thresholdEstimate', `must be one of ${THRESHOLD_ESTIMATES.join(', ')} (got ${show(m.thresholdEstimate)})`);
  }
  if (m.imagePatch !== undefined) {
    if ((m.formatVersion as number) < 4) f.fail('imagePatch', `is a version 4 field (formatVersion is ${m.formatVersion as number})`);
    if (m.patch === undefined) f.fail('imagePatch', 'needs a patch density (patch) beside it');
  }
  return {
    format: DETECTOR_FORMAT,
    formatVersion: m.formatVersion as number,
    network: net,
    imageSize,
    embedding,
    threshold: f.finite(m.threshold, 'threshold'),
    thresholdQuantile: f.finite(m.thresholdQuantile, 'thresholdQuantile', 0, 1),
    thresholdEstimate: m.thresholdEstimate as ThresholdEstimate | undefined,
    metadata: m.metadata as DetectorMetadata,
    density,
    imageScore: m.imageScore as ImageScoreSpec | undefined,
    patch: m.patch === undefined ? undefined : patch(m.patch, f, imageSize, 'patch'),
    imagePatch: m.imagePatch === undefined ? undefined : patch(m.imagePatch, f, imageSize, 'imagePatch'),
    files: files(m.files, f),
  };
}
