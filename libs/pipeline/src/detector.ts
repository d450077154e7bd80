// The detector directory: network weights + the fitted Gaussian of the scored embedding + the decision
// threshold. Versioned: a directory of another version, or a damaged one, is a clear error.
import fs from 'node:fs';
import path from 'node:path';
import type { PixelImage } from '@ssad/augment';
import { GaussianDensity, Network, readSafetensors, writeSafetensors } from '@ssad/models';
import { localisationMaps } from './cam.js';
import { computeEmbeddings } from './embeddings.js';
import type { CamStage, EmbeddingName } from './options.js';
import { imagesToTensor } from './tensors.js';

export const DETECTOR_FORMAT = 'ssad-detector';
export const DETECTOR_VERSION = 1;

export interface DetectorInfo {
  format: typeof DETECTOR_FORMAT;
  version: typeof DETECTOR_VERSION;
  imageSize: number;
  embedding: EmbeddingName;
  camStage: CamStage;
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
  gaussian: GaussianDensity;
}

export function saveDetector(dir: string, d: Detector): void {
  fs.mkdirSync(dir, { recursive: true });
  writeSafetensors(path.join(dir, 'network.safetensors'), d.network.params.toTorchState());
  const g = d.gaussian.state;
  writeSafetensors(
    path.join(dir, 'gaussian.safetensors'),
    new Map([
      ['mean', { shape: [g.dim], data: g.mean }],
      ['precision', { shape: [g.dim, g.dim], data: g.precision }],
      ['covariance', { shape: [g.dim, g.dim], data: g.covariance }],
    ]),
    { shrinkage: String(g.shrinkage), l2Normalize: String(g.l2Normalize) },
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
  const gPath = path.join(dir, 'gaussian.safetensors');
  const g = readSafetensors(gPath);
  const [mean, precision, covariance] = ['mean', 'precision', 'covariance'].map((k) => g.tensors.get(k));
  if (!mean || !precision || !covariance || !(mean.data instanceof Float64Array))
    throw new Error(`${gPath}: needs float64 "mean", "precision" and "covariance"`);
  const gaussian = GaussianDensity.fromState({
    dim: mean.data.length,
    mean: mean.data,
    precision: Float64Array.from(precision.data as Float64Array),
    covariance: Float64Array.from(covariance.data as Float64Array),
    shrinkage: Number(g.metadata?.shrinkage),
    l2Normalize: g.metadata?.l2Normalize !== 'false',
  });
  return { info, network, gaussian };
}

/** Image scores (squared Mahalanobis distance of the scored embedding) and raw GradCAM maps at image size. */
export async function scoreWithDetector(
  d: Detector,
  images: readonly PixelImage[],
  batchSize: number,
  onBatch?: (done: number, total: number) => void,
): Promise<{ scores: Float64Array; maps: Float32Array[] }> {
  const emb = await computeEmbeddings(d.network, images, batchSize);
  const scores = d.gaussian.score(emb.values[d.info.embedding]);
  const maps: Float32Array[] = [];
  for (let start = 0; start < images.length; start += batchSize) {
    const x = imagesToTensor(images.slice(start, start + batchSize));
    try {
      maps.push(...(await localisationMaps(d.network, d.info.embedding, d.gaussian, d.info.camStage ?? 'layer3', x, batchSize)));
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
