// The experiment's options: one preset gives every default, explicit values override it, and everything is
// validated here so both apps fail the same way on the same bad value.
import { FIT_MODES, type FitMode } from '@ssad/data';
import { IMAGE_SCORE_KINDS, THRESHOLD_ESTIMATES, type ImageScoreKind, type ThresholdEstimate } from '@ssad/models';

export type PresetName = 'paper' | 'quick' | 'dense';
export const PRESET_NAMES: readonly PresetName[] = ['paper', 'quick', 'dense'];
/** Which embedding the Gaussian density scores: the backbone's pooled layer4 (512-d), the projection head's
 * output (128-d), or globally pooled layer2+layer3 features (384-d, the ImageNet-feature baseline). */
export type EmbeddingName = 'pooled' | 'head' | 'layer23';
export const EMBEDDINGS: readonly EmbeddingName[] = ['pooled', 'head', 'layer23'];
/** Where GradCAM cuts the network (see cam.ts). */
export type CamStage = 'layer2' | 'layer3';
export const CAM_STAGES: readonly CamStage[] = ['layer2', 'layer3'];
/**
 * Stage 2's BatchNorms: those loaded from --weights kept on running statistics ('pretrained'), all on batch
 * statistics ('none'), or all on batch statistics after the loaded ones are re-parametrised from statistics measured
 * on the training images ('measured', models' reparametrizeBatchNorm: the shared weights have BatchNorm folded in).
 */
export type FrozenBatchNorm = 'pretrained' | 'none' | 'measured';
export const FROZEN_BATCH_NORM: readonly FrozenBatchNorm[] = ['pretrained', 'none', 'measured'];
/** Which maps the headline pixel metrics and the detector's heatmaps use; both are always evaluated. */
export type Localization = 'patch' | 'gradcam';
export const LOCALIZATIONS: readonly Localization[] = ['patch', 'gradcam'];
/** The image score the threshold and F1 follow: global Gaussian, maximum of the patch map, or their z-score sum. */
export type ImageScoreName = ImageScoreKind;
export const IMAGE_SCORES = IMAGE_SCORE_KINDS;
/** How the patch memory bank is subsampled (models' PatchDensity sampling). */
export type PatchSampling = 'coreset' | 'random' | 'all';
export const PATCH_SAMPLINGS: readonly PatchSampling[] = ['coreset', 'random', 'all'];
/** Backbone stages the patch features are read from (models' PatchDensity `stages`). */
export type PatchStage = 'layer1' | 'layer2' | 'layer3';
export const PATCH_STAGES: readonly PatchStage[] = ['layer1', 'layer2', 'layer3'];
/** How the threshold quantile of the validation scores is estimated (models' thresholdOf). */
export type ThresholdEstimateName = ThresholdEstimate;
export const THRESHOLD_ESTIMATE_NAMES = THRESHOLD_ESTIMATES;
/** How images of another aspect ratio become square inputs. */
export type FitName = FitMode;
export const FITS = FIT_MODES;

export interface Preset {
  imageSize: number;
  batchSize: number;
  frozenEpochs: number;
  fullEpochs: number;
  lrFrozen: number;
  lrFull: number;
  /** Pretext samples per epoch (undefined: the models default, training images repeated to ≥ 1,000). */
  samplesPerEpoch?: number;
  /** Test images rendered in gradcam/heatmap_and_masks_N.png (all test images get maps for the metrics). */
  figureImages: number;
  /** Points per group in the t-SNE figure. */
  tsnePerGroup: number;
  /**
   * Stages of the patch features behind the maps, finest first; the grid is the finest one's (layer1: 64 × 64 at
   * 256 px, layer2: 32 × 32). Adding layer1 sharpens the maps (bottle AU-PRO 0.936 → 0.956) at about 4× the scoring
   * time, and lowers the maps' maxima as an image score (magnetic tile 0.977 → 0.967 fused).
   */
  patchStages: PatchStage[];
  /**
   * Stages of a second patch bank that only gives the patch image score (its map maximum); undefined or equal to
   * `patchStages`: one bank gives both.
   */
  imagePatchStages?: PatchStage[];
}

/**
 * `paper`: the reference settings. `quick`: sized for a 2-core CPU (measured, see apps/benchmark/README.md): 128 px,
 * 3 × 512 samples of stage 1 only. `dense`: quick's training at 256 px, the resolution the patch maps need (AU-PRO
 * on bottle 0.85 at 128 px, 0.94 at 256), without the t-SNE figure (the slowest figure on large test sets), with
 * layer1–3 maps and a layer2+3 image-score bank (bottle AU-PRO 0.937 → 0.955; magnetic tile 0.740 → 0.765 at the
 * same image AUROC). Stage 1 freezes only the layers loaded from --weights, so without weights it trains the whole
 * network; with the ImageNet layer1–3 weights a stage-2 epoch lowered bottle's AUROC (0.994 → 0.981).
 */
