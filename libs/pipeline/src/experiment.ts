// The experiment both apps run: load a category → train the two stages → evaluate (evaluate.ts) → publish the
// detector, figures, report.html and metrics.json into the run folder; and `evaluateRun`, which re-evaluates a
// finished run's network. Results appear in the run folder only once complete (run-folder.ts).
import fs from 'node:fs';
import path from 'node:path';
import { DETECTOR_FILES, ensureFolder, initBackend, loadDetector, Network, readSafetensors, removeFolder, removeStaleTemporaries, type BackendChoice } from '@ssad/models';
import { UsageError } from './args.js';
import { prepareDataset } from './bench-setup.js';
import { loadCategory } from './dataset.js';
import { presetNotice } from './estimate.js';
import { evaluateTrained } from './evaluate.js';
import type { OnEvent } from './events.js';
import { resolveOptions, type ExperimentOptions } from './options.js';
import { readTrainingSettings, settingDifferences, writeTrainingSettings } from './resume-check.js';
import { cleanUpFailedRun, hasCheckpoint, openStaging, publishStaging, RUN_FILES, runState } from './run-folder.js';
import { readRunMetrics, writeJsonAtomic, type RunMetrics, type RunVersions } from './run-metrics.js';
import { Timer } from './timer.js';
import { softwareVersions } from './versions.js';
import { InterruptedError, readHistory, trainTwoStages, type EpochRecord } from './training.js';

export interface RunHooks {
  onEvent?: OnEvent;
  /** Continue from the checkpoint in outDir/checkpoint (a fresh run when there is none). */
  resume?: boolean;
  /** Aborting stops training after the current step; the last finished epoch stays as a checkpoint. */
  signal?: AbortSignal;
  /** Keep outDir/checkpoint (89 MB at 256 px) after the run has finished; by default it is removed. */
  keepCheckpoint?: boolean;
}

/** The evaluation settings `evaluateRun` may change without retraining. */
export type EvaluationOverrides = Partial<Pick<ExperimentOptions, 'camStage' | 'embedding' | 'localization' | 'imageScore' | 'patchSampling' | 'patchFraction' | 'patchStages' | 'imagePatchStages' | 'thresholdEstimate'>>;

function versions(backend: BackendChoice): RunVersions {
  return { ...softwareVersions(), backend: `${backend.backend} (${backend.package})` };
}

export async function runExperiment(options: ExperimentOptions, hooks: RunHooks = {}): Promise<RunMetrics> {
  const timer = new Timer();
  const say = (phase: string, message: string) => hooks.onEvent?.({ kind: 'phase', phase, message });
  const backend = await initBackend();
  let o = options;
  if (o.dataRoot === undefined && o.folders === undefined) o = { ...o, dataRoot: (await prepareDataset(o, hooks)).root };
  say('load', `${o.category} from ${o.dataRoot ?? o.folders!.train} at ${o.imageSize} px (backend ${backend.backend})`);
  const data = await loadCategory(o, hooks.onEvent);
  timer.lap('load');
  say('preset', presetNotice(o, data.train.length));
  if (!data.hasMasks) say('data', 'no ground-truth masks: image metrics only, pixel metrics (pixel AUROC, AU-PRO) are skipped');

  const checkpointDir = path.join(o.outDir, RUN_FILES.checkpoint);
  const resume = hooks.resume === true && hasCheckpoint(o.outDir);
  if (resume) {
    const saved = readTrainingSettings(checkpointDir);
    const differences = saved ? settingDifferences(saved, o) : [];
    if (differences.length)
      throw new UsageError(
        `--resume: the checkpoint in ${checkpointDir} was trained with other settings:\n  ${differences.join('\n  ')}\n` +
          'rerun with the checkpoint\'s settings, or without --resume (with --overwrite) to start over',
      );
  }
  const createdOutDir = !fs.existsSync(o.outDir);
  const network = new Network({ seed: o.seed });
  try {
    if (o.weights) {
      const report = network.loadWeights(readSafetensors(o.weights), { strict: false });
      say('weights', `${report.loaded.length} tensors loaded from ${o.weights}, ${report.missing.length} kept at initialisation`);
    }
    if (!resume) fs.rmSync(checkpointDir, { recursive: true, force: true });
    writeTrainingSettings(checkpointDir, o);
    say('train', `${o.frozenEpochs} frozen + ${o.fullEpochs} full epochs, batch ${o.batchSize}, ${data.train.length} train images`);
    const history = await trainTwoStages(network, data.train, o, { checkpointDir, onEvent: hooks.onEvent, signal: hooks.signal });
    timer.lap('train');
    const staging = openStaging(o.outDir);
    const metrics = await evaluateTrained(network, data, o, history, {
      dir: staging, backend: backend.backend, versions: versions(backend), timer, onEvent: hooks.onEvent, signal: hooks.signal,
    });
    publish(staging, o, history);
    // Gone at once (renamed away first): a kill here leaves a finished run, not one with half a checkpoint.
    if (!hooks.keepCheckpoint) removeFolder(checkpointDir);
    return metrics;
  } catch (err) {
    // Nothing half-written stays; a checkpoint of finished epochs does (--resume continues, or re-evaluates).
    cleanUpFailedRun(o.outDir, createdOutDir);
    if (err instanceof InterruptedError && !hasCheckpoint(o.outDir))
      throw new InterruptedError('interrupted before the first epoch finished; nothing was kept', { resumable: false });
    throw err;
  } finally {
    network.dispose();
  }
}

