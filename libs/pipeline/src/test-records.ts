// The test split image by image (file, label, scores, decision: which images were missed) and image AUROC per
// defect type (each defect's images against all good test images), for metrics.json and the report.
import { auroc } from '@ssad/metrics';
import type { Sample } from '@ssad/data';
import type { ImageScoreName } from './options.js';
import type { DefectScores, TestImageRecord } from './run-metrics.js';

export function testImageRecords(
  test: readonly Sample[],
  chosen: Float64Array,
  all: Partial<Record<ImageScoreName, Float64Array>>,
  threshold: number,
): TestImageRecord[] {
  return test.map((s, i) => ({
    file: s.item.path,
    defect: s.item.defect,
    label: s.item.label,
    score: chosen[i],
    decision: chosen[i] >= threshold ? 'anomalous' : 'normal',
    scores: Object.fromEntries(Object.entries(all).map(([k, v]) => [k, v![i]])),
  }));
}

export function perDefectScores(records: readonly TestImageRecord[]): Record<string, DefectScores> {
  const good = records.filter((r) => r.label === 0);
  const types = [...new Set(records.map((r) => r.defect))].sort((a, b) => (a === 'good' ? -1 : b === 'good' ? 1 : a.localeCompare(b)));
  const out: Record<string, DefectScores> = {};
  for (const t of types) {
    const mine = records.filter((r) => r.defect === t);
    const flagged = mine.filter((r) => r.decision === 'anomalous').length;
    if (t === 'good' || good.length === 0) {
      out[t] = { images: mine.length, imageAuroc: null, flagged };
      continue;
    }
    const both = [...good, ...mine];
    out[t] = {
      images: mine.length,
      imageAuroc: auroc(Float64Array.from(both, (r) => r.score), Uint8Array.from(both, (r) => r.label)),
      flagged,
    };
  }
  return out;
}
