// The detector directory: network weights + the fitted Gaussian of the scored embedding + the decision
// threshold. Versioned: a directory of another version, or a damaged one, is a clear error.
import fs from 'node:fs';
import path from 'node:path';
import type { PixelImage } from '@ssad/augment';
import { Network, readSafetensors, writeSafetensors } from '@ssad/models';
import { localisationMaps } from './cam.js';
import { saveNetworkWeights } from './weights-file.js';
import { scoreGaussian, type Gaussian } from './density.js';
import { computeEmbeddings } from './embeddings.js';
import type { EmbeddingName } from './options.js';
import { imagesToTensor } from './tensors.js';

export const DETECTOR_FORMAT = 'ssad-detector';
export const DETECTOR_VERSION = 1;

export interface DetectorInfo {
  format: typeof DETECTOR_FORMAT;
  version: typeof DETECTOR_VERSION;
  imageSize: number;
  embedding: EmbeddingName;
  threshold: number;
  category: string;
  seed: number;
  /** Min/max of the validation images' raw GradCAM maps: the per-dataset normalisation of heatmaps. */
  mapRange: { min: number; max: number };
  createdAt: string;
}

export interface Detector {
  info: DetectorInfo;
  network: Network;
  gaussian: Gaussian;
}

export function saveDetector(dir: string, d: Detector): void {
  fs.mkdirSync(dir, { recursive: true });
  saveNetworkWeights(path.join(dir, 'network.safetensors'), d.network);
  const dim = d.gaussian.mean.length;
  writeSafetensors(
    path.join(dir, 'gaussian.safetensors'),
    new Map([
      ['mean', { shape: [dim], data: Float32Array.from(d.gaussian.mean) }],
      ['precision', { shape: [dim, dim], data: Float32Array.from(d.gaussian.precision) }],
    ]),
  );
  fs.writeFileSync(path.join(dir, 'detector.json'), JSON.stringify(d.info, null, 2) + '\n');
}

export function loadDetector(dir: string): Detector {
  const infoPath = path.join(dir, 'detector.json');
  if (!fs.existsSync(infoPath)) throw new Error(`${dir}: not a detector directory (no detector.json)`);
  let info: DetectorInfo;
  try {
    info = JSON.parse(fs.readFileSync(infoPath, 'utf8')) as DetectorInfo;
  } catch (err) {
    throw new Error(`${infoPath}: damaged (${(err as Error).message})`);
  }
  if (info.format !== DETECTOR_FORMAT) throw new Error(`${infoPath}: format "${String(info.format)}", expected "${DETECTOR_FORMAT}"`);
  if (info.version !== DETECTOR_VERSION) throw new Error(`${infoPath}: version ${String(info.version)}, this build reads version ${DETECTOR_VERSION}`);
  for (const k of ['imageSize', 'threshold'] as const)
    if (typeof info[k] !== 'number' || !Number.isFinite(info[k])) throw new Error(`${infoPath}: ${k} is missing or not a number`);
  const network = new Network();
  network.loadWeights(path.join(dir, 'network.safetensors'), { strict: true });
  const g = readSafetensors(path.join(dir, 'gaussian.safetensors')).tensors;
  const mean = g.get('mean');
  const precision = g.get('precision');
  if (!mean || !precision || precision.data.length !== mean.data.length ** 2)
    throw new Error(`${path.join(dir, 'gaussian.safetensors')}: needs "mean" (d) and "precision" (d×d)`);
  return { info, network, gaussian: { mean: Float64Array.from(mean.data as Float32Array), precision: Float64Array.from(precision.data as Float32Array), shrinkage: NaN } };
}

/** Image scores (squared Mahalanobis distance of the scored embedding) and raw GradCAM maps at image size. */
export async function scoreWithDetector(
  d: Detector,
  images: readonly PixelImage[],
  batchSize: number,
  onBatch?: (done: number, total: number) => void,
): Promise<{ scores: Float64Array; maps: Float32Array[] }> {
  const emb = await computeEmbeddings(d.network, images, batchSize);
  const scores = scoreGaussian(d.gaussian, emb.values[d.info.embedding], emb.dims[d.info.embedding]);
  const maps: Float32Array[] = [];
  for (let start = 0; start < images.length; start += batchSize) {
    const x = imagesToTensor(images.slice(start, start + batchSize));
    try {
      maps.push(...(await localisationMaps(d.network, d.info.embedding, d.gaussian, x, batchSize)));
    } finally {
      x.dispose();
    }
    onBatch?.(Math.min(start + batchSize, images.length), images.length);
  }
  return { scores, maps };
}

export function disposeDetector(d: Detector): void {
  d.network.dispose();
}
