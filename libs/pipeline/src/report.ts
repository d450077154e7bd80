// report.html: the run's numbers and figures on one page (images linked relatively, so the run folder can be
// moved or zipped as a whole).
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '@ssad/models';
import type { ExperimentOptions } from './options.js';
import type { RunMetrics } from './run-metrics.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const num = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '–' : v.toFixed(4));

export interface ReportFigure {
  title: string;
  /** Path relative to the run folder. */
  file: string;
}

export function reportHtml(metrics: RunMetrics, options: ExperimentOptions, figures: readonly ReportFigure[]): string {
  const rows: [string, string][] = [
    ['Image AUROC', num(metrics.imageAuroc)],
    ['F1 at validation threshold', `${num(metrics.f1AtThreshold)} (threshold ${num(metrics.threshold)})`],
    ['F1 max', `${num(metrics.f1Max)} (threshold ${num(metrics.f1MaxThreshold)})`],
    ...Object.entries(metrics.localizations).flatMap(([method, l]): [string, string][] => [
      [`Pixel AUROC (${method}${method === metrics.localization ? ', headline' : ''})`, num(l!.pixelAuroc)],
      [`AU-PRO, FPR ≤ 0.3 (${method}${method === metrics.localization ? ', headline' : ''})`, num(l!.aupro)],
    ]),
    ...(metrics.masks === false ? [['Pixel metrics', 'skipped: the test set has no ground-truth masks'] as [string, string]] : []),
  ];
  const scores = Object.entries(metrics.imageScores).map(
    ([name, s]) => `<tr><td>${esc(name)}${name === metrics.imageScore ? ' (detector)' : ''}</td><td>${num(s!.imageAuroc)}</td><td>${num(s!.f1Max)}</td><td>${num(s!.f1AtThreshold)}</td></tr>`,
  );
  const emb = Object.entries(metrics.embeddings).map(
    ([name, s]) => `<tr><td>${esc(name)}${name === metrics.embedding ? ' (detector)' : ''}</td><td>${num(s!.imageAuroc)}</td><td>${num(s!.f1Max)}</td><td>${num(s!.f1AtThreshold)}</td></tr>`,
  );
  const settings = Object.entries(options)
    .filter(([k]) => k !== 'outDir')
    .map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(String(v ?? '–'))}</td></tr>`);
  const trainedElsewhere = metrics.evaluatedFrom !== undefined;
  const timings = Object.entries(metrics.timings).map(
    ([k, v]) => `<tr><td>${esc(k)}${k === 'train' && trainedElsewhere ? ' (training run)' : ''}</td><td>${v.toFixed(1)} s</td></tr>`,
  );
  const versions = Object.entries(metrics.versions ?? {}).map(([k, v]) => `${esc(k)} ${esc(v)}`).join(' · ');
  const figs = figures.map((f) => `<figure><img src="${esc(f.file)}" alt="${esc(f.title)}"><figcaption>${esc(f.title)}</figcaption></figure>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>ssad — ${esc(metrics.category)} seed ${metrics.seed}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .7em;text-align:left}
figure{display:inline-block;margin:1em;vertical-align:top;max-width:100%}img{max-width:100%;border:1px solid #ddd}
figcaption{font-size:.9em;color:#555}tr.wrong td{background:#fde2e2}
</style></head><body>
<h1>${esc(metrics.category)} — seed ${metrics.seed}</h1>
<p>Dataset ${esc(metrics.dataset)} · preset ${esc(metrics.preset)} · ${metrics.imageSize} px · backend ${esc(metrics.backend)} ·
weights ${esc(metrics.weights ?? 'random init')} · detector scores the <b>${esc(metrics.embedding)}</b> embedding ·
${metrics.counts.train} train / ${metrics.counts.validation} validation / ${metrics.counts.test} test (${metrics.counts.testAnomalous} anomalous)</p>
<h2>Metrics (image score: ${esc(metrics.imageScore)})</h2>
<table>${rows.map(([a, b]) => `<tr><th>${esc(a)}</th><td>${esc(b)}</td></tr>`).join('')}</table>
<h2>Image scores compared</h2>
<table><tr><th>image score</th><th>image AUROC</th><th>F1 max</th><th>F1 at threshold</th></tr>${scores.join('')}</table>
<h2>Embeddings compared (Gaussian score)</h2>
<table><tr><th>embedding</th><th>image AUROC</th><th>F1 max</th><th>F1 at threshold</th></tr>${emb.join('')}</table>
${defectTable(metrics)}
<h2>Figures</h2>
${figs.join('\n')}
${imageTable(metrics)}
<h2>Settings</h2><table>${settings.join('')}</table>
<h2>Timings</h2><table>${timings.join('')}</table>
<p>Finished ${esc(metrics.finishedAt)}${trainedElsewhere ? ` · re-evaluates the network trained in ${esc(metrics.evaluatedFrom!)}` : ''}${versions ? ` · ${versions}` : ''}</p>
</body></html>
`;
}

function defectTable(m: RunMetrics): string {
  if (!m.perDefect) return '';
  const rows = Object.entries(m.perDefect).map(([defect, d]) => {
    const caught = defect === 'good' ? `${d.flagged} false alarm${d.flagged === 1 ? '' : 's'}` : `${d.flagged} of ${d.images} caught`;
    return `<tr><td>${esc(defect)}</td><td>${d.images}</td><td>${num(d.imageAuroc ?? undefined)}</td><td>${caught}</td></tr>`;
  });
  return `<h2>By defect type</h2>
<p>Image AUROC of each defect type against the good test images; caught: decided anomalous at the threshold.</p>
<table><tr><th>type</th><th>images</th><th>image AUROC</th><th>at the threshold</th></tr>${rows.join('')}</table>`;
}

/** Every test image, missed ones first: a defect decided normal or a good image decided anomalous. */
function imageTable(m: RunMetrics): string {
  if (!m.testImages) return '';
  const wrong = (r: (typeof m.testImages)[number]) => (r.decision === 'anomalous') !== (r.label === 1);
  const sorted = [...m.testImages].sort((a, b) => Number(wrong(b)) - Number(wrong(a)) || b.score - a.score);
  const rows = sorted.map(
    (r) =>
      `<tr${wrong(r) ? ' class="wrong"' : ''}><td title="${esc(r.file)}">${esc(path.basename(r.file))}</td><td>${esc(r.defect)}</td>` +
      `<td>${num(r.score)}</td><td>${r.decision}${wrong(r) ? (r.label === 1 ? ' (missed)' : ' (false alarm)') : ''}</td></tr>`,
  );
  return `<h2>Test images (${esc(m.imageScore)} score, threshold ${num(m.threshold)})</h2>
<table><tr><th>file</th><th>type</th><th>score</th><th>decision</th></tr>${rows.join('')}</table>`;
}

export function writeReport(runDir: string, metrics: RunMetrics, options: ExperimentOptions, figures: readonly ReportFigure[]): void {
  const present = figures.filter((f) => fs.existsSync(path.join(runDir, f.file)));
  writeFileAtomic(path.join(runDir, 'report.html'), reportHtml(metrics, options, present));
}
