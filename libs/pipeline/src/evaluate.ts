// Evaluation of a trained network: fit the Gaussian density on every embedding and the patch density, score the
// validation and test images with every image score, localise (patch maps and GradCAM; pixel metrics only when
// the test set has masks), and write the detector, figures, report.html and metrics.json into `dir`.
import path from 'node:path';
import type { PixelImage } from '@ssad/augment';
import { Detector, GaussianDensity, normalizationOf, fuseScores, PatchDensity, quantile, saveDetector, type Network } from '@ssad/models';
import { pixelMetrics } from '@ssad/metrics';
import type { LoadedCategory } from './dataset.js';
import { localisationMaps } from './cam.js';
import { computeEmbeddings } from './embeddings.js';
import { contentMaps, contentMasks } from './content.js';
import type { OnEvent } from './events.js';
import { renderFigures } from './figures.js';
import { EMBEDDINGS, IMAGE_SCORES, sameStages, type EmbeddingName, type ExperimentOptions, type ImageScoreName, type Localization } from './options.js';
import { writeReport } from './report.js';
import { METRICS_VERSION, writeJsonAtomic, type EmbeddingScores, type RunMetrics, type RunVersions } from './run-metrics.js';
import { perDefectScores, testImageRecords } from './test-records.js';
import { evaluateImageScores, type ImageEvaluation } from './threshold.js';
import { InterruptedError, type EpochRecord } from './training.js';
import { MODEL_EMBEDDING, type RunDetectorMetadata } from './saved-detector.js';
import type { Timer } from './timer.js';

export interface EvaluationContext {
  /** Where everything is written (the run's staging folder). */
  dir: string;
  backend: string;
  versions: RunVersions;
  timer: Timer;
  onEvent?: OnEvent;
  /** Aborting stops the evaluation at the next phase (InterruptedError); nothing is published. */
  signal?: AbortSignal;
  /** For a re-evaluation: the run folder whose network this is (recorded in metrics.json). */
  evaluatedFrom?: string;
}

/** The headline method first, then the other. */
const LOCALIZATION_ORDER = (first: Localization): Localization[] => (first === 'patch' ? ['patch', 'gradcam'] : ['gradcam', 'patch']);

/** Population standard deviation, floored like the fused score's normalisation. */
const stdOf = (scores: Float64Array) => normalizationOf(scores).std;

/** Per image, the largest value of its map. */
const maxima = (maps: readonly Float32Array[]) => Float64Array.from(maps, (m) => m.reduce((a, b) => (b > a ? b : a), -Infinity));

