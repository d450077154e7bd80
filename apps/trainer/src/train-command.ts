// `ssad train`: one category from an MVTec-layout root, a single category folder, or plain folders of own images
// (--train / --test-good / --test-defect / --masks). The run folder rules (no silent replacing, --resume needs a
// checkpoint) are checked before any work starts.
import path from 'node:path';
import {
  EXPERIMENT_ARGS, UsageError, optionError, categoryFolder, experimentOverrides, formatHelp, parseArgs, prepareRunFolder, resolveOptions, runExperiment,
  type ArgSpec, type ExperimentOptions, type FolderData, type ParsedValue, type ProgressRenderer,
} from '@ssad/pipeline';
import type { Io } from './io.js';
import { summaryLine } from './summary.js';

export const TRAIN_ARGS: ArgSpec[] = [
  { name: 'category', type: 'string', default: 'the --data folder\'s or --train folder\'s name', help: 'category folder under --data (synthetic: one of its categories)' },
  { name: 'seed', type: 'int', min: 0, max: 2 ** 31 - 1, default: '0', help: 'seed of initialisation, splits and pretext samples' },
  ...EXPERIMENT_ARGS,
  { name: 'train', type: 'string', path: 'dir', help: 'own data: a folder of good images to train on (instead of --data)' },
  { name: 'test-good', type: 'string', path: 'dir', default: 'a seeded 20% of --train', help: 'own data: good test images' },
  { name: 'test-defect', type: 'list', path: 'dir', help: 'own data: comma-separated folders of defective test images, one per defect type' },
  { name: 'masks', type: 'list', path: 'dir', default: 'none: image metrics only', help: 'own data: mask folders, one per --test-defect folder (<name>.png or <name>_mask.png)' },
  { name: 'resume', type: 'flag', help: 'continue the interrupted run in --out from its checkpoint (same settings required)' },
  { name: 'overwrite', type: 'flag', help: 'replace a run already in --out' },
  { name: 'keep-checkpoint', type: 'flag', help: 'keep --out/checkpoint (89 MB at 256 px) after the run has finished' },
  { name: 'help', type: 'flag', help: 'show this help' },
];

export const TRAIN_USAGE = 'ssad train (--data <root> --category <name> | --data <category folder> | --train <good images> --test-defect <dirs>) [options]';

/** A folder name usable as a category: the --train folder's, or its parent's when it is called good or train. */
function categoryOf(trainDir: string): string {
  let dir = path.resolve(trainDir);
  while (['good', 'train'].includes(path.basename(dir)) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.basename(dir).replace(/[^A-Za-z0-9_.-]/g, '_') || 'own';
}

function folderData(options: Record<string, ParsedValue>): FolderData | undefined {
  const abs = (v: ParsedValue | undefined) => (typeof v === 'string' ? path.resolve(v) : undefined);
  const list = (v: ParsedValue | undefined) => (v === undefined ? undefined : (v as string[]).map((d) => path.resolve(d)));
  if (options.train === undefined) {
    const stray = ['test-good', 'test-defect', 'masks'].find((k) => options[k] !== undefined);
    if (stray) throw new UsageError(`--${stray} describes own data and needs --train <folder of good images>`);
    return undefined;
  }
  if (options.data !== undefined) throw new UsageError('--train and --data exclude each other (own folders, or an MVTec-layout dataset)');
  const testDefect = list(options['test-defect']);
  if (!testDefect) throw new UsageError('--train needs --test-defect <folder>[,<folder>…]: defective test images to measure the detector on');
  return { train: abs(options.train)!, testGood: abs(options['test-good']), testDefect, masks: list(options.masks) };
}

/** Train's arguments checked and resolved, before anything is read or written (the option fuzz target runs this). */
export function parseTrain(argv: readonly string[]): { help: true } | { help: false; options: Record<string, ParsedValue>; opts: ExperimentOptions } {
  const { options, positionals } = parseArgs(argv, TRAIN_ARGS);
  if (options.help) return { help: true };
  if (positionals.length) throw new UsageError(`train takes no positional arguments (got "${positionals[0]}")`);
  const overrides = experimentOverrides(options);
  const folders = folderData(options);
  let category = options.category as string | undefined;
  if (folders) category ??= categoryOf(folders.train);
  else if (overrides.dataRoot !== undefined && category === undefined) {
    // --data pointing at one category folder (train/ and test/ inside): its parent is the root.
    const own = categoryFolder(overrides.dataRoot);
    if (own) {
      overrides.dataRoot = own.root;
      category = own.category;
    }
  }
  if (category === undefined) throw new UsageError('--category is required (or --data <one category folder>, or --train <folder of good images>)');
  const outDir = path.resolve(overrides.outDir ?? path.join('runs', category));
  try {
    return { help: false, options, opts: resolveOptions({ ...overrides, dataRoot: overrides.dataRoot && path.resolve(overrides.dataRoot), folders, category, outDir }) };
  } catch (err) {
    throw optionError(err);
  }
}

export async function trainCommand(argv: readonly string[], io: Io, r: ProgressRenderer): Promise<number> {
  const parsed = parseTrain(argv);
  if (parsed.help) {
    io.write(formatHelp(`usage: ${TRAIN_USAGE}`, TRAIN_ARGS));
    return 0;
  }
  const { options, opts } = parsed;
  const { resume } = prepareRunFolder(opts.outDir, { resume: options.resume === true, overwrite: options.overwrite === true });
  const m = await runExperiment(opts, { onEvent: (e) => r.handle(e), resume, signal: io.signal, keepCheckpoint: options['keep-checkpoint'] === true });
  r.line(summaryLine(m, opts.outDir));
  return 0;
}
