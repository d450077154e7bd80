// predict: score new images with a saved detector; predictions.json (every image score, decision, path) and
// heatmap overlays of the run's localisation (patch maps, or GradCAM for detectors without a patch density).
// A file that cannot be read is reported in `errors` and the others are still scored.
import fs from 'node:fs';
import path from 'node:path';
import type { PixelImage } from '@ssad/augment';
import { IMAGE_EXTENSIONS, decodeImage, fitPixels, writePng } from '@ssad/data';
import { initBackend } from '@ssad/models';
import { normalizeMap, overlayHeatmap } from '@ssad/viz';
import { localisationMaps } from './cam.js';
import type { OnEvent } from './events.js';
import { writeJsonAtomic } from './run-metrics.js';
import { loadRunDetector } from './saved-detector.js';

export interface Prediction {
  path: string;
  /** The detector's chosen image score (`imageScore` in predictions.json); the threshold applies to it. */
  score: number;
  /** Every image score the detector has (gaussian always; patch and fused with a patch density). */
  scores: { gaussian: number; patch?: number; fused?: number };
  decision: 'anomalous' | 'normal';
  /** Overlay PNG, relative to the output folder. */
  heatmap: string;
}

export interface PredictResult {
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

export async function predictImages(
  detectorDir: string,
  inputs: readonly string[],
  outDir: string,
  hooks: { onEvent?: OnEvent } = {},
): Promise<PredictResult> {
  await initBackend();
  const { detector, embedding, meta } = loadRunDetector(detectorDir);
  try {
    // The trainer writes square detectors.
    const size = detector.imageSize.width;
    const { files, errors } = collectImages(inputs);
    const images: PixelImage[] = [];
    const ok: string[] = [];
    for (const file of files) {
      try {
        const img = await decodeImage(file, { channels: 3 });
        images.push(fitPixels(img, size, size, meta.fit ?? 'squash').image);
        ok.push(file);
      } catch (err) {
        errors.push({ path: file, error: (err as Error).message });
      }
    }
    const predictions: Prediction[] = [];
    fs.mkdirSync(path.join(outDir, 'heatmaps'), { recursive: true });
    if (images.length > 0) {
      const all = detector.scoreAll(images);
      const usePatch = meta.localization === 'patch' && all.maps !== undefined;
      const maps = usePatch
        ? all.maps!.maps
        : await localisationMaps(detector.network, embedding, detector.density, meta.camStage, images, 16, (done, total) =>
            hooks.onEvent?.({ kind: 'count', phase: 'predict', done, total }),
          );
      const range = usePatch ? meta.patchMapRange! : meta.mapRange;
      for (let i = 0; i < images.length; i++) {
        const heatmap = path.join('heatmaps', `${String(i).padStart(4, '0')}_${path.basename(ok[i]).replace(/\.[^.]+$/, '')}.png`);
        const norm = normalizeMap(maps[i], range).map((v) => Math.min(1, Math.max(0, v)));
        await writePng(path.join(outDir, heatmap), overlayHeatmap(images[i], norm));
        const score = all.score[i];
        const scores = { gaussian: all.gaussian[i], patch: all.patch?.[i], fused: all.fused?.[i] };
        predictions.push({ path: ok[i], score, scores, decision: score >= detector.threshold ? 'anomalous' : 'normal', heatmap });
      }
    }
    writeJsonAtomic(path.join(outDir, 'predictions.json'), {
      detector: detectorDir,
      threshold: detector.threshold,
      imageScore: detector.imageScore.kind,
      localization: meta.localization,
      embedding,
      imageSize: size,
      predictions,
      errors,
    });
    return { predictions, errors };
  } finally {
    detector.dispose();
  }
}
