// ssad benchmark: `all` (the default) sweeps categories × seeds here or through a queue; `worker` serves a queue.
// Parsing, dispatch and printing only.
import { ProgressRenderer, UsageError, errorMessage } from '@ssad/pipeline';
import type { Io } from './io.js';
import { sweepCommand } from './sweep-command.js';
import { workerCommand } from './worker-command.js';

export type { Io } from './io.js';

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const r = new ProgressRenderer(io.write, io.tty);
  try {
    if (argv[0] === 'worker') return await workerCommand(argv.slice(1), io);
    return await sweepCommand(argv[0] === 'all' ? argv.slice(1) : argv, io, r);
  } catch (err) {
    r.line(`error: ${errorMessage(err)}`);
    return err instanceof UsageError ? 2 : 1;
  }
}

/** What the first Ctrl-C / SIGTERM does, for the process to announce. */
export function stopNotice(argv: readonly string[]): string {
  if (argv[0] === 'worker') return 'stopping: the running job goes back to the queue after its current training step';
  if (argv.includes('--queue') || argv.some((a) => a.startsWith('--queue='))) return 'stopping to follow the queue (the jobs go on; rerun to re-attach)';
  return 'stopping after the current step (finished runs are kept; rerun to resume)';
}
