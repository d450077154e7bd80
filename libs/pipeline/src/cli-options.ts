// The experiment's command-line options, shared by both apps so `--image-size` means the same everywhere.
import { UsageError, type ArgSpec, type ParsedValue } from './args.js';
import {
  CAM_STAGES, DEFAULT_PRESET, DEFAULTS, EMBEDDINGS, FITS, PRESET_NAMES, PRESETS, FROZEN_BATCH_NORM, IMAGE_SCORES, LOCALIZATIONS, PATCH_SAMPLINGS, PATCH_STAGES, THRESHOLD_ESTIMATE_NAMES,
  type ExperimentOptions, type Preset,
} from './options.js';

const stageList = (v: unknown) => (v as string[]).join(',');

/** --help's default for an option a preset sets: each preset's value. */
function fromPreset(key: keyof Preset, show: (v: unknown) => string = String): string {
  return `from --preset: ${PRESET_NAMES.map((p) => `${p} ${show(PRESETS[p][key])}`).join(', ')}`;
}

export const EXPERIMENT_ARGS: readonly ArgSpec[] = [
  { name: 'data', type: 'string', path: 'dir', default: 'the synthetic dataset', help: 'MVTec-layout dataset root (<root>/<category>/train/good, test/<type>, ground_truth/ optional), or one category folder' },
  { name: 'preset', type: 'string', choices: PRESET_NAMES, default: DEFAULT_PRESET, help: 'settings preset (paper: 256 px, batch 96, 30+20 epochs, over an hour on 2 cores; quick: 128 px, 3 short stage-1 epochs, about a minute; dense: quick at 256 px)' },
  { name: 'image-size', type: 'int', min: 32, max: 1024, default: fromPreset('imageSize'), help: 'square input size in pixels' },
  { name: 'fit', type: 'string', choices: FITS, default: DEFAULTS.fit, help: "other aspect ratios: 'squash' to the square or 'pad' (aspect kept, mirrored padding, metrics on the image only)" },
  { name: 'weights', type: 'string', path: 'file', default: 'random initialisation', help: 'safetensors backbone weights (torchvision names), loaded non-strictly' },
  { name: 'batch-size', type: 'int', min: 2, max: 1024, default: fromPreset('batchSize'), help: 'pretext batch size' },
  { name: 'frozen-epochs', type: 'int', min: 0, max: 1000, default: fromPreset('frozenEpochs'), help: 'stage 1 epochs (layers loaded from --weights frozen)' },
  { name: 'full-epochs', type: 'int', min: 0, max: 1000, default: fromPreset('fullEpochs'), help: 'stage 2 epochs (everything trainable)' },
  { name: 'lr-frozen', type: 'number', min: 1e-7, max: 10, default: fromPreset('lrFrozen'), help: 'stage 1 learning rate' },
  { name: 'lr-full', type: 'number', min: 1e-7, max: 10, default: fromPreset('lrFull'), help: 'stage 2 learning rate' },
  { name: 'frozen-bn', type: 'string', choices: FROZEN_BATCH_NORM, default: DEFAULTS.frozenBatchNorm, help: "stage 2 BatchNorm: 'pretrained' keeps those loaded from --weights on running statistics, 'none' uses batch statistics, 'measured' re-parametrises the loaded ones from the training images' statistics first, then uses batch statistics" },
  {
    name: 'samples-per-epoch', type: 'int', min: 1, max: 1e7, help: 'pretext samples per epoch',
    default: fromPreset('samplesPerEpoch', (v) => (v === undefined ? 'the training images repeated to ≥ 1,000' : String(v))),
  },
  { name: 'embedding', type: 'string', choices: EMBEDDINGS, default: DEFAULTS.embedding, help: 'embedding the detector scores (all are evaluated)' },
  { name: 'cam-stage', type: 'string', choices: CAM_STAGES, default: DEFAULTS.camStage, help: 'stage GradCAM differentiates at' },
  { name: 'localization', type: 'string', choices: LOCALIZATIONS, default: DEFAULTS.localization, help: 'maps behind the pixel metrics and heatmaps (both are evaluated)' },
  { name: 'image-score', type: 'string', choices: IMAGE_SCORES, default: DEFAULTS.imageScore, help: 'image score the threshold and F1 follow (all are evaluated)' },
  {
    name: 'threshold-estimate', type: 'string', choices: THRESHOLD_ESTIMATE_NAMES, default: DEFAULTS.thresholdEstimate,
    help: "how the decision threshold, the 0.99 quantile of the validation normal images' scores, is estimated: 'normal' (mean + 2.33 std, steadier with few images) or 'quantile' (empirical)",
  },
  { name: 'patch-sampling', type: 'string', choices: PATCH_SAMPLINGS, default: DEFAULTS.patchSampling, help: 'patch memory bank subsampling (coreset: greedy k-center)' },
  { name: 'patch-stages', type: 'list', choices: PATCH_STAGES, default: fromPreset('patchStages', stageList), help: 'comma-separated backbone stages of the patch features behind the maps (layer1 adds a 64 × 64 grid at 256 px: sharper maps, ~4× slower scoring)' },
  {
    name: 'image-patch-stages', type: 'list', choices: PATCH_STAGES, default: `${fromPreset('imagePatchStages', (v) => (v === undefined ? 'as --patch-stages' : stageList(v)))}`,
    help: 'stages of a second patch bank whose map maximum is the patch image score (the same stages as --patch-stages: one bank does both)',
  },
  { name: 'patch-fraction', type: 'number', min: 1e-6, max: 1, default: String(DEFAULTS.patchFraction), help: 'fraction of training patches kept in the bank' },
  { name: 'figure-images', type: 'int', min: 0, max: 1000, default: fromPreset('figureImages'), help: 'test images shown in the heatmap figures' },
  { name: 'tsne-per-group', type: 'int', min: 0, max: 10000, default: fromPreset('tsnePerGroup'), help: 'points per group in the t-SNE figure (0: no t-SNE)' },
  { name: 'out', type: 'string', path: 'out', default: './runs/<category> (ssad train), ./runs/benchmark-<preset> (ssad-benchmark)', help: 'output folder' },
];

