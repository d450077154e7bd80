// `ssad export`: a run's detector as a scoring bundle that loads and scores without the run folder (Node:
// readBundle from @ssad/models; browsers: ScoringBundle.fromFiles on the fetched files).
import path from 'node:path';
import { UsageError, exportBundle, formatHelp, parseArgs, type ArgSpec, type ProgressRenderer } from '@ssad/pipeline';
import type { Io } from './io.js';

export const EXPORT_ARGS: ArgSpec[] = [
  { name: 'detector', type: 'string', path: 'dir', help: 'detector folder written by train (<run>/detector), or the run folder itself' },
  { name: 'out', type: 'string', path: 'out', default: '<run>/bundle', help: 'bundle folder to write (bundle.json, detector.json, *.safetensors)' },
  { name: 'help', type: 'flag', help: 'show this help' },
];

export async function exportCommand(argv: readonly string[], io: Io, r: ProgressRenderer): Promise<number> {
  const { options, positionals } = parseArgs(argv, EXPORT_ARGS);
  if (options.help) {
    io.write(formatHelp('usage: ssad export --detector <run or detector folder> [--out <bundle dir>]', EXPORT_ARGS));
    return 0;
  }
  if (positionals.length) throw new UsageError(`export takes no positional arguments (got "${positionals[0]}")`);
  if (typeof options.detector !== 'string') throw new UsageError('--detector <run or detector folder> is required');
  const given = path.resolve(options.detector);
  // The default sits beside the detector, inside its run folder.
  const outDir = typeof options.out === 'string' ? path.resolve(options.out) : path.join(path.basename(given) === 'detector' ? path.dirname(given) : given, 'bundle');
  const result = await exportBundle(given, outDir);
  r.line(`bundle of ${result.detector} → ${result.outDir} (${result.files.join(', ')}); load it with readBundle() from @ssad/models`);
  return 0;
}
