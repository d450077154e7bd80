// @ssad/models in a browser (the package's "browser" export): everything that computes, nothing that touches
// Node (files, the native backend, checkpoints). The Node entry, index.ts, is this plus those edges, so both run
// the same scoring code; a page loads a detector with ScoringBundle.fromFiles on fetched or picked files.
export {
  arrayKind,
  parseSafetensors,
  serializeSafetensors,
  type NamedTensor,
  type SafetensorsDtype,
  type SafetensorsFile,
  type TensorMap,
  type TensorValues,
} from './safetensors.js';
export { ParamStore, type LoadReport, type ParamKind, type ParamSpec } from './params.js';
export { STAGES, type Stage, type RandomSource } from './architecture.js';
export {
  Network,
  IMAGENET_NORMALIZATION,
  BN_EPS,
  BN_MOMENTUM,
  resolveNetworkOptions,
  type BatchStat,
  type ForwardOptions,
  type NetworkOptions,
  type Normalization,
  type ResolvedNetworkOptions,
  type StageOutputs,
  type TailOutputs,
} from './network.js';
export { GaussianDensity, type GaussianDensityOptions, type GaussianDensityState } from './density.js';
export { Sgd, type SgdOptions } from './sgd.js';
export { TrainStep, type Batch, type StepResult, type TrainStepOptions } from './step.js';
export { batchNormTrain } from './batchnorm.js';
export { reparametrizeBatchNorm, type BatchNormReparamOptions, type BatchNormReparamReport } from './batchnorm-reparam.js';
export {
  Detector,
  DETECTOR_FILES,
  DETECTOR_FORMAT,
  DETECTOR_FORMAT_VERSION,
  EMBEDDING_KINDS,
  embeddingOf,
  type DetectorMetadata,
  type DetectorOptions,
  type DetectorParts,
  type DetectorScores,
  type EmbeddingKind,
  type JsonValue,
} from './detector.js';
export { detectorFrom, type DetectorSource } from './detector-load.js';
export { normalQuantile, quantile, THRESHOLD_ESTIMATES, thresholdOf, type ThresholdEstimate } from './threshold.js';
export { imagesToTensor } from './images.js';
export {
  PatchDensity,
  resolvePatchDensityOptions,
  type BankSampling,
  type PatchDensityConfig,
  type PatchDensityOptions,
  type PatchDensityState,
  type PatchMaps,
} from './patch/patch-density.js';
export { greedyCoreset, randomSubset } from './patch/coreset.js';
export { gaussianBlur, resizeMapBilinear } from './patch/smooth.js';
export {
  IMAGE_SCORE_KINDS,
  fuseScores,
  normalizationOf,
  type ImageScoreKind,
  type ImageScoreSpec,
  type ScoreNormalization,
} from './image-score.js';
export { normalizeScore } from './score-scale.js';
export {
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  BUNDLE_FORMAT_VERSIONS,
  MAX_BUNDLE_MANIFEST_BYTES,
  BUNDLE_MANIFEST,
  BUNDLE_FILES,
  BUNDLE_FITS,
  parseBundleManifest,
  type BundleFit,
  type BundleManifest,
  type BundleMaps,
} from './bundle/bundle-manifest.js';
export { ScoringBundle, type BundleScore, type BundleFiles } from './bundle/scoring-bundle.js';
