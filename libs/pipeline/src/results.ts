// The benchmark's tables: results.md (like the reference table, mean ± std over seeds, an average row),
// results.csv (one row per run) and results.json (everything, with versions, backend, preset and timings).
import path from 'node:path';
import { ensureFolder, writeFileAtomic } from '@ssad/models';
import type { EmbeddingName, ImageScoreName, Localization } from './options.js';
import { EMBEDDINGS, IMAGE_SCORES, LOCALIZATIONS } from './options.js';
import type { RunMetrics } from './run-metrics.js';
import { writeJsonAtomic } from './run-metrics.js';
import { formatMeanStd, meanStd, type MeanStd } from './stats.js';

export interface RunRecord {
  category: string;
  seed: number;
  status: 'done' | 'skipped' | 'failed';
  runDir: string;
  seconds: number;
  metrics?: RunMetrics;
  error?: string;
}

export interface SweepHeader {
  dataset: string;
  synthetic: boolean;
  preset: string;
  backend: string;
  versions: Record<string, string>;
  options: Record<string, unknown>;
  startedAt: string;
}

const COLUMNS = [
  ['AUC', 'imageAuroc'],
  ['F1-SCORE', 'f1AtThreshold'],
  ['AUPRO', 'aupro'],
  ['pixel AUROC', 'pixelAuroc'],
] as const;

export interface CategorySummary {
  category: string;
  seeds: number[];
  failed: { seed: number; error: string }[];
  stats: Record<(typeof COLUMNS)[number][1] | 'f1Max', MeanStd>;
  embeddings: Partial<Record<EmbeddingName, MeanStd>>;
  imageScores: Partial<Record<ImageScoreName, MeanStd>>;
  /** AU-PRO and pixel AUROC of each localisation method. */
  localizations: Partial<Record<Localization, { aupro: MeanStd; pixelAuroc: MeanStd }>>;
}

export function summarizeRuns(runs: readonly RunRecord[]): CategorySummary[] {
  const categories = [...new Set(runs.map((r) => r.category))];
  return categories.map((category) => {
    const mine = runs.filter((r) => r.category === category);
    const ok = mine.filter((r) => r.metrics).map((r) => r.metrics!);
    const pick = (k: keyof RunMetrics) => meanStd(ok.map((m) => m[k] as number));
    const present = (vals: (number | undefined)[]) => vals.filter((v): v is number => v !== undefined);
    const embeddings: Partial<Record<EmbeddingName, MeanStd>> = {};
    for (const e of EMBEDDINGS) {
      const vals = present(ok.map((m) => m.embeddings[e]?.imageAuroc));
      if (vals.length) embeddings[e] = meanStd(vals);
    }
    const imageScores: Partial<Record<ImageScoreName, MeanStd>> = {};
    for (const k of IMAGE_SCORES) {
      const vals = present(ok.map((m) => m.imageScores?.[k]?.imageAuroc));
      if (vals.length) imageScores[k] = meanStd(vals);
    }
    const localizations: CategorySummary['localizations'] = {};
    for (const l of LOCALIZATIONS) {
      const aupro = present(ok.map((m) => m.localizations?.[l]?.aupro));
      if (aupro.length) localizations[l] = { aupro: meanStd(aupro), pixelAuroc: meanStd(present(ok.map((m) => m.localizations?.[l]?.pixelAuroc))) };
    }
    return {
      category,
      seeds: ok.map((m) => m.seed),
      failed: mine.filter((r) => r.status === 'failed').map((r) => ({ seed: r.seed, error: r.error ?? 'unknown error' })),
      stats: {
        imageAuroc: pick('imageAuroc'),
        f1AtThreshold: pick('f1AtThreshold'),
        aupro: pick('aupro'),
        pixelAuroc: pick('pixelAuroc'),
        f1Max: pick('f1Max'),
      },
      embeddings,
      imageScores,
      localizations,
    };
  });
}

/** Average row: the mean of the per-category means (std is the spread of those means across categories). */
function averageRow(summaries: CategorySummary[], key: (typeof COLUMNS)[number][1]): MeanStd {
  return meanStd(summaries.filter((s) => s.stats[key].n > 0).map((s) => s.stats[key].mean));
}

