// The experiment both apps run: load a category → train the two stages → fit the density on every embedding →
// evaluate (image and pixel metrics) → write the detector, figures, metrics.json and report.html.
import fs from 'node:fs';
import path from 'node:path';
import type { PixelImage } from '@ssad/augment';
import { Detector, GaussianDensity, initBackend, Network, normalizationOf, fuseScores, PatchDensity } from '@ssad/models';
import { pixelMetrics } from '@ssad/metrics';
import { prepareDataset } from './bench-setup.js';
import { loadCategory, type LoadedCategory } from './dataset.js';
import { localisationMaps } from './cam.js';
import { computeEmbeddings, type EmbeddingSet } from './embeddings.js';
import { contentMaps, contentMasks } from './content.js';
import type { OnEvent } from './events.js';
import { renderFigures } from './figures.js';
import { EMBEDDINGS, IMAGE_SCORES, resolveOptions, type EmbeddingName, type ExperimentOptions, type ImageScoreName, type Localization } from './options.js';
import { writeReport } from './report.js';
import { METRICS_VERSION, writeJsonAtomic, type EmbeddingScores, type RunMetrics } from './run-metrics.js';
import { evaluateImageScores, quantile, type ImageEvaluation } from './threshold.js';
import { readHistory, trainTwoStages, type EpochRecord } from './training.js';
import { MODEL_EMBEDDING, type RunDetectorMetadata } from './saved-detector.js';

export interface RunHooks {
  onEvent?: OnEvent;
  /** Continue from the checkpoint in outDir/checkpoint (a fresh run when there is none). */
  resume?: boolean;
  /** Aborting stops training after the current step; the last finished epoch stays as a checkpoint. */
  signal?: AbortSignal;
}

class Timer {
  readonly timings: Record<string, number> = {};
  private t = Date.now();
  private readonly t0 = this.t;
  lap(name: string): void {
    const now = Date.now();
    this.timings[name] = (now - this.t) / 1000;
    this.t = now;
  }
  total(): void {
    this.timings.total = (Date.now() - this.t0) / 1000;
  }
}

export async function runExperiment(options: ExperimentOptions, hooks: RunHooks = {}): Promise<RunMetrics> {
  const timer = new Timer();
  const say = (phase: string, message: string) => hooks.onEvent?.({ kind: 'phase', phase, message });
  const backend = await initBackend();
  let o = options;
  if (o.dataRoot === undefined) {
    const ds = await prepareDataset(o, hooks);
    o = { ...o, dataRoot: ds.root };
  }
  const dataRoot = o.dataRoot!;
  fs.mkdirSync(o.outDir, { recursive: true });
  writeJsonAtomic(path.join(o.outDir, 'options.json'), o);
  say('load', `${o.category} from ${dataRoot} at ${o.imageSize} px (backend ${backend.backend})`);
  const data = await loadCategory({ ...o, dataRoot }, hooks.onEvent);
  timer.lap('load');

  const network = new Network({ seed: o.seed });
  try {
    if (o.weights) {
      const report = network.loadWeights(o.weights, { strict: false });
      say('weights', `${report.loaded.length} tensors loaded from ${o.weights}, ${report.missing.length} kept at initialisation`);
    }
    say('train', `${o.frozenEpochs} frozen + ${o.fullEpochs} full epochs, batch ${o.batchSize}, ${data.train.length} train images`);
    const history = await trainTwoStages(network, data.train, o, {
      checkpointDir: path.join(o.outDir, 'checkpoint'),
      resume: hooks.resume === true,
      onEvent: hooks.onEvent,
      signal: hooks.signal,
    });
    timer.lap('train');
    return await evaluateTrained(network, data, o, history, backend.backend, timer, hooks);
  } finally {
    network.dispose();
  }
}

/**
 * Re-evaluates a finished run folder from its detector's network and options.json (rewrites metrics, detector,
 * figures, report); `overrides` change the scored embedding or the GradCAM stage without retraining.
 */
