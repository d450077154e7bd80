// The line printed when a (category, seed) has ended, the same for the local sweep and the queue's coordinator.
import { formatDuration, type RunRecord } from '@ssad/pipeline';

export function formatRunLine(rec: RunRecord, index: number, total: number): string {
  const m = rec.metrics;
  const what =
    rec.status === 'failed'
      ? `FAILED: ${rec.error}`
      : `${rec.status === 'skipped' ? 'already done' : 'done'}: AUROC ${m!.imageAuroc.toFixed(4)} F1 ${m!.f1AtThreshold.toFixed(4)} AU-PRO ${m!.aupro.toFixed(4)}`;
  return `   [${index + 1}/${total}] ${rec.category} seed ${rec.seed} ${what} (${formatDuration(rec.seconds)})`;
}
