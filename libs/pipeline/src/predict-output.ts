// The files of one prediction, all at the input image's own resolution: the overlay with score and colour bar
// (PNG), the binary mask at the pixel threshold (PNG, 0/255) and the raw anomaly map (float32 .npy).
import path from 'node:path';
import type { PixelImage } from '@ssad/augment';
import { cropToContent, encodePng, type ContentBox } from '@ssad/data';
import { ensureFolder, writeFileAtomic } from '@ssad/models';
import { normalizeMap, renderPrediction, resizeMap, type MapRange } from '@ssad/viz';
import { writeNpy } from './npy.js';

export interface PredictionFiles {
  overlay: string;
  mask: string;
  map: string;
}

export interface PredictionView {
  /** The decoded input as it was, before fitting to the detector's size. */
  image: PixelImage;
  /** The detector's map (size × size) and where the input lies in it. */
  map: Float32Array;
  size: number;
  content: ContentBox;
  range: MapRange;
  pixelThreshold: number;
  text: string;
  anomalous: boolean;
}

/** Writes the three files under `outDir` (overlays/, masks/, maps/) named `stem`; returns their relative paths. */
export async function writePredictionFiles(outDir: string, stem: string, v: PredictionView): Promise<PredictionFiles> {
  const files = { overlay: path.join('overlays', `${stem}.png`), mask: path.join('masks', `${stem}.png`), map: path.join('maps', `${stem}.npy`) };
  for (const f of Object.values(files)) ensureFolder(path.join(outDir, path.dirname(f)));
  const { width, height } = v.image;
  // Back to the input's frame: the padding (fit 'pad') cut away, then resampled like the data loader resamples.
  const content = cropToContent(v.map, v.size, v.content);
  const raw = resizeMap(content, v.content.width, v.content.height, width, height);
  const mask = Uint8Array.from(raw, (x) => (x >= v.pixelThreshold ? 1 : 0));
  const heatmap = normalizeMap(raw, v.range).map((x) => Math.min(1, Math.max(0, x)));
  writeFileAtomic(
    path.join(outDir, files.overlay),
    renderPrediction({ image: v.image, heatmap, range: v.range, mask, pixelThreshold: v.pixelThreshold, text: v.text, anomalous: v.anomalous }),
  );
  writeFileAtomic(path.join(outDir, files.mask), await encodePng({ width, height, channels: 1, data: mask.map((m) => m * 255) }));
  writeNpy(path.join(outDir, files.map), raw, [height, width]);
  return files;
}
