// @ssad/models in Node: the browser-safe API (browser.ts) and the edges that need Node — backend selection,
// safetensors and detector folders on disk, training with checkpoints, tfjs LayersModel export, bundle folders.
export * from './browser.js';
export { initBackend, chooseBackend, backendChoice, type BackendChoice, type BackendName, type InitBackendOptions } from './backend.js';
export { readSafetensors, writeSafetensors } from './safetensors-files.js';
export {
  train,
  defaultSamplesPerEpoch,
  defaultMicroBatch,
  MICRO_BATCH_PIXELS,
  REFERENCE_STAGES,
  type EpochInfo,
  type StageConfig,
  type StepProgress,
  type TrainOptions,
  type TrainResult,
} from './trainer.js';
export { saveCheckpoint, loadCheckpoint, CHECKPOINT_FILE, CHECKPOINT_FORMAT, type CheckpointPosition } from './checkpoint.js';
export { exportLayersModel, loadExportedModel, toLayersModel, EXPORT_FILES } from './export.js';
export { folderSource, loadDetector, saveDetector } from './detector-files.js';
export { writeBundle, readBundle, type BundleScoring } from './bundle/bundle-files.js';
export {
  writeFileAtomic, replaceFolder, moveIntoPlace, removeFolder, removeStaleTemporaries, ensureFolder, observeWrites, describeFsError, isWriteFault, fsReason, WriteError,
  type WriteStep,
} from './atomic-write.js';