const QUICK: Readonly<Preset> = {
  imageSize: 128,
  batchSize: 32,
  frozenEpochs: 3,
  fullEpochs: 0,
  lrFrozen: 0.003,
  lrFull: 0.001,
  samplesPerEpoch: 512,
  figureImages: 8,
  tsnePerGroup: 60,
  patchStages: ['layer2', 'layer3'],
};

export const PRESETS: Readonly<Record<PresetName, Readonly<Preset>>> = {
  paper: {
    imageSize: 256,
    batchSize: 96,
    frozenEpochs: 30,
    fullEpochs: 20,
    lrFrozen: 0.003,
    lrFull: 0.001,
    figureImages: 16,
    tsnePerGroup: 150,
    patchStages: ['layer2', 'layer3'],
  },
  quick: QUICK,
  dense: { ...QUICK, imageSize: 256, tsnePerGroup: 0, patchStages: ['layer1', 'layer2', 'layer3'], imagePatchStages: ['layer2', 'layer3'] },
};

/** Own data as plain folders (the trainer's --train / --test-good / --test-defect / --masks). */
export interface FolderData {
  /** Good images to train on (a share is held out for validation). */
  train: string;
  /** Good test images; without them a seeded 20% of `train` is tested instead. */
  testGood?: string;
  /** Defective test images, one folder per defect type (named after the folder). */
  testDefect: string[];
  /** Ground-truth masks, one folder per `testDefect` folder (`<stem>.png` or `<stem>_mask.png`); none: image metrics only. */
  masks?: string[];
}

export interface ExperimentOptions extends Preset {
  preset: PresetName;
  /** MVTec-layout root; undefined (and no `folders`) means the synthetic dataset. */
  dataRoot?: string;
  /** Plain folders instead of an MVTec-layout root. */
  folders?: FolderData;
  category: string;
  seed: number;
  /** safetensors file with torchvision names, loaded non-strictly (e.g. ImageNet weights up to layer3). */
  weights?: string;
  /** Stage 2 keeps the BatchNorms loaded from --weights in inference mode ('pretrained', default) or not ('none'). */
  frozenBatchNorm: FrozenBatchNorm;
  /** The embedding the saved detector scores; every embedding is still evaluated and reported. */
  embedding: EmbeddingName;
  /** The stage GradCAM differentiates at (localisation maps for pixel AUROC / AU-PRO and the heatmaps). */
  camStage: CamStage;
  /** Share of the normal training images held out to choose the decision threshold. */
  validationFraction: number;
  /** Quantile of the validation scores used as the decision threshold. */
  thresholdQuantile: number;
  /**
   * How that quantile is estimated: 'normal' (mean + Φ⁻¹(q)·std, the default: steadier with tens of validation
   * images; magnetic tile F1 at the threshold 0.748 → 0.877) or 'quantile' (empirical).
   */
  thresholdEstimate: ThresholdEstimateName;
  /** Maps behind the headline pixel metrics and the saved heatmaps (both methods are evaluated). */
  localization: Localization;
  /** The image score the detector decides on (all three are evaluated). */
  imageScore: ImageScoreName;
  /** Patch memory bank subsampling and the fraction of training patches it keeps. */
  patchSampling: PatchSampling;
  patchFraction: number;
  /** Resolved: the preset's, the option's, or else `patchStages` (one bank). */
  imagePatchStages: PatchStage[];
  /** 'squash' stretches images to the square input; 'pad' keeps their aspect ratio (metrics ignore the padding). */
  fit: FitName;
  outDir: string;
}

export type ExperimentOverrides = Partial<ExperimentOptions> & { category: string; outDir: string };

/** The defaults of the options no preset sets. */
export const DEFAULTS = {
  embedding: 'pooled',
  camStage: 'layer3',
  frozenBatchNorm: 'pretrained',
  validationFraction: 0.1,
  thresholdQuantile: 0.99,
  thresholdEstimate: 'normal',
  localization: 'patch',
  imageScore: 'fused',
  patchSampling: 'coreset',
  patchFraction: 0.01,
  fit: 'squash',
  seed: 0,
} as const satisfies Partial<ExperimentOptions>;

export const DEFAULT_PRESET: PresetName = 'paper';

const RANGES: Record<string, [number, number, boolean]> = {
  imageSize: [32, 1024, true],
  batchSize: [2, 1024, true],
  frozenEpochs: [0, 1000, true],
  fullEpochs: [0, 1000, true],
  lrFrozen: [1e-7, 10, false],
  lrFull: [1e-7, 10, false],
  samplesPerEpoch: [1, 1e7, true],
  figureImages: [0, 1000, true],
  tsnePerGroup: [0, 10000, true],
  seed: [0, 2 ** 31 - 1, true],
  validationFraction: [0.01, 0.9, false],
  thresholdQuantile: [0.5, 1, false],
  patchFraction: [1e-6, 1, false],
};