export function resultsMarkdown(header: SweepHeader, runs: readonly RunRecord[]): string {
  const summaries = summarizeRuns(runs);
  const lines: string[] = [];
  lines.push(`# ssad results — preset ${header.preset}`, '');
  lines.push(`Dataset: ${header.dataset}${header.synthetic ? ' (synthetic)' : ''} · backend ${header.backend} · started ${header.startedAt}`, '');
  lines.push(`Mean ± std over seeds. F1-SCORE is at the threshold chosen on the validation split of normal images.`, '');
  lines.push(`| Category | seeds | ${COLUMNS.map((c) => c[0]).join(' | ')} |`);
  lines.push(`|---|---|${COLUMNS.map(() => '---').join('|')}|`);
  for (const s of summaries) {
    const cells = COLUMNS.map(([, k]) => formatMeanStd(s.stats[k]));
    const seeds = s.failed.length ? `${s.seeds.length} (${s.failed.length} failed)` : String(s.seeds.length);
    lines.push(`| ${s.category} | ${seeds} | ${cells.join(' | ')} |`);
  }
  const avg = COLUMNS.map(([, k]) => formatMeanStd(averageRow(summaries, k)));
  lines.push(`| **average** | | ${avg.join(' | ')} |`, '');

  const withEmb = summaries.filter((s) => Object.keys(s.embeddings).length > 0);
  if (withEmb.length) {
    lines.push('## Image AUROC by scored embedding', '');
    lines.push(`| Category | ${EMBEDDINGS.join(' | ')} |`, `|---|${EMBEDDINGS.map(() => '---').join('|')}|`);
    for (const s of withEmb) lines.push(`| ${s.category} | ${EMBEDDINGS.map((e) => (s.embeddings[e] ? formatMeanStd(s.embeddings[e]!) : '–')).join(' | ')} |`);
    const embAvg = EMBEDDINGS.map((e) => formatMeanStd(meanStd(withEmb.filter((s) => s.embeddings[e]).map((s) => s.embeddings[e]!.mean))));
    lines.push(`| **average** | ${embAvg.join(' | ')} |`, '');
  }
  const withScores = summaries.filter((s) => Object.keys(s.imageScores).length > 0);
  if (withScores.length) {
    lines.push('## Image AUROC by image score', '');
    lines.push('gaussian: the global density on the scored embedding; patch: the maximum of the patch map; fused: the sum of both, each as a z-score on the validation normals.', '');
    lines.push(`| Category | ${IMAGE_SCORES.join(' | ')} |`, `|---|${IMAGE_SCORES.map(() => '---').join('|')}|`);
    for (const s of withScores) lines.push(`| ${s.category} | ${IMAGE_SCORES.map((k) => (s.imageScores[k] ? formatMeanStd(s.imageScores[k]!) : '–')).join(' | ')} |`);
    const avg = IMAGE_SCORES.map((k) => formatMeanStd(meanStd(withScores.filter((s) => s.imageScores[k]).map((s) => s.imageScores[k]!.mean))));
    lines.push(`| **average** | ${avg.join(' | ')} |`, '');
  }
  const withLoc = summaries.filter((s) => Object.keys(s.localizations).length > 0);
  if (withLoc.length) {
    lines.push('## Localisation by method', '');
    lines.push(`| Category | ${LOCALIZATIONS.map((l) => `AUPRO ${l} | pixel AUROC ${l}`).join(' | ')} |`, `|---|${LOCALIZATIONS.map(() => '---|---').join('|')}|`);
    const cell = (s: CategorySummary, l: Localization) => {
      const v = s.localizations[l];
      return v ? `${formatMeanStd(v.aupro)} | ${formatMeanStd(v.pixelAuroc)}` : '– | –';
    };
    for (const s of withLoc) lines.push(`| ${s.category} | ${LOCALIZATIONS.map((l) => cell(s, l)).join(' | ')} |`);
    const avg = LOCALIZATIONS.map((l) => {
      const has = withLoc.filter((s) => s.localizations[l]);
      return `${formatMeanStd(meanStd(has.map((s) => s.localizations[l]!.aupro.mean)))} | ${formatMeanStd(meanStd(has.map((s) => s.localizations[l]!.pixelAuroc.mean)))}`;
    });
    lines.push(`| **average** | ${avg.join(' | ')} |`, '');
  }
  const failures = runs.filter((r) => r.status === 'failed');
  if (failures.length) {
    lines.push('## Failed runs', '');
    for (const f of failures) lines.push(`- ${f.category} seed ${f.seed}: ${(f.error ?? '').split('\n')[0]}`);
    lines.push('');
  }
  return lines.join('\n');
}

const csvCell = (v: unknown) => {
  const s = v === undefined || v === null || (typeof v === 'number' && !Number.isFinite(v)) ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function resultsCsv(runs: readonly RunRecord[]): string {
  const head = ['category', 'seed', 'status', 'auroc', 'f1_at_threshold', 'f1_max', 'aupro', 'pixel_auroc', 'threshold', 'embedding',
    ...EMBEDDINGS.map((e) => `auroc_${e}`), 'image_score', ...IMAGE_SCORES.map((k) => `auroc_score_${k}`), 'localization',
    ...LOCALIZATIONS.flatMap((l) => [`aupro_${l}`, `pixel_auroc_${l}`]), 'seconds', 'error'];
  const rows = runs.map((r) => {
    const m = r.metrics;
    return [r.category, r.seed, r.status, m?.imageAuroc, m?.f1AtThreshold, m?.f1Max, m?.aupro, m?.pixelAuroc, m?.threshold, m?.embedding,
      ...EMBEDDINGS.map((e) => m?.embeddings[e]?.imageAuroc), m?.imageScore, ...IMAGE_SCORES.map((k) => m?.imageScores?.[k]?.imageAuroc),
      m?.localization, ...LOCALIZATIONS.flatMap((l) => [m?.localizations?.[l]?.aupro, m?.localizations?.[l]?.pixelAuroc]),
      r.seconds.toFixed(1), r.error?.split('\n')[0]].map(csvCell).join(',');
  });
  return [head.join(','), ...rows].join('\n') + '\n';
}

export function writeResults(outDir: string, header: SweepHeader, runs: readonly RunRecord[], finished: boolean): void {
  // Each file atomically: a sweep killed while writing them leaves the previous complete versions.
  ensureFolder(outDir);
  writeFileAtomic(path.join(outDir, 'results.md'), resultsMarkdown(header, runs));
  writeFileAtomic(path.join(outDir, 'results.csv'), resultsCsv(runs));
  const wall = (Date.now() - Date.parse(header.startedAt)) / 1000;
  writeJsonAtomic(path.join(outDir, 'results.json'), {
    ...header,
    finished,
    finishedAt: finished ? new Date().toISOString() : null,
    timings: { wallSeconds: wall, runSeconds: runs.reduce((a, r) => a + r.seconds, 0) },
    summary: summarizeRuns(runs),
    runs: runs.map((r) => ({ ...r, runDir: path.relative(outDir, r.runDir) })),
  });
}
