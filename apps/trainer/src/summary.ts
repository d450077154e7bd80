// The one-line result train and evaluate both print, so a re-evaluation reads like the run it re-scores.
import path from 'node:path';
import type { RunMetrics } from '@ssad/pipeline';

const f = (v: number) => v.toFixed(4);

export function summaryLine(m: RunMetrics, outDir: string): string {
  const pixel =
    m.pixelAuroc === null || m.aupro === null
      ? 'pixel metrics skipped (no masks)'
      : `pixel AUROC ${f(m.pixelAuroc)} · AU-PRO ${f(m.aupro)} (${m.localization} maps)`;
  const wrong = m.testImages?.filter((r) => (r.decision === 'anomalous') !== (r.label === 1)).length;
  const missed = wrong === undefined ? '' : ` · ${wrong} of ${m.testImages!.length} test images misjudged at the threshold`;
  return (
    `${m.category} seed ${m.seed}: image AUROC ${f(m.imageAuroc)} · F1 ${f(m.f1AtThreshold)} (max ${f(m.f1Max)}) · ${pixel} · ` +
    `${m.imageScore} image score${missed} → ${path.join(outDir, 'report.html')}`
  );
}
