// The sweep through the queue: submit one job per (category, seed) that is not finished yet, follow them by polling
// until every one has ended, and write results.md / .csv / .json as the local sweep does (in the same order, from
// the metrics the workers return). Polling rather than event streams: a coordinator that reconnects, or starts
// again after being stopped, reads where each job stands instead of relying on events it may have missed.
import { Queue } from 'bullmq';
import { writeResults, type RunRecord, type SweepHeader, type SweepResult } from '@ssad/pipeline';
import { queueConnection } from './connection.js';
import { describeChange, readJob, type JobSnapshot } from './job-status.js';
import { QUEUE_NAME, jobIdFor, type SweepJobData, type SweepJobResult } from './jobs.js';
import type { RedisTarget } from './redis-url.js';

export interface QueuedSweepOptions {
  target: RedisTarget;
  /** In table order (categories × seeds, as the local sweep runs them). */
  jobs: readonly SweepJobData[];
  /** Tries per job before it is recorded as failed. */
  attempts: number;
  outDir: string;
  /** Where a failed run's error.txt would be, for the table (workers keep their folders). */
  runDirOf: (data: SweepJobData) => string;
  header: SweepHeader;
  pollMs?: number;
  /** Stops following (the jobs go on); the tables are written as unfinished. */
  signal?: AbortSignal;
  say: (line: string) => void;
  onRun?: (record: QueuedRunRecord, index: number, total: number) => void;
}

/** A table record plus where the run happened; results.json keeps these fields (its runDir is made relative to
 * the coordinator's --out, which names the right folder only on one machine or a shared --out). */
export type QueuedRunRecord = RunRecord & { worker?: string; workerRunDir?: string };

export interface QueuedSweepResult extends SweepResult {
  /** False when stopped before every job had ended. */
  complete: boolean;
}

const RETRY_DELAY_MS = 5000;
/** A Redis outage longer than this ends the coordinator (the jobs stay queued; rerunning re-attaches). */
const GIVE_UP_MS = 10 * 60_000;

/** Expects a reachable Redis (checkReachable): from here on, outages are waited out. */
export async function runQueuedSweep(o: QueuedSweepOptions): Promise<QueuedSweepResult> {
  const queue = new Queue<SweepJobData, SweepJobResult>(QUEUE_NAME, { connection: queueConnection(o.target, 'coordinator') });
  // Connection errors also reach the poll loop, which reports them; without a listener they would crash the process.
  queue.on('error', () => undefined);
  try {
    const total = o.jobs.length;
    const ids = o.jobs.map(jobIdFor);
    const add = (i: number) =>
      queue.add(`${o.jobs[i].options.category}/seed-${o.jobs[i].options.seed}`, o.jobs[i], {
        jobId: ids[i],
        attempts: o.attempts,
        backoff: { type: 'fixed', delay: RETRY_DELAY_MS },
        removeOnComplete: false,
        removeOnFail: false,
      });
    const counts = { new: 0, finished: 0, retried: 0, pending: 0 };
    for (let i = 0; i < total; i++) {
      const job = await queue.getJob(ids[i]);
      const state = job ? await job.getState() : 'missing';
      if (state === 'missing') await add(i);
      // A failed pair is tried again on a rerun, as the local sweep does.
      else if (state === 'failed') await job!.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      counts[state === 'missing' ? 'new' : state === 'completed' ? 'finished' : state === 'failed' ? 'retried' : 'pending']++;
    }
    o.say(
      `queue "${QUEUE_NAME}" at ${o.target.display}: ${total} jobs (${counts.new} new, ${counts.pending} already queued or running, ` +
        `${counts.retried} failed before and retried, ${counts.finished} finished before); sweep id ${ids[0]?.split('/')[0] ?? '–'}`,
    );

    const records: (RunRecord | undefined)[] = new Array(total);
    const seen = ids.map(() => ({ key: '', progress: '' }));
    const sayJob = (i: number, line: string) => o.say(`   [${i + 1}/${total}] ${o.jobs[i].options.category} seed ${o.jobs[i].options.seed} ${line}`);
    let outageSince: number | undefined;
    while (records.includes(undefined) && !o.signal?.aborted) {
      try {
        for (let i = 0; i < total && !o.signal?.aborted; i++) {
          if (records[i]) continue;
          const s = await readJob(queue, ids[i]);
          if (s.state === 'missing') {
            // Only a Redis that lost its data (restarted without persistence, flushed) loses a job: submit it again.
            sayJob(i, `is no longer in the queue (job ${ids[i]}): submitted again`);
            await add(i);
            continue;
          }
          const change = describeChange(s, seen[i]);
          seen[i] = change;
          for (const line of change.lines) sayJob(i, line);
          const record = finished(s, o.jobs[i], o.runDirOf(o.jobs[i]));
          if (!record) continue;
          records[i] = record;
          o.onRun?.(record, i, total);
          writeResults(o.outDir, o.header, records.filter((r): r is RunRecord => r !== undefined), false);
        }
        if (outageSince !== undefined) o.say(`Redis at ${o.target.display} is back`);
        outageSince = undefined;
      } catch (err) {
        if (outageSince === undefined) o.say(`Redis at ${o.target.display}: ${(err as Error).message}; retrying`);
        outageSince ??= Date.now();
        if (Date.now() - outageSince > GIVE_UP_MS)
          throw new Error(`Redis at ${o.target.display} unreachable for ${GIVE_UP_MS / 60_000} minutes; the jobs stay queued, rerun this command to re-attach`);
      }
      if (records.includes(undefined) && !o.signal?.aborted) await sleep(o.pollMs ?? 1000, o.signal);
    }
    const runs = records.filter((r): r is RunRecord => r !== undefined);
    const complete = runs.length === total;
    writeResults(o.outDir, o.header, runs, complete);
    return { runs, failed: runs.filter((r) => r.status === 'failed').length, complete };
  } finally {
    await queue.close();
  }
}

/** The table's record of a job that has ended, or undefined while it has not. */
function finished(s: JobSnapshot, data: SweepJobData, failedRunDir: string): QueuedRunRecord | undefined {
  const { category, seed } = data.options;
  const r = s.result;
  if (s.state === 'completed' && r?.metrics)
    return { category, seed, status: r.status, runDir: r.runDir, seconds: r.seconds, metrics: r.metrics, worker: r.worker, workerRunDir: r.runDir };
  // A completed job without metrics was not completed by this worker code; it ends here rather than being waited on.
  if (s.state === 'failed' || s.state === 'completed') {
    const error = s.state === 'failed' ? (s.failedReason ?? 'unknown error') : 'the job completed without run metrics';
    return { category, seed, status: 'failed', runDir: failedRunDir, seconds: s.seconds, error, worker: s.worker };
  }
  return undefined;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