const KEYS: Record<string, keyof ExperimentOptions> = {
  data: 'dataRoot',
  preset: 'preset',
  'image-size': 'imageSize',
  fit: 'fit',
  weights: 'weights',
  'batch-size': 'batchSize',
  'frozen-epochs': 'frozenEpochs',
  'full-epochs': 'fullEpochs',
  'lr-frozen': 'lrFrozen',
  'lr-full': 'lrFull',
  'frozen-bn': 'frozenBatchNorm',
  'samples-per-epoch': 'samplesPerEpoch',
  embedding: 'embedding',
  'cam-stage': 'camStage',
  localization: 'localization',
  'image-score': 'imageScore',
  'threshold-estimate': 'thresholdEstimate',
  'patch-sampling': 'patchSampling',
  'patch-fraction': 'patchFraction',
  'patch-stages': 'patchStages',
  'image-patch-stages': 'imagePatchStages',
  'figure-images': 'figureImages',
  'tsne-per-group': 'tsnePerGroup',
  seed: 'seed',
  category: 'category',
  out: 'outDir',
};

const FIELDS = Object.fromEntries(Object.entries(KEYS).map(([flag, key]) => [key, flag]));

/** The command-line spelling of an ExperimentOptions field (e.g. imageSize → --image-size), for messages. */
export function flagOf(key: keyof ExperimentOptions): string {
  const flag = FIELDS[key];
  return flag ? `--${flag}` : key;
}

/**
 * resolveOptions' error as the command line says it: its leading field name as the option (`imageSize must be …`
 * → `--image-size must be …`), so every refused value names the option that was given.
 */
export function optionError(err: unknown): UsageError {
  const message = err instanceof Error ? err.message : String(err);
  return new UsageError(message.replace(/^(\w+)(?= must )/, (k) => (k in FIELDS ? flagOf(k as keyof ExperimentOptions) : k)));
}

/** Parsed option values → ExperimentOptions fields (only those given). */
export function experimentOverrides(options: Record<string, ParsedValue>): Partial<ExperimentOptions> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) if (name in KEYS) out[KEYS[name]] = value;
  return out as Partial<ExperimentOptions>;
}
