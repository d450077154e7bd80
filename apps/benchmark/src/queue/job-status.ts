// One job as the coordinator sees it on each poll, and the line it prints when that view changes (queued, running
// on which worker, its latest epoch or phase, a retry after a failed attempt).
import type { Queue } from 'bullmq';
import type { SweepJobData, SweepJobProgress, SweepJobResult } from './jobs.js';

export type SweepQueue = Queue<SweepJobData, SweepJobResult>;

export interface JobSnapshot {
  state: 'missing' | 'unknown' | 'completed' | 'failed' | 'active' | 'delayed' | 'prioritized' | 'waiting' | 'waiting-children';
  /** The worker that took it last (BullMQ's processedBy). */
  worker?: string;
  progress?: SweepJobProgress;
  attemptsMade: number;
  attempts: number;
  failedReason?: string;
  result?: SweepJobResult;
  /** Wall time of the last attempt, from the worker's start to its end. */
  seconds: number;
}

export async function readJob(queue: SweepQueue, id: string): Promise<JobSnapshot> {
  // State first, then the data: a job seen completed then has its result in the data read after.
  const state = await queue.getJobState(id);
  const job = await queue.getJob(id);
  if (!job) return { state: 'missing', attemptsMade: 0, attempts: 0, seconds: 0 };
  const progress = job.progress;
  return {
    state,
    worker: job.processedBy,
    progress: typeof progress === 'object' && progress !== null && 'text' in progress ? (progress as SweepJobProgress) : undefined,
    attemptsMade: job.attemptsMade,
    attempts: job.opts.attempts ?? 1,
    failedReason: job.failedReason || undefined,
    result: job.returnvalue ?? undefined,
    seconds: job.finishedOn && job.processedOn ? (job.finishedOn - job.processedOn) / 1000 : 0,
  };
}

/**
 * What changed since the last poll, as lines (empty when nothing did). `key` is kept by the caller and passed back.
 * Finished states are left to the caller, which prints them in the local sweep's format.
 */
export function describeChange(s: JobSnapshot, last: { key: string; progress: string }): { key: string; progress: string; lines: string[] } {
  const lines: string[] = [];
  let key: string = s.state;
  if (s.state === 'active') {
    key = `active ${s.worker} ${s.attemptsMade}`;
    if (key !== last.key) lines.push(`running on ${s.worker ?? 'a worker'} (attempt ${s.attemptsMade + 1}/${s.attempts})`);
  } else if (s.state === 'delayed') {
    key = `delayed ${s.attemptsMade}`;
    if (key !== last.key) lines.push(`attempt ${s.attemptsMade}/${s.attempts} failed: ${firstLine(s.failedReason)}; retrying`);
  } else if (s.state === 'waiting' || s.state === 'prioritized') {
    key = 'waiting';
    if (key !== last.key)
      lines.push(last.key.startsWith('active') ? `back in the queue (${last.key.split(' ')[1]} gave it back or stopped answering)` : 'queued');
  }
  const text = s.state === 'active' && s.progress && s.progress.worker === s.worker ? s.progress.text : last.progress;
  if (text !== last.progress) lines.push(`${s.worker}: ${text}`);
  return { key, progress: text, lines };
}

function firstLine(text: string | undefined): string {
  return (text ?? 'unknown error').split('\n')[0];
}
