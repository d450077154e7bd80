// The line printed when a (category, seed) has ended, the same for the local sweep and the queue's coordinator.
import { formatDuration, type RunRecord } from '@ssad/pipeline';

// Pixel metrics are null for a category without defect masks.
const num = (v: number | null) => (v === null ? '–' : v.toFixed(4));

export function formatRunLine(rec: RunRecord, index: number, total: number): string {
  const m = rec.metrics;
  const what =
    rec.status === 'failed'
      ? `FAILED: ${rec.error}`
      : `${rec.status === 'skipped' ? 'already done' : 'done'}: AUROC ${num(m!.imageAuroc)} F1 ${num(m!.f1AtThreshold)} AU-PRO ${num(m!.aupro)}`;
  return `   [${index + 1}/${total}] ${rec.category} seed ${rec.seed} ${what} (${formatDuration(rec.seconds)})`;
}
