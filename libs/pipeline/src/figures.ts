// The run's figures, rendered by @ssad/viz: ROC, PRO (one curve per localisation method), t-SNE of real and
// artificial embeddings, training curves, score histogram, heatmap rows of each method (patch/heatmap_and_masks_N.png,
// gradcam/heatmap_and_masks_N.png: the same test images in both) and the pretext sample grid.
import path from 'node:path';
import { pretextSample, Rng, type PixelImage } from '@ssad/augment';
import { proCurve, rocCurve } from '@ssad/metrics';
import { ensureFolder, writeFileAtomic, type Network } from '@ssad/models';
import {
  embed2d, heatmapToMask, normalizeMaps, renderHeatmapRows, renderPretextGrid, renderPro, renderRoc, renderScatter, renderScoreHistogram,
  renderTrainingCurves, type HeatmapRow, type MapRange,
} from '@ssad/viz';
import type { LoadedCategory } from './dataset.js';
import { computeEmbeddings, selectRows, type EmbeddingSet } from './embeddings.js';
import { contentMaps, contentMasks } from './content.js';
import type { OnEvent } from './events.js';
import type { EmbeddingName, ExperimentOptions, Localization } from './options.js';
import type { ReportFigure } from './report.js';
import type { EpochRecord } from './training.js';

export interface FigureInput {
  options: ExperimentOptions;
  data: LoadedCategory;
  labels: Uint8Array;
  history: EpochRecord[];
  testScores: Float64Array;
  threshold: number;
  imageAuroc: number;
  /** Each localisation method's test maps, the range they are normalised with and their AU-PRO (none without masks); headline first. */
  localizations: { method: Localization; maps: Float32Array[]; range: MapRange; aupro?: number }[];
  embeddings: { train: EmbeddingSet; test: EmbeddingSet; network: Network; embedding: EmbeddingName };
  onEvent?: OnEvent;
}

const ROWS_PER_HEATMAP_PNG = 4;
const METHOD_NAMES: Record<Localization, string> = { patch: 'patch distance', gradcam: 'GradCAM' };

/** Evenly spread indices: defective and good test images both represented. */
function spread(indices: number[], count: number): number[] {
  if (indices.length <= count) return indices;
  return Array.from({ length: count }, (_, i) => indices[Math.floor((i * indices.length) / count)]);
}

