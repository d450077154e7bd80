// `ssad predict`: scores images or folders with a saved detector (a run folder works too) and lists each decision.
import path from 'node:path';
import { UsageError, formatHelp, parseArgs, predictImages, type ArgSpec, type ProgressRenderer } from '@ssad/pipeline';
import type { Io } from './io.js';

export const PREDICT_ARGS: ArgSpec[] = [
  { name: 'detector', type: 'string', path: 'dir', help: 'detector folder written by train (<run>/detector), or the run folder itself' },
  { name: 'out', type: 'string', path: 'out', default: './predictions', help: 'output folder: predictions.json, overlays/, masks/, maps/' },
  { name: 'image-size', type: 'int', min: 32, max: 1024, default: "the detector's", help: 'must equal the size the detector was trained at' },
  { name: 'help', type: 'flag', help: 'show this help' },
];

export async function predictCommand(argv: readonly string[], io: Io, r: ProgressRenderer): Promise<number> {
  const { options, positionals } = parseArgs(argv, PREDICT_ARGS);
  if (options.help) {
    io.write(formatHelp('usage: ssad predict --detector <dir> [--out dir] <images or folders>...', PREDICT_ARGS));
    return 0;
  }
  if (typeof options.detector !== 'string') throw new UsageError('--detector <dir> is required');
  if (positionals.length === 0) throw new UsageError('give at least one image or folder to score');
  const outDir = path.resolve(typeof options.out === 'string' ? options.out : 'predictions');
  const result = await predictImages(path.resolve(options.detector), positionals.map((p) => path.resolve(p)), outDir, {
    onEvent: (e) => r.handle(e),
    imageSize: options['image-size'] as number | undefined,
  });
  for (const p of result.predictions) {
    const normalized = p.normalizedScore === null ? '' : `${p.normalizedScore.toFixed(2)}  `;
    r.line(`${p.decision.padEnd(9)} ${normalized}${p.score.toFixed(4)}  ${p.path}`);
  }
  for (const e of result.errors) r.line(`error: ${e.path}: ${e.error}`);
  if (result.predictions.length === 0 && result.errors.length === 0) {
    r.line(`warning: no image files found in ${positionals.join(', ')} (folders are searched recursively); nothing scored`);
    return 1;
  }
  r.line(`${result.predictions.length} scored (columns: decision, 0–1 score, raw score), ${result.errors.length} errors → ${path.join(outDir, 'predictions.json')}`);
  return result.errors.length > 0 ? 1 : 0;
}
