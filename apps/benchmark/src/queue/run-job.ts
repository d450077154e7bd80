// One job on a worker: the local sweep's runPair around runExperiment, into the worker's own run folder, with
// progress on the job. When the worker is stopping, the job goes back to the queue instead of failing: training
// halts after its current step and the epoch checkpoint in the run folder lets a worker sharing it resume.
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WaitingError, type Job } from 'bullmq';
import { runDirFor, runExperiment, runPair, type PipelineEvent } from '@ssad/pipeline';
import { jobProgressReporter } from './job-progress.js';
import type { SweepJobData, SweepJobResult } from './jobs.js';

export interface JobContext {
  worker: string;
  outRoot: string;
  lockSeconds: number;
  stop: AbortSignal;
  say: (line: string) => void;
  onEvent?: (label: string, e: PipelineEvent) => void;
}

export async function runJob(job: Job<SweepJobData, SweepJobResult>, token: string | undefined, c: JobContext): Promise<SweepJobResult> {
  const { options, outName } = job.data;
  const label = `${options.category} seed ${options.seed}`;
  if (!c.stop.aborted) {
    const runDir = runDirFor(path.resolve(c.outRoot, outName), options.category, options.seed);
    c.say(`── ${label}: job ${job.id}, attempt ${job.attemptsMade + 1}/${job.opts.attempts ?? 1}, run folder ${runDir}`);
    const report = jobProgressReporter(c.worker, (p) => {
      // Progress is advisory: an update lost while Redis is away changes nothing.
      job.updateProgress(p).catch(() => undefined);
    });
    report({ kind: 'phase', phase: 'start', message: `run folder ${runDir}` });
    // BullMQ renews the job's lock from the event loop, so a job that blocks it longer than the lock looks stalled.
    const delay = monitorEventLoopDelay({ resolution: 50 });
    delay.enable();
    const onEvent = (e: PipelineEvent) => {
      c.onEvent?.(label, e);
      report(e);
    };
    let record;
    try {
      // A full disk or an unwritable run folder throws here (runPair does not record it as the pair's failure):
      // the job fails and is retried, perhaps on a worker with room.
      record = await runPair(options.category, options.seed, runDir, () =>
        runExperiment({ ...options, outDir: runDir }, { onEvent, signal: c.stop, resume: true }),
      );
    } finally {
      delay.disable();
    }
    const blocked = delay.max / 1e9;
    if (blocked > c.lockSeconds / 2)
      c.say(`${label}: warning: the event loop was blocked for ${blocked.toFixed(1)} s (lock ${c.lockSeconds} s); raise --lock-seconds if jobs are reported stalled`);
    if (record.status !== 'failed') {
      c.say(`${label}: ${record.status === 'skipped' ? 'already done in' : 'done,'} ${runDir}`);
      return { status: record.status, seconds: record.seconds, metrics: record.metrics!, runDir, worker: c.worker };
    }
    if (!c.stop.aborted) {
      c.say(`${label}: FAILED: ${record.error}`);
      throw new Error(record.error);
    }
  }
  await job.moveToWait(token);
  c.say(`${label}: given back to the queue`);
  throw new WaitingError();
}
