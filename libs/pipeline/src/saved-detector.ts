// The run's detector is @ssad/models' Detector; the pipeline keeps what heatmaps need (GradCAM cut stage, the
// per-dataset map ranges, which localisation the run chose) and the run's identity in its `metadata`, and checks
// them on load.
import path from 'node:path';
import { loadDetector, type Detector, type EmbeddingKind } from '@ssad/models';
import { CAM_STAGES, EMBEDDINGS, FITS, LOCALIZATIONS, type CamStage, type EmbeddingName, type FitName, type Localization } from './options.js';

/** The pipeline's embedding names → the models' (the pipeline calls the head output "head"). */
export const MODEL_EMBEDDING: Readonly<Record<EmbeddingName, EmbeddingKind>> = { pooled: 'pooled', head: 'embedding', layer23: 'layer23' };

export interface RunDetectorMetadata {
  camStage: CamStage;
  /** Normalisation of raw GradCAM maps: min the median, max the 0.999 quantile of the validation images' map values (min 0 in older detectors). */
  mapRange: { min: number; max: number };
  /** The same for patch maps (absent in detectors written before patch densities). */
  patchMapRange?: { min: number; max: number };
  /** The run's headline localisation (default gradcam for older detectors). */
  localization?: Localization;
  /** How inputs of another aspect ratio were fitted (default squash for older detectors). */
  fit?: FitName;
  category: string;
  seed: number;
  createdAt: string;
  /**
   * Standard deviation of the validation normal images' chosen image score: the scale of the 0–1 normalised score
   * (see normalized-score.ts). Absent in detectors written before it.
   */
  scoreStd?: number;
  /** The validation normal images' chosen image scores, the threshold's quantile was taken of (absent in older detectors). */
  validationScores?: number[];
  /** Map value from which a pixel counts as anomalous, per localisation (absent in older detectors). */
  pixelThreshold?: { patch: number; gradcam: number };
}

export interface RunDetector {
  detector: Detector;
  embedding: EmbeddingName;
  meta: RunDetectorMetadata;
}

/** Loads a detector the trainer wrote; an error names detector.json when the pipeline's metadata is missing. */
export function loadRunDetector(dir: string): RunDetector {
  const detector = loadDetector(dir);
  try {
    const file = path.join(dir, 'detector.json');
    const m = detector.metadata as Partial<Record<keyof RunDetectorMetadata, unknown>>;
    if (!CAM_STAGES.includes(m.camStage as CamStage)) throw new Error(`${file}: metadata.camStage must be one of ${CAM_STAGES.join(', ')} (got ${String(m.camStage)})`);
    const mapRange = checkRange(m.mapRange, `${file}: metadata.mapRange`);
    const patchMapRange = m.patchMapRange === undefined ? undefined : checkRange(m.patchMapRange, `${file}: metadata.patchMapRange`);
    const localization = (m.localization ?? 'gradcam') as Localization;
    if (!LOCALIZATIONS.includes(localization)) throw new Error(`${file}: metadata.localization must be one of ${LOCALIZATIONS.join(', ')} (got ${String(m.localization)})`);
    const fit = (m.fit ?? 'squash') as FitName;
    if (!FITS.includes(fit)) throw new Error(`${file}: metadata.fit must be one of ${FITS.join(', ')} (got ${String(m.fit)})`);
    if (localization === 'patch' && (!detector.patch || !patchMapRange))
      throw new Error(`${file}: metadata.localization is patch but the detector has no patch density or patchMapRange`);
    if (m.scoreStd !== undefined && !(typeof m.scoreStd === 'number' && m.scoreStd > 0 && Number.isFinite(m.scoreStd)))
      throw new Error(`${file}: metadata.scoreStd must be a positive number (got ${JSON.stringify(m.scoreStd)})`);
    const vs = m.validationScores;
    if (vs !== undefined && !(Array.isArray(vs) && vs.length > 0 && vs.every((v) => Number.isFinite(v))))
      throw new Error(`${file}: metadata.validationScores must be a non-empty list of finite numbers`);
    const pt = m.pixelThreshold as { patch?: unknown; gradcam?: unknown } | undefined;
    if (pt !== undefined && !(typeof pt === 'object' && pt !== null && Number.isFinite(pt.patch) && Number.isFinite(pt.gradcam)))
      throw new Error(`${file}: metadata.pixelThreshold must be { patch, gradcam } numbers (got ${JSON.stringify(pt)})`);
    const embedding = EMBEDDINGS.find((e) => MODEL_EMBEDDING[e] === detector.embedding)!;
    const meta: RunDetectorMetadata = {
      camStage: m.camStage as CamStage,
      mapRange,
      patchMapRange,
      localization,
      fit,
      category: String(m.category),
      seed: Number(m.seed),
      createdAt: String(m.createdAt),
      scoreStd: m.scoreStd as number | undefined,
      validationScores: vs as number[] | undefined,
      pixelThreshold: pt as RunDetectorMetadata['pixelThreshold'],
    };
    return { detector, embedding, meta };
  } catch (err) {
    detector.dispose();
    throw err;
  }
}

function checkRange(value: unknown, what: string): { min: number; max: number } {
  const r = value as { min?: unknown; max?: unknown } | undefined;
  if (typeof r?.min !== 'number' || typeof r.max !== 'number' || !(r.max > r.min))
    throw new Error(`${what} must be { min, max } numbers with max > min (got ${JSON.stringify(value)})`);
  return { min: r.min, max: r.max };
}
