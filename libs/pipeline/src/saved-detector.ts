// The run's detector is @ssad/models' Detector; the pipeline keeps what GradCAM heatmaps need (cut stage,
// per-dataset map range) and the run's identity in its `metadata`, and checks them on load.
import path from 'node:path';
import { Detector, type EmbeddingKind } from '@ssad/models';
import { CAM_STAGES, EMBEDDINGS, type CamStage, type EmbeddingName } from './options.js';

/** The pipeline's embedding names → the models' (the pipeline calls the head output "head"). */
export const MODEL_EMBEDDING: Readonly<Record<EmbeddingName, EmbeddingKind>> = { pooled: 'pooled', head: 'embedding', layer23: 'layer23' };

export interface RunDetectorMetadata {
  camStage: CamStage;
  /** Normalisation of raw GradCAM maps: min 0, max a high quantile of the validation images' map values. */
  mapRange: { min: number; max: number };
  category: string;
  seed: number;
  createdAt: string;
}

export interface RunDetector {
  detector: Detector;
  embedding: EmbeddingName;
  meta: RunDetectorMetadata;
}

/** Loads a detector the trainer wrote; an error names detector.json when the pipeline's metadata is missing. */
export function loadRunDetector(dir: string): RunDetector {
  const detector = Detector.load(dir);
  try {
    const file = path.join(dir, 'detector.json');
    const m = detector.metadata as Partial<Record<keyof RunDetectorMetadata, unknown>>;
    const range = m.mapRange as { min?: unknown; max?: unknown } | undefined;
    if (!CAM_STAGES.includes(m.camStage as CamStage)) throw new Error(`${file}: metadata.camStage must be one of ${CAM_STAGES.join(', ')} (got ${String(m.camStage)})`);
    if (typeof range?.min !== 'number' || typeof range.max !== 'number' || !(range.max > range.min))
      throw new Error(`${file}: metadata.mapRange must be { min, max } numbers with max > min (got ${JSON.stringify(m.mapRange)})`);
    const embedding = EMBEDDINGS.find((e) => MODEL_EMBEDDING[e] === detector.embedding)!;
    const meta: RunDetectorMetadata = {
      camStage: m.camStage as CamStage,
      mapRange: { min: range.min, max: range.max },
      category: String(m.category),
      seed: Number(m.seed),
      createdAt: String(m.createdAt),
    };
    return { detector, embedding, meta };
  } catch (err) {
    detector.dispose();
    throw err;
  }
}
