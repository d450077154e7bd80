// The experiment's command-line options, shared by both apps so `--image-size` means the same everywhere.
import type { ArgSpec, ParsedValue } from './args.js';
import { CAM_STAGES, EMBEDDINGS, FITS, PRESET_NAMES, FROZEN_BATCH_NORM, IMAGE_SCORES, LOCALIZATIONS, PATCH_SAMPLINGS, type ExperimentOptions } from './options.js';

export const EXPERIMENT_ARGS: readonly ArgSpec[] = [
  { name: 'data', type: 'string', help: 'MVTec-layout dataset root (default: the synthetic dataset)' },
  { name: 'preset', type: 'string', choices: PRESET_NAMES, help: 'settings preset (default paper: 256 px, batch 96, 30+20 epochs; quick: 128 px, 3 short stage-1 epochs; dense: quick at 256 px)' },
  { name: 'image-size', type: 'int', min: 32, max: 1024, help: 'square input size in pixels' },
  { name: 'fit', type: 'string', choices: FITS, help: "other aspect ratios: 'squash' to the square (default) or 'pad' (aspect kept, mirrored padding, metrics on the image only)" },
  { name: 'weights', type: 'string', help: 'safetensors backbone weights (torchvision names), loaded non-strictly' },
  { name: 'batch-size', type: 'int', min: 2, max: 1024, help: 'pretext batch size' },
  { name: 'frozen-epochs', type: 'int', min: 0, max: 1000, help: 'stage 1 epochs (layers loaded from --weights frozen)' },
  { name: 'full-epochs', type: 'int', min: 0, max: 1000, help: 'stage 2 epochs (everything trainable)' },
  { name: 'lr-frozen', type: 'number', min: 1e-7, max: 10, help: 'stage 1 learning rate' },
  { name: 'lr-full', type: 'number', min: 1e-7, max: 10, help: 'stage 2 learning rate' },
  { name: 'frozen-bn', type: 'string', choices: FROZEN_BATCH_NORM, help: "stage 2 BatchNorm: 'pretrained' keeps those loaded from --weights on running statistics (default), 'none' uses batch statistics" },
  { name: 'samples-per-epoch', type: 'int', min: 1, max: 1e7, help: 'pretext samples per epoch' },
  { name: 'embedding', type: 'string', choices: EMBEDDINGS, help: 'embedding the detector scores (all are evaluated)' },
  { name: 'cam-stage', type: 'string', choices: CAM_STAGES, help: 'stage GradCAM differentiates at (default layer3)' },
  { name: 'localization', type: 'string', choices: LOCALIZATIONS, help: 'maps behind the pixel metrics and heatmaps (default patch; both are evaluated)' },
  { name: 'image-score', type: 'string', choices: IMAGE_SCORES, help: 'image score the threshold and F1 follow (default fused; all are evaluated)' },
  { name: 'patch-sampling', type: 'string', choices: PATCH_SAMPLINGS, help: 'patch memory bank subsampling (default coreset: greedy k-center)' },
  { name: 'patch-fraction', type: 'number', min: 1e-6, max: 1, help: 'fraction of training patches kept in the bank (default 0.01)' },
  { name: 'figure-images', type: 'int', min: 0, max: 1000, help: 'test images shown in the GradCAM figures' },
  { name: 'tsne-per-group', type: 'int', min: 0, max: 10000, help: 'points per group in the t-SNE figure (0: no t-SNE)' },
  { name: 'out', type: 'string', help: 'output folder' },
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
  'patch-sampling': 'patchSampling',
  'patch-fraction': 'patchFraction',
  'figure-images': 'figureImages',
  'tsne-per-group': 'tsnePerGroup',
  seed: 'seed',
  category: 'category',
  out: 'outDir',
};

/** Parsed option values → ExperimentOptions fields (only those given). */
export function experimentOverrides(options: Record<string, ParsedValue>): Partial<ExperimentOptions> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(options)) if (name in KEYS) out[KEYS[name]] = value;
  return out as Partial<ExperimentOptions>;
}
