// A queue worker: takes (category, seed) jobs and runs each like the local sweep (run-job.ts), returning the run's
// metrics and folder as the job's result. Stopping gives a running job back; a killed worker's job is found by
// BullMQ's stalled-job check once its lock expires, and another worker takes it.
import path from 'node:path';
import { Worker } from 'bullmq';
import type { PipelineEvent } from '@ssad/pipeline';
import { checkReachable, queueConnection } from './connection.js';
import { watchIdle } from './idle-watch.js';
import { QUEUE_NAME, type SweepJobData, type SweepJobResult } from './jobs.js';
import type { RedisTarget } from './redis-url.js';
import { runJob } from './run-job.js';

export interface WorkerSettings {
  target: RedisTarget;
  /** Run folders go to <outRoot>/<the job's outName>/<category>/seed-<n>. */
  outRoot: string;
  concurrency: number;
  /** Shown as the job's worker (BullMQ's processedBy) in the coordinator's progress. */
  name: string;
  /** A job whose lock is not renewed for this long counts as stalled and goes back to the queue. */
  lockSeconds: number;
  /** Stop once the queue has been empty this long (idle-watch.ts); undefined: run until stopped. */
  idleExitSeconds?: number;
  signal?: AbortSignal;
  say: (line: string) => void;
  onEvent?: (label: string, e: PipelineEvent) => void;
}

export interface WorkerSummary {
  jobs: number;
  stoppedBy: 'signal' | 'idle';
}

// While Redis is down every reconnect attempt repeats the same error; one line per message and interval is enough.
const ERROR_REPEAT_MS = 30_000;
// Stalled checks need not run more often than this, however long the lock.
const MAX_STALLED_INTERVAL_MS = 30_000;

export async function runWorker(o: WorkerSettings): Promise<WorkerSummary> {
  const version = await checkReachable(o.target);
  const stop = new AbortController();
  let stoppedBy = 'signal' as WorkerSummary['stoppedBy'];
  if (o.signal?.aborted) stop.abort();
  o.signal?.addEventListener('abort', () => stop.abort(), { once: true });
  let active = 0;
  let jobs = 0;
  const context = { worker: o.name, outRoot: o.outRoot, lockSeconds: o.lockSeconds, stop: stop.signal, say: o.say, onEvent: o.onEvent };
  const worker = new Worker<SweepJobData, SweepJobResult>(
    QUEUE_NAME,
    async (job, token) => {
      active++;
      jobs++;
      try {
        return await runJob(job, token, context);
      } finally {
        active--;
      }
    },
    {
      connection: queueConnection(o.target, 'worker'),
      concurrency: o.concurrency,
      name: o.name,
      lockDuration: o.lockSeconds * 1000,
      stalledInterval: Math.min(MAX_STALLED_INTERVAL_MS, (o.lockSeconds * 1000) / 2),
      // A job whose worker dies twice is still given a third worker before it counts as failed.
      maxStalledCount: 2,
      autorun: false,
    },
  );
  let lastError = { text: '', at: 0 };
  worker.on('error', (err) => {
    const now = Date.now();
    if (err.message === lastError.text && now - lastError.at < ERROR_REPEAT_MS) return;
    lastError = { text: err.message, at: now };
    o.say(`queue error (${o.target.display}): ${err.message}`);
  });
  worker.on('stalled', (jobId) => o.say(`job ${jobId} stalled (its worker stopped renewing the lock): back in the queue`));

  await worker.waitUntilReady();
  o.say(`worker ${o.name} on queue "${QUEUE_NAME}" at ${o.target.display} (Redis ${version}), concurrency ${o.concurrency}, run folders under ${path.resolve(o.outRoot)}`);
  const running = worker.run();
  const idle =
    o.idleExitSeconds === undefined
      ? undefined
      : watchIdle(o.target, o.idleExitSeconds, () => active, () => {
          stoppedBy = 'idle';
          stop.abort();
        });
  if (!stop.signal.aborted) await new Promise((resolve) => stop.signal.addEventListener('abort', resolve, { once: true }));
  await idle?.close();
  o.say(stoppedBy === 'idle' ? `the queue has been empty for ${o.idleExitSeconds} s after its jobs: stopping` : active ? 'stopping: giving the running job back to the queue' : 'stopping');
  // Waits for running jobs, which see `stop` and give their job back.
  await worker.close();
  await running;
  return { jobs, stoppedBy };
}