/** Checks a numeric option against its allowed range; the message names the option and the range. */
export function checkNumber(name: string, value: unknown): number {
  const range = RANGES[name];
  if (!range) throw new Error(`unknown numeric option "${name}"`);
  const [lo, hi, integer] = range;
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < lo || value > hi)
    throw new Error(`${name} must be ${integer ? 'an integer' : 'a number'} in [${lo}, ${hi}], got ${String(value)}`);
  return value;
}

export function isPresetName(v: unknown): v is PresetName {
  return PRESET_NAMES.includes(v as PresetName);
}

/** Preset defaults, then the overrides; throws on the first invalid value. */
export function resolveOptions(overrides: ExperimentOverrides): ExperimentOptions {
  const presetName = overrides.preset ?? DEFAULT_PRESET;
  if (!isPresetName(presetName)) throw new Error(`preset must be one of ${PRESET_NAMES.join(', ')}, got ${String(presetName)}`);
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const merged = { ...PRESETS[presetName], ...DEFAULTS, ...defined };
  const o: ExperimentOptions = {
    ...merged,
    imagePatchStages: merged.imagePatchStages ?? merged.patchStages,
    preset: presetName,
    category: overrides.category,
    outDir: overrides.outDir,
  };
  for (const key of Object.keys(RANGES)) {
    const v = (o as unknown as Record<string, unknown>)[key];
    if (v !== undefined) checkNumber(key, v);
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(o.category)) throw new Error(`category must be a folder name (letters, digits, _ . -), got "${o.category}"`);
  if (!EMBEDDINGS.includes(o.embedding)) throw new Error(`embedding must be one of ${EMBEDDINGS.join(', ')}, got ${String(o.embedding)}`);
  if (!CAM_STAGES.includes(o.camStage)) throw new Error(`camStage must be one of ${CAM_STAGES.join(', ')}, got ${String(o.camStage)}`);
  if (!FROZEN_BATCH_NORM.includes(o.frozenBatchNorm))
    throw new Error(`frozenBatchNorm must be one of ${FROZEN_BATCH_NORM.join(', ')}, got ${String(o.frozenBatchNorm)}`);
  if (!LOCALIZATIONS.includes(o.localization)) throw new Error(`localization must be one of ${LOCALIZATIONS.join(', ')}, got ${String(o.localization)}`);
  if (!THRESHOLD_ESTIMATE_NAMES.includes(o.thresholdEstimate))
    throw new Error(`thresholdEstimate must be one of ${THRESHOLD_ESTIMATE_NAMES.join(', ')}, got ${String(o.thresholdEstimate)}`);
  if (o.thresholdEstimate === 'normal' && o.thresholdQuantile >= 1)
    throw new Error(`thresholdQuantile must be below 1 with thresholdEstimate normal (1 is the largest validation score: use thresholdEstimate quantile), got ${o.thresholdQuantile}`);
  if (!IMAGE_SCORES.includes(o.imageScore)) throw new Error(`imageScore must be one of ${IMAGE_SCORES.join(', ')}, got ${String(o.imageScore)}`);
  checkStages('patchStages', o.patchStages);
  checkStages('imagePatchStages', o.imagePatchStages);
  if (!PATCH_SAMPLINGS.includes(o.patchSampling)) throw new Error(`patchSampling must be one of ${PATCH_SAMPLINGS.join(', ')}, got ${String(o.patchSampling)}`);
  if (!FITS.includes(o.fit)) throw new Error(`fit must be one of ${FITS.join(', ')}, got ${String(o.fit)}`);
  if (!o.outDir) throw new Error('outDir must be a non-empty path');
  if (o.folders) checkFolders(o.folders, o.dataRoot);
  return o;
}

function checkStages(name: string, stages: unknown): void {
  if (!Array.isArray(stages) || stages.length === 0 || stages.some((s) => !PATCH_STAGES.includes(s)) || new Set(stages).size !== stages.length)
    throw new Error(`${name} must be distinct stages among ${PATCH_STAGES.join(', ')}, got ${JSON.stringify(stages)}`);
}

/** Whether two stage lists name the same stages (one patch bank serves both jobs then). */
export function sameStages(a: readonly PatchStage[], b: readonly PatchStage[]): boolean {
  return a.length === b.length && a.every((s) => b.includes(s));
}

function checkFolders(f: FolderData, dataRoot: string | undefined): void {
  if (dataRoot !== undefined) throw new Error('folders and dataRoot exclude each other (--train … or --data, not both)');
  const path = (v: unknown) => typeof v === 'string' && v.length > 0;
  if (!path(f.train)) throw new Error('folders.train (--train) must be a folder of good images');
  if (f.testGood !== undefined && !path(f.testGood)) throw new Error('folders.testGood (--test-good) must be a folder path');
  if (!Array.isArray(f.testDefect) || f.testDefect.length === 0 || !f.testDefect.every(path))
    throw new Error('folders.testDefect (--test-defect) must list at least one folder of defective test images');
  if (f.masks !== undefined && (!Array.isArray(f.masks) || f.masks.length !== f.testDefect.length || !f.masks.every(path)))
    throw new Error(`folders.masks (--masks) must list one mask folder per --test-defect folder (${f.testDefect.length})`);
}
