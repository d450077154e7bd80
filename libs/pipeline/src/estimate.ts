// The line a run starts with: the preset, what it trains and a rough training time, so that the `paper` preset's
// hour and more on a small machine is said before it is spent, with the faster presets named.
import { defaultSamplesPerEpoch } from '@ssad/models';
import { formatDuration } from './progress.js';
import type { ExperimentOptions } from './options.js';

/**
 * Pretext samples per second at `imageSize` on a 2-core CPU with the native backend: about 12 at 256 px (measured,
 * apps/benchmark/README.md), scaling with the pixel count, and no faster than about 60 at small sizes, where
 * per-step overhead dominates.
 */
export function samplesPerSecond(imageSize: number): number {
  return Math.min(60, 12 * (256 / imageSize) ** 2);
}

export function trainingSeconds(o: ExperimentOptions, trainImages: number): number {
  const samples = o.samplesPerEpoch ?? defaultSamplesPerEpoch(trainImages);
  return ((o.frozenEpochs + o.fullEpochs) * samples) / samplesPerSecond(o.imageSize);
}

export function presetNotice(o: ExperimentOptions, trainImages: number): string {
  const samples = o.samplesPerEpoch ?? defaultSamplesPerEpoch(trainImages);
  const line =
    `preset ${o.preset}: ${o.imageSize} px, ${o.frozenEpochs}+${o.fullEpochs} epochs × ${samples} samples, batch ${o.batchSize}; ` +
    `training ≈ ${formatDuration(trainingSeconds(o, trainImages))} on a 2-core CPU`;
  return o.preset === 'paper'
    ? `${line} (the reference settings; for a first look use --preset quick, about a minute, or --preset dense for sharper maps at 256 px)`
    : line;
}