export async function renderFigures(runDir: string, f: FigureInput): Promise<ReportFigure[]> {
  const o = f.options;
  const out: ReportFigure[] = [];
  // Atomic like every run file, and a full disk's error names the figure.
  const save = async (file: string, title: string, png: Buffer) => {
    ensureFolder(path.dirname(path.join(runDir, file)));
    writeFileAtomic(path.join(runDir, file), png);
    out.push({ file, title });
  };
  const say = (message: string) => f.onEvent?.({ kind: 'phase', phase: 'figures', message });
  say('ROC, PRO, histogram, training curves');

  const roc = rocCurve(f.testScores, f.labels);
  let k = 0;
  while (k + 1 < roc.thresholds.length && roc.thresholds[k + 1] >= f.threshold) k++;
  await save('roc.png', 'Image ROC', renderRoc({
    fpr: roc.fpr, tpr: roc.tpr, auroc: f.imageAuroc, label: `${o.imageScore} score`,
    threshold: { fpr: roc.fpr[k], tpr: roc.tpr[k], value: f.threshold },
  }, { title: `${o.category}: image ROC` }));

  const masks = contentMasks(f.data.test, o.imageSize);
  for (const l of f.localizations) {
    if (l.aupro === undefined) continue;
    const pro = proCurve(contentMaps(l.maps, f.data.test, o.imageSize), masks);
    const name = METHOD_NAMES[l.method];
    await save(`pro_${l.method}.png`, `Per-region overlap (${name} maps)`, renderPro({ fpr: pro.fpr, pro: pro.pro, aupro: l.aupro, label: name }, { title: `${o.category}: PRO curve, ${name}` }));
  }

  await save('score_histogram.png', 'Test score histogram', renderScoreHistogram({ scores: f.testScores, labels: f.labels, threshold: f.threshold }, { title: `${o.category}: anomaly scores` }));

  const stages = (['frozen', 'full'] as const)
    .map((s) => ({ s, rows: f.history.filter((h) => h.stage === s) }))
    .filter((x) => x.rows.length > 0)
    .map(({ s, rows }) => ({ name: s === 'frozen' ? 'stage 1 (backbone frozen)' : 'stage 2 (full)', loss: rows.map((r) => r.loss), accuracy: rows.map((r) => r.accuracy) }));
  if (stages.length) await save('training_curves.png', 'Training loss and pretext accuracy', renderTrainingCurves(stages, { title: `${o.category}: training` }));

  say('heatmap rows');
  const bad = f.data.test.flatMap((s, i) => (s.item.label === 1 ? [i] : []));
  const good = f.data.test.flatMap((s, i) => (s.item.label === 0 ? [i] : []));
  const nBad = Math.min(bad.length, Math.ceil((o.figureImages * 3) / 4));
  const chosen = [...spread(bad, nBad), ...spread(good, o.figureImages - nBad)];
  for (const l of f.localizations) {
    const normalized = normalizeMaps(l.maps, l.range).map((m) => m.map((v) => Math.min(1, Math.max(0, v))));
    const name = METHOD_NAMES[l.method];
    for (let p = 0; p * ROWS_PER_HEATMAP_PNG < chosen.length; p++) {
      const rows: HeatmapRow[] = chosen.slice(p * ROWS_PER_HEATMAP_PNG, (p + 1) * ROWS_PER_HEATMAP_PNG).map((i) => ({
        image: f.data.test[i].image,
        heatmap: normalized[i],
        gtMask: f.data.test[i].mask,
        predMask: heatmapToMask(normalized[i], 0.5),
        score: f.testScores[i],
        label: f.data.test[i].item.defect,
        name: path.basename(f.data.test[i].item.path),
      }));
      await save(`${l.method}/heatmap_and_masks_${p}.png`, `${name} ${p}`, renderHeatmapRows(rows, { title: `${o.category}: image | ground truth | ${name} | prediction`, range: l.range }));
    }
  }

  say('pretext samples and t-SNE');
  const rng = new Rng(o.seed + 7919);
  const grid = [];
  for (let label = 0; label < 4; label++)
    for (let i = 0; i < 6; i++) {
      const s = pretextSample(rng.pick(f.data.train), rng, { classes: 'rect-polygon-scar', weights: [0, 0, 0, 0].map((_, j) => (j === label ? 1 : 0)) });
      grid.push({ image: s.image, mask: s.mask, label: s.label });
    }
  await save('pretext_samples.png', 'Pretext task samples', renderPretextGrid(grid, { title: 'pretext samples: normal / CutPaste / polygon CutPaste / scar' }));

  if (o.tsnePerGroup >= 3) await save('tsne.png', `t-SNE of the ${o.embedding} embedding`, await tsneFigure(f, rng));
  return out;
}

async function tsneFigure(f: FigureInput, rng: Rng): Promise<Buffer> {
  const o = f.options;
  const e = f.embeddings.embedding;
  const per = o.tsnePerGroup;
  const pick = (n: number) => spread(Array.from({ length: n }, (_, i) => i), per);
  const artificial: PixelImage[] = [];
  const artificialGroups: number[] = [];
  // Groups 3..5 of EMBEDDING_GROUPS: CutPaste, polygon CutPaste, scar.
  for (let g = 1; g <= 3; g++)
    for (let i = 0; i < per; i++) {
      const s = pretextSample(rng.pick(f.data.train), rng, { classes: 'rect-polygon-scar', weights: [0, 1, 2, 3].map((j) => (j === g ? 1 : 0)) });
      artificial.push(s.image);
      artificialGroups.push(2 + g);
    }
  const art = await computeEmbeddings(f.embeddings.network, artificial, 32);
  const d = f.embeddings.train.dims[e];
  const trainRows = pick(f.embeddings.train.n);
  const goodRows = f.data.test.flatMap((s, i) => (s.item.label === 0 ? [i] : [])).slice(0, per);
  const badRows = spread(f.data.test.flatMap((s, i) => (s.item.label === 1 ? [i] : [])), per);
  const parts = [
    selectRows(f.embeddings.train.values[e], d, trainRows),
    selectRows(f.embeddings.test.values[e], d, goodRows),
    selectRows(f.embeddings.test.values[e], d, badRows),
    art.values[e],
  ];
  const groups = Uint8Array.from([...trainRows.map(() => 0), ...goodRows.map(() => 1), ...badRows.map(() => 2), ...artificialGroups]);
  const data = new Float32Array(groups.length * d);
  let off = 0;
  for (const p of parts) {
    data.set(p, off);
    off += p.length;
  }
  const points = embed2d(data, groups.length, d, { rng, iterations: 500, perplexity: Math.min(30, (groups.length - 1) / 3) });
  return renderScatter({ points, groups }, { title: `${o.category}: t-SNE of the ${e} embedding` });
}
