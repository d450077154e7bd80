// `ssad evaluate`: re-scores a finished run's trained network with other evaluation settings. The results go to
// <run>/evaluations/<settings> (or --out) so the detector `predict` uses is never replaced behind the user's back;
// --save writes them over the run's own, all files together.
import path from 'node:path';
import {
  CAM_STAGES, EMBEDDINGS, IMAGE_SCORES, LOCALIZATIONS, PATCH_SAMPLINGS, PATCH_STAGES, THRESHOLD_ESTIMATE_NAMES, UsageError, evaluateRun, formatHelp, parseArgs, type ArgSpec, type CamStage,
  type EmbeddingName, type ImageScoreName, type Localization, type PatchSampling, type PatchStage, type ProgressRenderer, type ThresholdEstimateName,
} from '@ssad/pipeline';
import type { Io } from './io.js';
import { summaryLine } from './summary.js';

const AS_TRAINED = 'the one trained with';
export const EVALUATE_ARGS: ArgSpec[] = [
  { name: 'run', type: 'string', path: 'dir', help: 'a finished train output folder' },
  { name: 'embedding', type: 'string', choices: EMBEDDINGS, default: AS_TRAINED, help: 'score another embedding' },
  { name: 'cam-stage', type: 'string', choices: CAM_STAGES, default: AS_TRAINED, help: 'GradCAM stage' },
  { name: 'localization', type: 'string', choices: LOCALIZATIONS, default: AS_TRAINED, help: 'headline localisation' },
  { name: 'image-score', type: 'string', choices: IMAGE_SCORES, default: AS_TRAINED, help: 'image score the detector decides on' },
  { name: 'threshold-estimate', type: 'string', choices: THRESHOLD_ESTIMATE_NAMES, default: AS_TRAINED, help: 'estimate the threshold quantile empirically or from a normal fit' },
  { name: 'patch-sampling', type: 'string', choices: PATCH_SAMPLINGS, default: AS_TRAINED, help: 'rebuild the patch bank with this subsampling' },
  { name: 'patch-fraction', type: 'number', min: 1e-6, max: 1, default: AS_TRAINED, help: 'rebuild the patch bank keeping this fraction of training patches' },
  { name: 'patch-stages', type: 'list', choices: PATCH_STAGES, default: AS_TRAINED, help: 'rebuild the patch bank from these backbone stages (comma-separated)' },
  { name: 'image-patch-stages', type: 'list', choices: PATCH_STAGES, default: AS_TRAINED, help: 'rebuild the image-score patch bank from these stages (the same as the maps\' stages: one bank)' },
  { name: 'out', type: 'string', path: 'out', default: '<run>/evaluations/<changed settings>', help: 'where the re-evaluated detector, metrics and report go' },
  { name: 'save', type: 'flag', help: "replace the run's own detector, metrics, options and report (what predict and export use)" },
  { name: 'help', type: 'flag', help: 'show this help' },
];

export async function evaluateCommand(argv: readonly string[], io: Io, r: ProgressRenderer): Promise<number> {
  const { options, positionals } = parseArgs(argv, EVALUATE_ARGS);
  if (options.help) {
    io.write(formatHelp('usage: ssad evaluate --run <train output folder> [--save | --out <dir>] [options]', EVALUATE_ARGS));
    return 0;
  }
  const run = typeof options.run === 'string' ? options.run : positionals[0];
  if (!run) throw new UsageError('--run <train output folder> is required');
  const { metrics, outDir } = await evaluateRun(
    path.resolve(run),
    { onEvent: (e) => r.handle(e), signal: io.signal },
    {
      embedding: options.embedding as EmbeddingName | undefined,
      camStage: options['cam-stage'] as CamStage | undefined,
      localization: options.localization as Localization | undefined,
      imageScore: options['image-score'] as ImageScoreName | undefined,
      thresholdEstimate: options['threshold-estimate'] as ThresholdEstimateName | undefined,
      patchSampling: options['patch-sampling'] as PatchSampling | undefined,
      patchFraction: options['patch-fraction'] as number | undefined,
      patchStages: options['patch-stages'] as PatchStage[] | undefined,
      imagePatchStages: options['image-patch-stages'] as PatchStage[] | undefined,
    },
    { save: options.save === true, outDir: typeof options.out === 'string' ? path.resolve(options.out) : undefined },
  );
  r.line(summaryLine(metrics, outDir));
  if (!options.save) r.line(`the run's own detector is unchanged; predict with --detector ${path.join(outDir, 'detector')}, or rerun with --save to replace it`);
  return 0;
}
