// `ssad-benchmark worker --queue redis://…`: takes sweep jobs from the queue until stopped (Ctrl-C / SIGTERM give
// the running job back) or, with --idle-exit, until the queue has drained.
import os from 'node:os';
import { ProgressRenderer, UsageError, formatHelp, parseArgs, type ArgSpec } from '@ssad/pipeline';
import { runWorker } from './queue/worker.js';
import { parseRedisUrl } from './queue/redis-url.js';
import type { Io } from './io.js';

export const WORKER_ARGS: ArgSpec[] = [
  { name: 'queue', type: 'string', help: 'redis://host:port[/db] of the queue (required)' },
  { name: 'concurrency', type: 'int', min: 1, max: 64, help: 'jobs run at once in this process (default 1)' },
  { name: 'name', type: 'string', help: "this worker's name in the coordinator's progress (default <hostname>:<pid>)" },
  { name: 'out', type: 'string', path: 'out', help: 'run folders go to <out>/<sweep folder name>/<category>/seed-<n> (default runs)' },
  { name: 'lock-seconds', type: 'int', min: 5, max: 86400, help: 'a job not heard of for this long is given to another worker (default 300)' },
  { name: 'idle-exit', type: 'int', min: 1, max: 1e7, help: 'stop once the queue, after having had jobs, has had none waiting, retrying or running for this many seconds (default: never)' },
  { name: 'help', type: 'flag', help: 'show this help' },
];

/** The worker's arguments checked before it connects (the option fuzz target runs this). */
export function parseWorker(argv: readonly string[]) {
  const { options, positionals } = parseArgs(argv, WORKER_ARGS);
  if (options.help) return { help: true as const };
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}" (options start with --)`);
  if (options.queue === undefined) throw new UsageError('--queue: required (redis://host:port[/db])');
  return { help: false as const, options, target: parseRedisUrl(options.queue as string) };
}

export async function workerCommand(argv: readonly string[], io: Io): Promise<number> {
  const parsed = parseWorker(argv);
  if (parsed.help) {
    io.write(formatHelp('ssad-benchmark worker --queue redis://host:port[/db] [--concurrency 1] [--name <name>] [--out runs] [--lock-seconds 300] [--idle-exit <s>]', WORKER_ARGS));
    return 0;
  }
  const { options, target } = parsed;
  // Line by line even on a terminal: with --concurrency > 1 several jobs report at once, each line names its job.
  const r = new ProgressRenderer(io.write, false);
  const renderers = new Map<string, ProgressRenderer>();
  const summary = await runWorker({
    target,
    outRoot: (options.out as string | undefined) ?? 'runs',
    concurrency: (options.concurrency as number | undefined) ?? 1,
    name: (options.name as string | undefined) ?? `${os.hostname()}:${process.pid}`,
    lockSeconds: (options['lock-seconds'] as number | undefined) ?? 300,
    idleExitSeconds: options['idle-exit'] as number | undefined,
    signal: io.signal,
    say: (line) => r.line(line),
    onEvent: (label, e) => {
      if (!renderers.has(label)) renderers.set(label, new ProgressRenderer((s) => io.write(`${label}: ${s}`), false));
      renderers.get(label)!.handle(e);
    },
  });
  r.line(`worker stopped after ${summary.jobs} job${summary.jobs === 1 ? '' : 's'}`);
  return 0;
}
