// ssad trainer: train / evaluate / predict one category. Argument parsing and printing only; the experiment
// itself is @ssad/pipeline, shared with the benchmark.
import path from 'node:path';
import {
  CAM_STAGES, EMBEDDINGS, EXPERIMENT_ARGS, IMAGE_SCORES, InterruptedError, LOCALIZATIONS, PATCH_SAMPLINGS, ProgressRenderer, UsageError, evaluateRun,
  experimentOverrides, formatHelp, parseArgs, predictImages, resolveOptions, runExperiment, type ArgSpec, type CamStage, type EmbeddingName,
  type ImageScoreName, type Localization, type PatchSampling,
} from '@ssad/pipeline';

export interface Io {
  write: (text: string) => void;
  tty: boolean;
  /** Aborted on Ctrl-C: training stops after the current step and leaves a checkpoint. */
  signal?: AbortSignal;
}

const TRAIN_ARGS: ArgSpec[] = [
  { name: 'category', type: 'string', help: 'category folder under --data (synthetic: one of its categories)' },
  { name: 'seed', type: 'int', min: 0, max: 2 ** 31 - 1, help: 'seed (default 0)' },
  ...EXPERIMENT_ARGS,
  { name: 'resume', type: 'flag', help: 'continue from the checkpoint in --out' },
  { name: 'help', type: 'flag', help: 'show this help' },
];
const EVALUATE_ARGS: ArgSpec[] = [
  { name: 'run', type: 'string', help: 'a finished train output folder (re-evaluates its detector, rewrites metrics and figures)' },
  { name: 'embedding', type: 'string', choices: EMBEDDINGS, help: 'score another embedding (default: the one trained with)' },
  { name: 'cam-stage', type: 'string', choices: CAM_STAGES, help: 'GradCAM stage (default: the one trained with)' },
  { name: 'localization', type: 'string', choices: LOCALIZATIONS, help: 'headline localisation (default: the one trained with)' },
  { name: 'image-score', type: 'string', choices: IMAGE_SCORES, help: 'image score the detector decides on (default: the one trained with)' },
  { name: 'patch-sampling', type: 'string', choices: PATCH_SAMPLINGS, help: 'rebuild the patch bank with this subsampling' },
  { name: 'patch-fraction', type: 'number', min: 1e-6, max: 1, help: 'rebuild the patch bank keeping this fraction of training patches' },
  { name: 'help', type: 'flag', help: 'show this help' },
];
const PREDICT_ARGS: ArgSpec[] = [
  { name: 'detector', type: 'string', help: 'detector folder written by train (<out>/detector)' },
  { name: 'out', type: 'string', help: 'output folder (default ./predictions)' },
  { name: 'image-size', type: 'int', min: 32, max: 1024, help: 'ignored unless equal to the detector size (kept for symmetry)' },
  { name: 'help', type: 'flag', help: 'show this help' },
];

