// predict: score new images with a saved detector. Per image: the raw score, the 0–1 normalised score, the
// decision, and at the image's own resolution an overlay, the binary mask at the pixel threshold and the raw map
// (predict-output.ts); everything listed in predictions.json. A file that cannot be read is reported in `errors`
// and the others are still scored.
import fs from 'node:fs';
import path from 'node:path';
import type { PixelImage } from '@ssad/augment';
import { DataFileError, IMAGE_EXTENSIONS, decodeImage, fitPixels, type ContentBox } from '@ssad/data';
import { ensureFolder, initBackend, normalizeScore } from '@ssad/models';
import { UsageError } from './args.js';
import { localisationMaps } from './cam.js';
import { resolveDetectorDir } from './detector-path.js';
import type { OnEvent } from './events.js';
import { writePredictionFiles } from './predict-output.js';
import { writeJsonAtomic } from './run-metrics.js';
import { loadRunDetector } from './saved-detector.js';

export interface Prediction {
  path: string;
  /** The input's own size (the overlay, mask and map have it). */
  width: number;
  height: number;
  /** The detector's chosen image score (`imageScore` in predictions.json); the threshold applies to it. */
  score: number;
  /** 0.5 at the threshold (see @ssad/models normalizeScore); null for detectors saved without the score's scale. */
  normalizedScore: number | null;
  /** Every image score the detector has (gaussian always; patch and fused with a patch density). */
  scores: { gaussian: number; patch?: number; fused?: number };
  decision: 'anomalous' | 'normal';
  /** Files relative to the output folder: overlay PNG, 0/255 mask PNG, float32 .npy map (height × width). */
  overlay: string;
  mask: string;
  map: string;
}

export interface PredictResult {
  /** The detector folder used (a run folder given resolves to its detector/). */
  detector: string;
  predictions: Prediction[];
  errors: { path: string; error: string }[];
}

/** Image files of the inputs: files as given, folders searched recursively (sorted). */
export function collectImages(inputs: readonly string[]): { files: string[]; errors: { path: string; error: string }[] } {
  const files: string[] = [];
  const errors: { path: string; error: string }[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (IMAGE_EXTENSIONS.includes(path.extname(e.name).toLowerCase())) files.push(p);
    }
  };
  for (const input of inputs) {
    if (!fs.existsSync(input)) errors.push({ path: input, error: 'does not exist' });
    else if (fs.statSync(input).isDirectory()) walk(input);
    else files.push(input);
  }
  return { files, errors };
}

/** Images decoded and fitted at a time: bounds memory on large folders. */
const CHUNK = 16;

interface Decoded {
  file: string;
  original: PixelImage;
  fitted: PixelImage;
  content: ContentBox;
}

export async function predictImages(
  detectorPath: string,
  inputs: readonly string[],
  outDir: string,
  hooks: { onEvent?: OnEvent; imageSize?: number } = {},
): Promise<PredictResult> {
  const detectorDir = resolveDetectorDir(detectorPath);
  const { files, errors } = collectImages(inputs);
  // Nothing to score: said without loading the backend and the detector.
  if (files.length === 0) return { detector: detectorDir, predictions: [], errors };
  await initBackend();
  const { detector, embedding, meta } = loadRunDetector(detectorDir);
  try {
    // The trainer writes square detectors.
    const size = detector.imageSize.width;
    if (hooks.imageSize !== undefined && hooks.imageSize !== size)
      throw new UsageError(`--image-size ${hooks.imageSize}: the detector in ${detectorDir} scores ${size} px images; leave --image-size out (inputs are resized to ${size} px)`);
    const fit = meta.fit ?? 'squash';
    const usePatch = meta.localization === 'patch' && detector.patch !== undefined;
    const range = usePatch ? meta.patchMapRange! : meta.mapRange;
    // Detectors saved before pixel thresholds: half the display range, as the report's figures draw it.
    const pixelThreshold = meta.pixelThreshold?.[usePatch ? 'patch' : 'gradcam'] ?? range.min + 0.5 * (range.max - range.min);
    const predictions: Prediction[] = [];
    for (let start = 0; start < files.length; start += CHUNK) {
      const batch: Decoded[] = [];
      for (const file of files.slice(start, start + CHUNK)) {
        try {
          const original = await decodeImage(file, { channels: 3 });
          const { image, content } = fitPixels(original, size, size, fit);
          batch.push({ file, original, fitted: image, content });
        } catch (err) {
          errors.push({ path: file, error: err instanceof DataFileError ? err.problem : (err as Error).message });
        }
      }
      if (batch.length === 0) continue;
      const images = batch.map((b) => b.fitted);
      const all = detector.scoreAll(images);
      const maps = usePatch ? all.maps!.maps : await localisationMaps(detector.network, embedding, detector.density, meta.camStage, images, CHUNK);
      for (let i = 0; i < batch.length; i++) {
        const b = batch[i];
        const score = all.score[i];
        const anomalous = score >= detector.threshold;
        const normalizedScore = meta.scoreStd === undefined ? null : normalizeScore(score, detector.threshold, meta.scoreStd);
        const stem = `${String(start + i).padStart(4, '0')}_${path.basename(b.file).replace(/\.[^.]+$/, '')}`;
        const text = `${anomalous ? 'ANOMALOUS' : 'normal'} ${normalizedScore === null ? '' : `${normalizedScore.toFixed(2)} · `}score ${score.toPrecision(4)}`;
        const written = await writePredictionFiles(outDir, stem, {
          image: b.original, map: maps[i], size, content: b.content, range, pixelThreshold, text, anomalous,
        });
        predictions.push({
          path: b.file, width: b.original.width, height: b.original.height, score, normalizedScore,
          scores: { gaussian: all.gaussian[i], patch: all.patch?.[i], fused: all.fused?.[i] },
          decision: anomalous ? 'anomalous' : 'normal', ...written,
        });
      }
      hooks.onEvent?.({ kind: 'count', phase: 'predict', done: Math.min(files.length, start + CHUNK), total: files.length });
    }
    ensureFolder(outDir);
    writeJsonAtomic(path.join(outDir, 'predictions.json'), {
      detector: detectorDir,
      threshold: detector.threshold,
      imageScore: detector.imageScore.kind,
      normalizedScore: 'logistic((score − threshold) / scale): 0.5 at the threshold; scale = std of the validation normal images\' score',
      scoreScale: meta.scoreStd ?? null,
      localization: usePatch ? 'patch' : 'gradcam',
      pixelThreshold,
      mapRange: range,
      embedding,
      imageSize: size,
      fit,
      predictions,
      errors,
    });
    return { detector: detectorDir, predictions, errors };
  } finally {
    detector.dispose();
  }
}
