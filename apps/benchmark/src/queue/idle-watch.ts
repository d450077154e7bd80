// `worker --idle-exit`: a worker on a batch machine ends once the sweep has drained. "Drained" means the whole
// queue, not just this worker: a job waiting for its retry delay or running on another worker (that may still be
// lost) keeps everyone available. The clock starts only once the queue has had work, so a worker started before
// the sweep is submitted waits for it.
import { Queue } from 'bullmq';
import { queueConnection } from './connection.js';
import { QUEUE_NAME } from './jobs.js';
import type { RedisTarget } from './redis-url.js';

const POLL_MS = 1000;

/** Calls onIdle once the queue, after having had work, has been empty (nothing waiting, delayed or active, here or
 * elsewhere) for `seconds`. */
export function watchIdle(target: RedisTarget, seconds: number, runningHere: () => number, onIdle: () => void): { close: () => Promise<void> } {
  const queue = new Queue(QUEUE_NAME, { connection: queueConnection(target, 'coordinator') });
  // The worker's own connection reports outages; here an unanswered count just means "not idle".
  queue.on('error', () => undefined);
  let hadWork = false;
  let emptySince: number | undefined;
  let polling = false;
  const timer = setInterval(async () => {
    if (polling) return;
    polling = true;
    try {
      const counts = runningHere() === 0 ? await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active') : { here: 1 };
      const empty = Object.values(counts).every((n) => n === 0);
      hadWork ||= !empty;
      emptySince = empty && hadWork ? (emptySince ?? Date.now()) : undefined;
      if (emptySince !== undefined && Date.now() - emptySince >= seconds * 1000) onIdle();
    } catch {
      emptySince = undefined;
    } finally {
      polling = false;
    }
  }, POLL_MS);
  return {
    close: async () => {
      clearInterval(timer);
      await queue.close();
    },
  };
}