const USAGE = `usage: ssad <command> [options]

Commands:
  train     --category <name> [--data <root>] [--preset paper|quick] [--weights f.safetensors] [--out dir] [--resume]
  evaluate  --run <train output folder>
  predict   --detector <dir> [--out dir] <images or folders>...

Run "ssad <command> --help" for the options of a command.`;

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  const r = new ProgressRenderer(io.write, io.tty);
  try {
    switch (command) {
      case 'train':
        return await train(rest, io, r);
      case 'evaluate':
        return await evaluate(rest, io, r);
      case 'predict':
        return await predict(rest, io, r);
      case undefined:
      case '--help':
      case 'help':
        io.write(`${USAGE}\n`);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command "${command}" (commands: train, evaluate, predict)`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      r.line(`error: ${err.message}`);
      return 2;
    }
    if (err instanceof InterruptedError) {
      r.line(`${err.message}; continue with --resume`);
      return 130;
    }
    r.line(`error: ${err instanceof Error ? err.message : String(err)}`);
    if (process.env.SSAD_DEBUG && err instanceof Error) io.write(`${err.stack}\n`);
    return 1;
  }
}

async function train(argv: readonly string[], io: Io, r: ProgressRenderer): Promise<number> {
  const { options, positionals } = parseArgs(argv, TRAIN_ARGS);
  if (options.help) return help('ssad train --category <name> [options]', TRAIN_ARGS, io);
  if (positionals.length) throw new UsageError(`train takes no positional arguments (got "${positionals[0]}")`);
  if (typeof options.category !== 'string') throw new UsageError('--category is required');
  const overrides = experimentOverrides(options);
  const outDir = path.resolve(overrides.outDir ?? path.join('runs', options.category));
  let opts;
  try {
    opts = resolveOptions({ ...overrides, category: options.category, outDir });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const m = await runExperiment(opts, { onEvent: (e) => r.handle(e), resume: options.resume === true, signal: io.signal });
  r.line(
    `${m.category} seed ${m.seed}: image AUROC ${m.imageAuroc.toFixed(4)} · F1 ${m.f1AtThreshold.toFixed(4)} (max ${m.f1Max.toFixed(4)}) · ` +
      `pixel AUROC ${m.pixelAuroc.toFixed(4)} · AU-PRO ${m.aupro.toFixed(4)} (${m.localization} maps) · ${m.imageScore} image score → ${path.join(outDir, 'report.html')}`,
  );
  return 0;
}

async function evaluate(argv: readonly string[], io: Io, r: ProgressRenderer): Promise<number> {
  const { options, positionals } = parseArgs(argv, EVALUATE_ARGS);
  if (options.help) return help('ssad evaluate --run <dir>', EVALUATE_ARGS, io);
  const run = typeof options.run === 'string' ? options.run : positionals[0];
  if (!run) throw new UsageError('--run <train output folder> is required');
  const m = await evaluateRun(path.resolve(run), { onEvent: (e) => r.handle(e) }, {
    embedding: options.embedding as EmbeddingName | undefined,
    camStage: options['cam-stage'] as CamStage | undefined,
    localization: options.localization as Localization | undefined,
    imageScore: options['image-score'] as ImageScoreName | undefined,
    patchSampling: options['patch-sampling'] as PatchSampling | undefined,
    patchFraction: options['patch-fraction'] as number | undefined,
  });
  r.line(`${m.category} seed ${m.seed}: image AUROC ${m.imageAuroc.toFixed(4)} (${m.imageScore} score) · pixel AUROC ${m.pixelAuroc.toFixed(4)} · AU-PRO ${m.aupro.toFixed(4)} (${m.localization})`);
  return 0;
}

async function predict(argv: readonly string[], io: Io, r: ProgressRenderer): Promise<number> {
  const { options, positionals } = parseArgs(argv, PREDICT_ARGS);
  if (options.help) return help('ssad predict --detector <dir> [--out dir] <images or folders>...', PREDICT_ARGS, io);
  if (typeof options.detector !== 'string') throw new UsageError('--detector <dir> is required');
  if (positionals.length === 0) throw new UsageError('give at least one image or folder to score');
  const outDir = path.resolve(typeof options.out === 'string' ? options.out : 'predictions');
  const result = await predictImages(path.resolve(options.detector), positionals.map((p) => path.resolve(p)), outDir, {
    onEvent: (e) => r.handle(e),
  });
  for (const p of result.predictions)
    r.line(`${p.decision.padEnd(9)} ${p.score.toFixed(4)}  ${p.path}`);
  for (const e of result.errors) r.line(`error: ${e.path}: ${e.error}`);
  r.line(`${result.predictions.length} scored, ${result.errors.length} errors → ${path.join(outDir, 'predictions.json')}`);
  return result.errors.length > 0 ? 1 : 0;
}

function help(usage: string, specs: readonly ArgSpec[], io: Io): number {
  io.write(formatHelp(usage, specs));
  return 0;
}