/** options.json and history.json beside the staged results, then all of it into the run folder. */
function publish(staging: string, o: ExperimentOptions, history: EpochRecord[]): void {
  writeJsonAtomic(path.join(staging, RUN_FILES.options), o);
  writeJsonAtomic(path.join(staging, RUN_FILES.history), history);
  publishStaging(staging, o.outDir);
}

/** `<run>/evaluations/<name>`: the changed settings, e.g. embedding-head_image-score-patch. */
export function evaluationDir(runDir: string, overrides: EvaluationOverrides): string {
  const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const parts = Object.entries(overrides)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${kebab(k)}-${String(v)}`);
  return path.join(runDir, RUN_FILES.evaluations, parts.length ? parts.join('_') : 'as-trained');
}

/**
 * Re-evaluates a finished run's trained network with `overrides`. The results (detector, metrics, figures, report,
 * options) go to a folder of their own, `evaluationDir(runDir, overrides)` unless `outDir` is given, so the run's
 * detector is never silently replaced; `save` writes them over the run's own instead, all of them together.
 * The training history and time are carried over.
 */
export async function evaluateRun(
  runDir: string,
  hooks: RunHooks = {},
  overrides: EvaluationOverrides = {},
  target: { save?: boolean; outDir?: string } = {},
): Promise<{ metrics: RunMetrics; outDir: string }> {
  // A swap of an entry killed between its two renames left the old entry aside: it goes back first.
  removeStaleTemporaries(runDir);
  // A run whose results were being replaced when it was killed (`evaluate --save`) has lost its metrics.json but
  // still has a whole detector (each entry is replaced whole), so it can be evaluated again.
  if (runState(runDir) !== 'finished' && !fs.existsSync(path.join(runDir, RUN_FILES.detector, DETECTOR_FILES.manifest)))
    throw new Error(`${runDir}: not a finished run folder (no metrics.json; train it first)`);
  const optionsPath = path.join(runDir, RUN_FILES.options);
  if (!fs.existsSync(optionsPath)) throw new Error(`${runDir}: not a run folder (no options.json)`);
  if (target.save && target.outDir) throw new UsageError('--save and --out exclude each other (--save writes into the run folder itself)');
  const outDir = target.save ? runDir : (target.outDir ?? evaluationDir(runDir, overrides));
  const backend = await initBackend();
  const saved = JSON.parse(fs.readFileSync(optionsPath, 'utf8')) as ExperimentOptions;
  // Runs from before the second bank existed had one: their maps' bank gave the image score too…
  saved.imagePatchStages ??= saved.patchStages;
  // …and took the empirical quantile.
  saved.thresholdEstimate ??= 'quantile';
  const o = resolveOptions({ ...saved, ...overrides, outDir });
  const previous = readRunMetrics(path.join(runDir, RUN_FILES.metrics));
  const timer = new Timer(previous?.timings.train === undefined ? {} : { train: previous.timings.train });
  const detector = loadDetector(path.join(runDir, RUN_FILES.detector));
  try {
    const data = await loadCategory(o, hooks.onEvent);
    timer.lap('load');
    const historyFile = path.join(runDir, RUN_FILES.history);
    const history = fs.existsSync(historyFile) ? (JSON.parse(fs.readFileSync(historyFile, 'utf8')) as EpochRecord[]) : readHistory(path.join(runDir, RUN_FILES.checkpoint));
    const createdOutDir = !fs.existsSync(outDir);
    ensureFolder(outDir);
    const staging = openStaging(outDir);
    try {
      const metrics = await evaluateTrained(detector.network, data, o, history, {
        dir: staging, backend: backend.backend, versions: versions(backend), timer, onEvent: hooks.onEvent, signal: hooks.signal, evaluatedFrom: runDir,
      });
      publish(staging, o, history);
      return { metrics, outDir };
    } catch (err) {
      cleanUpFailedRun(outDir, createdOutDir);
      throw err instanceof InterruptedError ? new InterruptedError(`${err.message}; ${outDir} is unchanged`, { resumable: false }) : err;
    }
  } finally {
    detector.dispose();
  }
}
