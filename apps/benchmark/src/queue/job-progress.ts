// What a worker tells the queue about a running job: phases and epoch summaries as they happen, training steps at
// most every STEP_INTERVAL_MS (an epoch of the paper preset takes minutes). The coordinator prints these lines.
import { formatEpoch, formatStep, type PipelineEvent } from '@ssad/pipeline';
import type { SweepJobProgress } from './jobs.js';

const STEP_INTERVAL_MS = 30_000;

export function jobProgressReporter(worker: string, update: (p: SweepJobProgress) => void, now: () => number = Date.now): (e: PipelineEvent) => void {
  let lastStep = now();
  return (e) => {
    if (e.kind === 'count') return;
    if (e.kind === 'step') {
      if (now() - lastStep < STEP_INTERVAL_MS) return;
      lastStep = now();
    }
    const text = e.kind === 'phase' ? `[${e.phase}] ${e.message}` : e.kind === 'epoch' ? formatEpoch(e) : formatStep(e);
    update({ worker, text });
  };
}