export async function evaluateTrained(network: Network, data: LoadedCategory, o: ExperimentOptions, history: EpochRecord[], ctx: EvaluationContext): Promise<RunMetrics> {
  // Each phase ends with its timing and a look at the stop signal.
  const lap = (phase: string) => {
    ctx.timer.lap(phase);
    if (ctx.signal?.aborted) throw new InterruptedError(`interrupted while evaluating (after ${phase})`);
  };
  const count = (phase: string) => (done: number, total: number) => ctx.onEvent?.({ kind: 'count', phase, done, total });
  const batch = Math.min(o.batchSize, 32);
  const testImages = data.test.map((s) => s.image);
  const labels = Uint8Array.from(data.test, (s) => s.item.label);
  // A normal fit needs two validation scores at least; with one, that score is the threshold.
  const estimate = data.validation.length >= 2 ? o.thresholdEstimate : 'quantile';
  if (estimate !== o.thresholdEstimate)
    ctx.onEvent?.({ kind: 'phase', phase: 'threshold', message: `${data.validation.length} validation image: too few for a normal fit, its score is the threshold (the empirical quantile)` });
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
    perEmbedding[e] = { ...evaluateImageScores(testScores, labels, valScores, o.thresholdQuantile, estimate), testScores, valScores };
  }
  lap('density');

  // Patch density: the bank from the training images, maps of validation (normalisation, map range) and test images.
  // A second bank on other stages gives the patch image score when asked for (each stage mix is best at one job).
  const fitBank = (stages: ExperimentOptions['patchStages']) =>
    PatchDensity.fit(network, data.train, { stages, sampling: o.patchSampling, fraction: o.patchFraction, seed: o.seed });
  const patch = fitBank(o.patchStages);
  let imagePatch: PatchDensity | undefined;
  try {
    if (!sameStages(o.imagePatchStages, o.patchStages)) imagePatch = fitBank(o.imagePatchStages);
    lap('patchBank');
    const valPatch = patch.maps(network, data.validation);
    const testPatch = patch.maps(network, testImages);
    lap('patchMaps');
    const valImagePatch = imagePatch ? imagePatch.scores(network, data.validation) : valPatch.scores;
    const testImagePatch = imagePatch ? imagePatch.scores(network, testImages) : testPatch.scores;
    if (imagePatch) lap('imagePatchScores');

    const gaussian = perEmbedding[o.embedding]!;
    const normalization = { gaussian: normalizationOf(gaussian.valScores), patch: normalizationOf(valImagePatch) };
    const candidates: Record<ImageScoreName, { test: Float64Array; val: Float64Array }> = {
      gaussian: { test: gaussian.testScores, val: gaussian.valScores },
      patch: { test: testImagePatch, val: valImagePatch },
      fused: { test: fuseScores(gaussian.testScores, testImagePatch, normalization), val: fuseScores(gaussian.valScores, valImagePatch, normalization) },
    };
    const imageScores = {} as Record<ImageScoreName, ImageEvaluation>;
    for (const k of IMAGE_SCORES) imageScores[k] = evaluateImageScores(candidates[k].test, labels, candidates[k].val, o.thresholdQuantile, estimate);
    const chosen = imageScores[o.imageScore];
    const chosenTestScores = candidates[o.imageScore].test;

    const camMaps = (images: readonly PixelImage[], onBatch?: (done: number, total: number) => void) =>
      localisationMaps(network, o.embedding, gaussians[o.embedding], o.camStage, images, batch, onBatch);
    // Per-dataset heatmap normalisation from the normal validation images' map values: their median maps to 0 (what
    // a normal image typically looks like stays uncoloured: patch distances are never near 0) and their 0.999
    // quantile to 1.
    const rangeOf = (maps: readonly Float32Array[]) => {
      const values = concatMaps(maps);
      const min = quantile(values, 0.5);
      return { min, max: Math.max(min + 1e-12, quantile(values, 0.999)) };
    };
    const camVal = await camMaps(data.validation);
    const camRange = rangeOf(camVal);
    const camTest = await camMaps(testImages, count('gradcam'));
    const localizations: Partial<Record<Localization, { pixelAuroc: number; aupro: number }>> = {};
    if (data.hasMasks) {
      const masks = contentMasks(data.test, o.imageSize);
      localizations.patch = pixelMetrics(contentMaps(testPatch.maps, data.test, o.imageSize), masks, { fprLimit: 0.3 });
      localizations.gradcam = pixelMetrics(contentMaps(camTest, data.test, o.imageSize), masks, { fprLimit: 0.3 });
    }
    const pixel = localizations[o.localization];
    const patchRange = rangeOf(valPatch.maps);
    const metadata: RunDetectorMetadata = {
      camStage: o.camStage, mapRange: camRange, patchMapRange: patchRange, localization: o.localization, fit: o.fit,
      category: o.category, seed: o.seed, createdAt: new Date().toISOString(),
      scoreStd: stdOf(candidates[o.imageScore].val),
      validationScores: Array.from(candidates[o.imageScore].val),
      // A pixel is flagged where a normal image's map rarely reaches: the threshold quantile of the validation
      // images' map maxima (for patch maps, the patch image score's own threshold).
      pixelThreshold: { patch: quantile(maxima(valPatch.maps), o.thresholdQuantile), gradcam: quantile(maxima(camVal), o.thresholdQuantile) },
    };
    // Shares `network` with the caller, who disposes it; the detector is not disposed here for that reason.
    const detector = Detector.fromParts({
      network, density: gaussians[o.embedding], embedding: MODEL_EMBEDDING[o.embedding], imageSize: o.imageSize,
      threshold: chosen.threshold, thresholdQuantile: o.thresholdQuantile, thresholdEstimate: estimate, metadata: { ...metadata },
      patch, imagePatch, imageScore: { kind: o.imageScore, normalization },
    });
    saveDetector(detector, path.join(ctx.dir, 'detector'));
    lap('evaluate');

    const localised = { patch: { maps: testPatch.maps, range: patchRange }, gradcam: { maps: camTest, range: camRange } };
    const figures = await renderFigures(ctx.dir, {
      options: o, data, labels, history, testScores: chosenTestScores, threshold: chosen.threshold, imageAuroc: chosen.imageAuroc,
      localizations: LOCALIZATION_ORDER(o.localization).map((method) => ({ method, ...localised[method], aupro: localizations[method]?.aupro })),
      embeddings: { train: trainEmb, test: testEmb, network, embedding: o.embedding },
      onEvent: ctx.onEvent,
    });
    ctx.timer.lap('figures');

    const last = (stage: 'frozen' | 'full') => {
      const r = history.filter((h) => h.stage === stage).at(-1);
      return { loss: r?.loss ?? NaN, accuracy: r?.accuracy ?? NaN };
    };
    const scoresOf = (e: ImageEvaluation) => ({ imageAuroc: e.imageAuroc, f1Max: e.f1Max, f1AtThreshold: e.f1AtThreshold, threshold: e.threshold });
    const testRecords = testImageRecords(data.test, chosenTestScores, Object.fromEntries(IMAGE_SCORES.map((k) => [k, candidates[k].test])), chosen.threshold);
    ctx.timer.total();
    const metrics: RunMetrics = {
      version: METRICS_VERSION,
      category: o.category,
      seed: o.seed,
      preset: o.preset,
      imageSize: o.imageSize,
      dataset: data.name,
      weights: o.weights ?? null,
      backend: ctx.backend,
      embedding: o.embedding,
      imageScore: o.imageScore,
      imageAuroc: chosen.imageAuroc,
      f1Max: chosen.f1Max,
      f1MaxThreshold: chosen.f1MaxThreshold,
      f1AtThreshold: chosen.f1AtThreshold,
      threshold: chosen.threshold,
      localization: o.localization,
      pixelAuroc: pixel?.pixelAuroc ?? null,
      aupro: pixel?.aupro ?? null,
      localizations,
      imageScores: Object.fromEntries(IMAGE_SCORES.map((k) => [k, scoresOf(imageScores[k])])),
      embeddings: Object.fromEntries(EMBEDDINGS.map((e) => [e, scoresOf(perEmbedding[e]!)])),
      counts: { train: data.train.length, validation: data.validation.length, test: data.test.length, testAnomalous: labels.reduce((a, b) => a + b, 0) },
      training: { frozen: last('frozen'), full: last('full') },
      timings: ctx.timer.timings,
      finishedAt: new Date().toISOString(),
      masks: data.hasMasks,
      perDefect: perDefectScores(testRecords),
      testImages: testRecords,
      versions: ctx.versions,
      ...(ctx.evaluatedFrom === undefined ? {} : { evaluatedFrom: ctx.evaluatedFrom }),
    };
    writeReport(ctx.dir, metrics, o, figures);
    // metrics.json last: its presence marks the run finished.
    writeJsonAtomic(path.join(ctx.dir, 'metrics.json'), metrics);
    return metrics;
  } finally {
    patch.dispose();
    imagePatch?.dispose();
  }
}

function concatMaps(maps: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(maps.reduce((a, m) => a + m.length, 0));
  let o = 0;
  for (const m of maps) {
    out.set(m, o);
    o += m.length;
  }
  return out;
}
