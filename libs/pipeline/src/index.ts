// @ssad/pipeline public API: the experiment both apps run, and the CLI plumbing they share.
export { parseArgs, formatHelp, UsageError, type ArgSpec, type ArgType, type ParsedArgs, type ParsedValue } from './args.js';
export {
  PRESETS, PRESET_NAMES, DEFAULTS, DEFAULT_PRESET, EMBEDDINGS, CAM_STAGES, FROZEN_BATCH_NORM, LOCALIZATIONS, IMAGE_SCORES, PATCH_SAMPLINGS, PATCH_STAGES, FITS,
  THRESHOLD_ESTIMATE_NAMES, resolveOptions, checkNumber, isPresetName, sameStages,
  type PresetName, type Preset, type EmbeddingName, type CamStage, type FrozenBatchNorm, type ExperimentOptions, type ExperimentOverrides,
  type Localization, type ImageScoreName, type PatchSampling, type PatchStage, type FitName, type FolderData, type ThresholdEstimateName,
} from './options.js';
export type { PipelineEvent, OnEvent, TrainStepEvent, EpochEvent, PhaseEvent, CountEvent } from './events.js';
export { formatDuration, formatStep, formatEpoch, formatCount, bar, ProgressRenderer } from './progress.js';
export {
  METRICS_VERSION, readRunMetrics, checkRunMetrics, type RunMetrics, type EmbeddingScores, type TestImageRecord, type DefectScores, type RunVersions,
} from './run-metrics.js';
export { meanStd, formatMeanStd, type MeanStd } from './stats.js';
export { summarizeRuns, resultsMarkdown, resultsCsv, writeResults, type RunRecord, type SweepHeader, type CategorySummary } from './results.js';
export { runSweep, runPair, runDirFor, type RunOne, type SweepOptions, type SweepResult } from './sweep.js';
export { reportHtml, writeReport, type ReportFigure } from './report.js';
export { EXPERIMENT_ARGS, experimentOverrides, flagOf, optionError } from './cli-options.js';
export { runExperiment, evaluateRun, evaluationDir, type RunHooks, type EvaluationOverrides } from './experiment.js';
export { RUN_FILES, runState, prepareRunFolder, hasCheckpoint, type RunState } from './run-folder.js';
export { presetNotice, trainingSeconds } from './estimate.js';
export { prepareDataset, benchmarkHeader, syntheticCacheDir, PIPELINE_VERSION, type DatasetChoice } from './bench-setup.js';
export { listCategories, selectCategories, categoryFolder, loadCategory, type LoadedCategory } from './dataset.js';
export { loadRunDetector, MODEL_EMBEDDING, type RunDetector, type RunDetectorMetadata } from './saved-detector.js';
export { InterruptedError, type EpochRecord } from './training.js';
export { predictImages, collectImages, type Prediction, type PredictResult } from './predict.js';
export { resolveDetectorDir } from './detector-path.js';
export { encodeNpy, writeNpy, readNpy } from './npy.js';
export { writeTinyCategory, type TinyCategoryOptions } from './tiny-dataset.js';
export { exportBundle, type ExportResult } from './export-bundle.js';
export { softwareVersions } from './versions.js';
export { abortOnStopSignals, SIGNAL_EXIT_CODES, type StopSignal } from './stop-signals.js';
export { installWriteHooks, errorMessage } from './fault-hooks.js';
export { pathProblem, type PathKind } from './path-args.js';
