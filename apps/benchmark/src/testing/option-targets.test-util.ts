// The option fuzz targets of `ssad-benchmark` (tools/fuzz/cli-options.ts): the sweep's and the worker's
// parse-and-check steps. Run by cli-options-fuzz.spec.ts and `nx run benchmark:fuzz`.
import path from 'node:path';
import * as fc from 'fast-check';
import { optionTarget, pathFixture } from '../../../../tools/fuzz/cli-options.js';
import type { FuzzTarget } from '../../../../tools/fuzz/harness.js';
import { parseSweep, SWEEP_ARGS } from '../sweep-command.js';
import { parseWorker, WORKER_ARGS } from '../worker-command.js';

const QUEUE_URLS = fc.oneof(
  fc.constantFrom(
    'redis://', 'redis://h', 'redis://:pw@h', 'redis://h:0', 'redis://h:65535', 'redis://h:65536', 'redis://h/abc', 'redis://h/99999', 'redis://h/-1',
    'redis://%zz:x@h', 'redis://u:%E0%A4%A@h', 'redis://h?x=1', 'redis://h#f', 'redis://[::1]:6379/0', 'rediss://h', 'http://h', 'redis:h', 'redis:///0',
  ),
  fc.webUrl({ withQueryParameters: true, withFragments: true }).map((u) => u.replace(/^https?/, 'redis')),
);

function parsed<T extends { help: boolean }>(r: T): Exclude<T, { help: true }> {
  if (r.help) throw new Error('help');
  return r as Exclude<T, { help: true }>;
}

export function benchmarkOptionTargets(): FuzzTarget<unknown>[] {
  const fx = pathFixture();
  return [
    optionTarget({
      name: 'benchmark-sweep',
      specs: SWEEP_ARGS,
      base: ['--data', fx.dir, '--preset', 'quick', '--out', path.join(fx.root, 'bench')],
      parse: (argv) => parsed(parseSweep(argv)).options,
      extra: { queue: QUEUE_URLS },
    }, fx),
    optionTarget({
      name: 'benchmark-worker',
      specs: WORKER_ARGS,
      base: ['--queue', 'redis://localhost:6379/0'],
      parse: (argv) => parsed(parseWorker(argv)).options,
      extra: { queue: QUEUE_URLS },
    }, fx),
  ] as FuzzTarget<unknown>[];
}
