// A resumed run must train exactly what its checkpoint started: every setting that shapes the training (data,
// image size, fit, weights, seed, the preset's training values) is recorded beside the checkpoint and compared on
// --resume. Evaluation-only settings (embedding, image score, figures…) may change: they apply after training.
import fs from 'node:fs';
import path from 'node:path';
import { ensureFolder } from '@ssad/models';
import { flagOf } from './cli-options.js';
import { DEFAULTS, type ExperimentOptions } from './options.js';
import { writeJsonAtomic } from './run-metrics.js';

export const TRAINING_KEYS = [
  'dataRoot', 'folders', 'category', 'imageSize', 'fit', 'weights', 'seed', 'batchSize', 'frozenEpochs', 'fullEpochs', 'lrFrozen', 'lrFull',
  'samplesPerEpoch', 'frozenBatchNorm', 'validationFraction',
] as const satisfies readonly (keyof ExperimentOptions)[];

/** The checkpoint's record of what it is training. */
export const TRAINING_SETTINGS_FILE = 'settings.json';

export function trainingSettings(o: ExperimentOptions): Record<string, unknown> {
  return Object.fromEntries(TRAINING_KEYS.map((k) => [k, o[k] ?? null]));
}

export function writeTrainingSettings(checkpointDir: string, o: ExperimentOptions): void {
  ensureFolder(checkpointDir);
  writeJsonAtomic(path.join(checkpointDir, TRAINING_SETTINGS_FILE), trainingSettings(o));
}

/**
 * What the checkpoint was trained with: its settings.json, else (checkpoints of earlier versions) the run's
 * options.json, which was then written when training started. Undefined when neither exists.
 */
export function readTrainingSettings(checkpointDir: string): Record<string, unknown> | undefined {
  const own = path.join(checkpointDir, TRAINING_SETTINGS_FILE);
  if (fs.existsSync(own)) return JSON.parse(fs.readFileSync(own, 'utf8')) as Record<string, unknown>;
  const legacy = path.join(path.dirname(checkpointDir), 'options.json');
  // Options added since (e.g. fit) had their defaults in those runs.
  if (fs.existsSync(legacy)) return trainingSettings({ ...DEFAULTS, ...(JSON.parse(fs.readFileSync(legacy, 'utf8')) as ExperimentOptions) });
  return undefined;
}

const show = (v: unknown) => (v === null ? 'unset' : typeof v === 'string' ? v : JSON.stringify(v));

/** One line per training setting that differs, e.g. "--image-size: 128 in the checkpoint, 64 now". */
export function settingDifferences(saved: Record<string, unknown>, now: ExperimentOptions): string[] {
  const current = trainingSettings(now);
  return TRAINING_KEYS.filter((k) => JSON.stringify(saved[k] ?? null) !== JSON.stringify(current[k])).map(
    (k) => `${flagOf(k)}: ${show(saved[k] ?? null)} in the checkpoint, ${show(current[k])} now`,
  );
}