export async function evaluateRun(
  runDir: string,
  hooks: RunHooks = {},
  overrides: Partial<Pick<ExperimentOptions, 'camStage' | 'embedding' | 'localization' | 'imageScore' | 'patchSampling' | 'patchFraction'>> = {},
): Promise<RunMetrics> {
  const timer = new Timer();
  const backend = await initBackend();
  const optionsPath = path.join(runDir, 'options.json');
  if (!fs.existsSync(optionsPath)) throw new Error(`${runDir}: not a run folder (no options.json)`);
  const saved = JSON.parse(fs.readFileSync(optionsPath, 'utf8')) as ExperimentOptions;
  const o = resolveOptions({ ...saved, ...overrides, outDir: runDir });
  const detector = Detector.load(path.join(runDir, 'detector'));
  try {
    const data = await loadCategory({ ...o, dataRoot: o.dataRoot! }, hooks.onEvent);
    timer.lap('load');
    const history = readHistory(path.join(runDir, 'checkpoint'));
    return await evaluateTrained(detector.network, data, o, history, backend.backend, timer, hooks);
  } finally {
    detector.dispose();
  }
}

async function evaluateTrained(
  network: Network,
  data: LoadedCategory,
  o: ExperimentOptions,
  history: EpochRecord[],
  backend: string,
  timer: Timer,
  hooks: RunHooks,
): Promise<RunMetrics> {
  const count = (phase: string) => (done: number, total: number) => hooks.onEvent?.({ kind: 'count', phase, done, total });
  const batch = Math.min(o.batchSize, 32);
  const testImages = data.test.map((s) => s.image);
  const labels = Uint8Array.from(data.test, (s) => s.item.label);
  const trainEmb = await computeEmbeddings(network, data.train, batch, count('embed'));
  const valEmb = await computeEmbeddings(network, data.validation, batch);
  const testEmb = await computeEmbeddings(network, testImages, batch, count('embed'));

  const gaussians = {} as Record<EmbeddingName, GaussianDensity>;
  const perEmbedding: Partial<Record<EmbeddingName, EmbeddingScores & { f1MaxThreshold: number; testScores: Float64Array; valScores: Float64Array }>> = {};
  for (const e of EMBEDDINGS) {
    const d = trainEmb.dims[e];
    gaussians[e] = GaussianDensity.estimate(trainEmb.values[e], d);
    const valScores = gaussians[e].score(valEmb.values[e]);
    const testScores = gaussians[e].score(testEmb.values[e]);
    perEmbedding[e] = { ...evaluateImageScores(testScores, labels, valScores, o.thresholdQuantile), testScores, valScores };
  }
  timer.lap('density');

  // Patch density: the bank from the training images, maps of validation (normalisation, map range) and test images.
  const patch = PatchDensity.fit(network, data.train, { sampling: o.patchSampling, fraction: o.patchFraction, seed: o.seed });
  timer.lap('patchBank');
  try {
    const valPatch = patch.maps(network, data.validation);
    const testPatch = patch.maps(network, testImages);
    timer.lap('patchMaps');

    const gaussian = perEmbedding[o.embedding]!;
    const normalization = { gaussian: normalizationOf(gaussian.valScores), patch: normalizationOf(valPatch.scores) };
    const candidates: Record<ImageScoreName, { test: Float64Array; val: Float64Array }> = {
      gaussian: { test: gaussian.testScores, val: gaussian.valScores },
      patch: { test: testPatch.scores, val: valPatch.scores },
      fused: { test: fuseScores(gaussian.testScores, testPatch.scores, normalization), val: fuseScores(gaussian.valScores, valPatch.scores, normalization) },
    };
    const imageScores = {} as Record<ImageScoreName, ImageEvaluation>;
    for (const k of IMAGE_SCORES) imageScores[k] = evaluateImageScores(candidates[k].test, labels, candidates[k].val, o.thresholdQuantile);
    const chosen = imageScores[o.imageScore];
    const chosenTestScores = candidates[o.imageScore].test;

    const camMaps = (images: readonly PixelImage[], onBatch?: (done: number, total: number) => void) =>
      localisationMaps(network, o.embedding, gaussians[o.embedding], o.camStage, images, batch, onBatch);
    // Per-dataset heatmap normalisation: the high quantile of normal images' map values maps to 1.
    const rangeOf = (maps: readonly Float32Array[]) => ({ min: 0, max: Math.max(1e-12, quantile(concatMaps(maps), 0.999)) });
    const camRange = rangeOf(await camMaps(data.validation));
    const camTest = await camMaps(testImages, count('gradcam'));
    const masks = contentMasks(data.test, o.imageSize);
    const localizations: Record<Localization, { pixelAuroc: number; aupro: number }> = {
      patch: pixelMetrics(contentMaps(testPatch.maps, data.test, o.imageSize), masks, { fprLimit: 0.3 }),
      gradcam: pixelMetrics(contentMaps(camTest, data.test, o.imageSize), masks, { fprLimit: 0.3 }),
    };
    const pixel = localizations[o.localization];
    const patchRange = rangeOf(valPatch.maps);
    const metadata: RunDetectorMetadata = {
      camStage: o.camStage, mapRange: camRange, patchMapRange: patchRange, localization: o.localization, fit: o.fit,
      category: o.category, seed: o.seed, createdAt: new Date().toISOString(),
    };
    // Shares `network` with the caller, who disposes it; the detector is not disposed here for that reason.
    Detector.fromParts({
      network, density: gaussians[o.embedding], embedding: MODEL_EMBEDDING[o.embedding], imageSize: o.imageSize,
      threshold: chosen.threshold, thresholdQuantile: o.thresholdQuantile, metadata: { ...metadata },
      patch, imageScore: { kind: o.imageScore, normalization },
    }).save(path.join(o.outDir, 'detector'));
    timer.lap('evaluate');

    const localised = { patch: { maps: testPatch.maps, range: patchRange }, gradcam: { maps: camTest, range: camRange } };
    const figures = await renderFigures(o.outDir, {
      options: o, data, labels, history, testScores: chosenTestScores, threshold: chosen.threshold, imageAuroc: chosen.imageAuroc,
      localizations: LOCALIZATION_ORDER(o.localization).map((method) => ({ method, ...localised[method], aupro: localizations[method].aupro })),
      embeddings: { train: trainEmb, test: testEmb, network, embedding: o.embedding },
      onEvent: hooks.onEvent,
    });
    timer.lap('figures');

    const last = (stage: 'frozen' | 'full') => {
      const r = history.filter((h) => h.stage === stage).at(-1);
      return { loss: r?.loss ?? NaN, accuracy: r?.accuracy ?? NaN };
    };
    const scoresOf = (e: ImageEvaluation) => ({ imageAuroc: e.imageAuroc, f1Max: e.f1Max, f1AtThreshold: e.f1AtThreshold, threshold: e.threshold });
    timer.total();
    const metrics: RunMetrics = {
      version: METRICS_VERSION,
      category: o.category,
      seed: o.seed,
      preset: o.preset,
      imageSize: o.imageSize,
      dataset: data.name,
      weights: o.weights ?? null,
      backend,
      embedding: o.embedding,
      imageScore: o.imageScore,
      imageAuroc: chosen.imageAuroc,
      f1Max: chosen.f1Max,
      f1MaxThreshold: chosen.f1MaxThreshold,
      f1AtThreshold: chosen.f1AtThreshold,
      threshold: chosen.threshold,
      localization: o.localization,
      pixelAuroc: pixel.pixelAuroc,
      aupro: pixel.aupro,
      localizations,
      imageScores: Object.fromEntries(IMAGE_SCORES.map((k) => [k, scoresOf(imageScores[k])])),
      embeddings: Object.fromEntries(EMBEDDINGS.map((e) => [e, scoresOf(perEmbedding[e]!)])),
      counts: { train: data.train.length, validation: data.validation.length, test: data.test.length, testAnomalous: labels.reduce((a, b) => a + b, 0) },
      training: { frozen: last('frozen'), full: last('full') },
      timings: timer.timings,
      finishedAt: new Date().toISOString(),
    };
    writeReport(o.outDir, metrics, o, figures);
    // metrics.json last: its presence marks the run finished for the benchmark's resume.
    writeJsonAtomic(path.join(o.outDir, 'metrics.json'), metrics);
    return metrics;
  } finally {
    patch.dispose();
  }
}

/** The headline method first, then the other. */
const LOCALIZATION_ORDER = (first: Localization): Localization[] => (first === 'patch' ? ['patch', 'gradcam'] : ['gradcam', 'patch']);
function concatMaps(maps: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(maps.reduce((a, m) => a + m.length, 0));
  let o = 0;
  for (const m of maps) {
    out.set(m, o);
    o += m.length;
  }
  return out;
}

export type { EmbeddingSet };
