// predict: score new images with a saved detector; predictions.json (score, decision, path) and heatmap
// overlays. A file that cannot be read is reported in `errors` and the others are still scored.
import fs from 'node:fs';
import path from 'node:path';
import type { PixelImage } from '@ssad/augment';
import { IMAGE_EXTENSIONS, decodeImage, resizeImage, writePng } from '@ssad/data';
import { initBackend } from '@ssad/models';
import { normalizeMap, overlayHeatmap } from '@ssad/viz';
import { loadDetector, scoreWithDetector } from './detector.js';
import type { OnEvent } from './events.js';
import { writeJsonAtomic } from './run-metrics.js';

export interface Prediction {
  path: string;
  score: number;
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
  const detector = loadDetector(detectorDir);
  try {
    const size = detector.info.imageSize;
    const { files, errors } = collectImages(inputs);
    const images: PixelImage[] = [];
    const ok: string[] = [];
    for (const file of files) {
      try {
        const img = await decodeImage(file, { channels: 3 });
        images.push(img.width === size && img.height === size ? img : resizeImage(img, size, size));
        ok.push(file);
      } catch (err) {
        errors.push({ path: file, error: (err as Error).message });
      }
    }
    const predictions: Prediction[] = [];
    fs.mkdirSync(path.join(outDir, 'heatmaps'), { recursive: true });
    if (images.length > 0) {
      const r = await scoreWithDetector(detector, images, 16, (done, total) => hooks.onEvent?.({ kind: 'count', phase: 'predict', done, total }));
      for (let i = 0; i < images.length; i++) {
        const heatmap = path.join('heatmaps', `${String(i).padStart(4, '0')}_${path.basename(ok[i]).replace(/\.[^.]+$/, '')}.png`);
        const norm = normalizeMap(r.maps[i], detector.info.mapRange).map((v) => Math.min(1, Math.max(0, v)));
        await writePng(path.join(outDir, heatmap), overlayHeatmap(images[i], norm));
        predictions.push({ path: ok[i], score: r.scores[i], decision: r.scores[i] >= detector.info.threshold ? 'anomalous' : 'normal', heatmap });
      }
    }
    writeJsonAtomic(path.join(outDir, 'predictions.json'), {
      detector: detectorDir,
      threshold: detector.info.threshold,
      embedding: detector.info.embedding,
      imageSize: size,
      predictions,
      errors,
    });
    return { predictions, errors };
  } finally {
    detector.network.dispose();
  }
}
