// export: a run's detector as a self-contained scoring bundle (@ssad/models' format: the detector folder plus
// bundle.json with the fit, the 0–1 score's scale, the patch maps' range and pixel threshold, the validation
// scores behind the threshold, and provenance),
// which Node loads with readBundle and a browser with ScoringBundle.fromFiles.
import fs from 'node:fs';
import path from 'node:path';
import { initBackend, writeBundle, type JsonValue } from '@ssad/models';
import { resolveDetectorDir } from './detector-path.js';
import { RUN_FILES } from './run-folder.js';
import { readRunMetrics } from './run-metrics.js';
import { loadRunDetector } from './saved-detector.js';
import { softwareVersions } from './versions.js';

export interface ExportResult {
  detector: string;
  outDir: string;
  files: string[];
}

export async function exportBundle(detectorPath: string, outDir: string): Promise<ExportResult> {
  const detectorDir = resolveDetectorDir(detectorPath);
  if (path.resolve(outDir) === path.resolve(detectorDir)) throw new Error(`${outDir}: is the detector folder itself; choose another --out`);
  const backend = await initBackend();
  const { detector, meta } = loadRunDetector(detectorDir);
  try {
    const manifest = path.join(detectorDir, 'detector.json');
    if (meta.scoreStd === undefined || meta.pixelThreshold === undefined)
      throw new Error(`${manifest}: saved before score scales and pixel thresholds; re-evaluate its run with \`ssad evaluate --run <run> --save\`, then export`);
    // The run's headline numbers travel with the bundle, so whoever loads it knows what it measured.
    const metrics = readRunMetrics(path.join(path.dirname(detectorDir), RUN_FILES.metrics));
    const measured: Record<string, JsonValue> | null = metrics && {
      dataset: metrics.dataset, imageScore: metrics.imageScore, imageAuroc: metrics.imageAuroc, f1AtThreshold: metrics.f1AtThreshold,
      pixelAuroc: metrics.pixelAuroc, aupro: metrics.aupro, testImages: metrics.counts.test,
    };
    writeBundle(outDir, detector, {
      fit: meta.fit ?? 'squash',
      scoreScale: meta.scoreStd,
      maps: detector.patch && meta.patchMapRange ? { range: meta.patchMapRange, pixelThreshold: meta.pixelThreshold.patch } : undefined,
      validationScores: meta.validationScores,
      metadata: {
        category: meta.category, seed: meta.seed, trainedAt: meta.createdAt, exportedAt: new Date().toISOString(),
        versions: { ...softwareVersions(), backend: backend.backend }, metrics: measured,
      },
    });
    return { detector: detectorDir, outDir, files: fs.readdirSync(outDir).sort() };
  } finally {
    detector.dispose();
  }
}
