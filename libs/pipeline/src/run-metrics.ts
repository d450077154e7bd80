// metrics.json: the one record of a finished run. The benchmark resumes by trusting only files that parse and
// carry every number, so a run killed while writing is redone rather than reported.
import fs from 'node:fs';
import { writeFileAtomic } from '@ssad/models';
import type { EmbeddingName, ImageScoreName, Localization, PresetName } from './options.js';

// 2: image scores (gaussian / patch / fused) and both localisation methods; version 1 runs are redone. Later
// additions (per-image scores, per-defect AUROC, versions; null pixel metrics without masks) are optional fields
// of version 2, so finished benchmark runs stay valid.
export const METRICS_VERSION = 2;

export interface EmbeddingScores {
  imageAuroc: number;
  f1Max: number;
  f1AtThreshold: number;
  threshold: number;
}

export interface RunMetrics {
  version: typeof METRICS_VERSION;
  category: string;
  seed: number;
  preset: PresetName;
  imageSize: number;
  dataset: string;
  weights: string | null;
  backend: string;
  /** The embedding the saved detector scores (the headline numbers below are for it). */
  embedding: EmbeddingName;
  imageAuroc: number;
  f1Max: number;
  f1MaxThreshold: number;
  /** F1 on the test split at the threshold chosen on the validation split of normal images. */
  f1AtThreshold: number;
  threshold: number;
  /** Of the `localization` maps; null when the test set has no ground-truth masks (pixel metrics skipped). */
  pixelAuroc: number | null;
  aupro: number | null;
  localization: Localization;
  /** Pixel metrics of every localisation method on the same test split (empty without masks). */
  localizations: Partial<Record<Localization, { pixelAuroc: number; aupro: number }>>;
  /** The image score the headline numbers (AUROC, F1, threshold) are for. */
  imageScore: ImageScoreName;
  /** Every image score on the same test split (the Gaussian one on `embedding`). */
  imageScores: Partial<Record<ImageScoreName, EmbeddingScores>>;
  /** Every embedding scored on the same test split, to tell which is better. */
  embeddings: Partial<Record<EmbeddingName, EmbeddingScores>>;
  counts: { train: number; validation: number; test: number; testAnomalous: number };
  /** Final training loss / pretext accuracy of each stage (NaN when the stage had 0 epochs). */
  training: { frozen: { loss: number; accuracy: number }; full: { loss: number; accuracy: number } };
  /** Seconds per phase; `total` is this process's. After `evaluate`, `train` is the training run's. */
  timings: Record<string, number>;
  finishedAt: string;
  /** Set by `evaluate`: the run folder whose trained network these results re-evaluate. */
  evaluatedFrom?: string;
  /** Whether the anomalous test images came with ground-truth masks (no masks: no pixel metrics). */
  masks?: boolean;
  /** Every test image with its labels, the chosen score and the decision at `threshold` (which images were missed). */
  testImages?: TestImageRecord[];
  /** Image AUROC of each defect type against the good test images, with how many the threshold caught. */
  perDefect?: Record<string, DefectScores>;
  /** Software the run used. */
  versions?: RunVersions;
}

export interface TestImageRecord {
  file: string;
  /** 'good' or the defect type. */
  defect: string;
  label: 0 | 1;
  /** The detector's image score (`imageScore`); `decision` is score ≥ threshold. */
  score: number;
  decision: 'anomalous' | 'normal';
  scores: Partial<Record<ImageScoreName, number>>;
}

export interface DefectScores {
  images: number;
  /** Good test images against this defect type; null for 'good' itself. */
  imageAuroc: number | null;
  /** Images decided anomalous at the threshold (for 'good': false alarms). */
  flagged: number;
}

export interface RunVersions {
  ssad: string;
  tfjs: string;
  backend: string;
  node: string;
}

const NUMBER_KEYS = ['seed', 'imageSize', 'imageAuroc', 'f1Max', 'f1AtThreshold', 'threshold'] as const;
/** Numbers that are null when the test set has no masks. */
const PIXEL_KEYS = ['pixelAuroc', 'aupro'] as const;

/** Throws an Error naming the first missing or wrong field. */
export function checkRunMetrics(value: unknown, name = 'metrics.json'): RunMetrics {
  if (typeof value !== 'object' || value === null) throw new Error(`${name}: not a JSON object`);
  const m = value as Record<string, unknown>;
  if (m.version !== METRICS_VERSION) throw new Error(`${name}: version ${String(m.version)}, expected ${METRICS_VERSION}`);
  if (typeof m.category !== 'string') throw new Error(`${name}: category missing`);
  for (const k of NUMBER_KEYS)
    if (typeof m[k] !== 'number' || !Number.isFinite(m[k])) throw new Error(`${name}: ${k} is not a finite number`);
  for (const k of PIXEL_KEYS)
    if (m[k] !== null && (typeof m[k] !== 'number' || !Number.isFinite(m[k]))) throw new Error(`${name}: ${k} is neither a finite number nor null`);
  for (const k of ['embeddings', 'imageScores', 'localizations'] as const)
    if (typeof m[k] !== 'object' || m[k] === null) throw new Error(`${name}: ${k} missing`);
  return value as RunMetrics;
}

/** The run's metrics if the file exists and is valid, else null (the run is then redone). */
export function readRunMetrics(file: string): RunMetrics | null {
  try {
    return checkRunMetrics(JSON.parse(fs.readFileSync(file, 'utf8')), file);
  } catch {
    return null;
  }
}

/** Atomic write (models' writeFileAtomic): a crash leaves either the old file or the new one, never half a file. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2) + '\n');
}
