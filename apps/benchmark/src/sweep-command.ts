// `ssad-benchmark [all]`: the sweep categories × seeds → results.md / .csv / .json, run here (the default) or
// through a BullMQ queue on Redis (`--queue`) by workers on other machines. Both schedule the same experiment with
// the same resolved options per (category, seed).
import path from 'node:path';
import {
  EXPERIMENT_ARGS, ProgressRenderer, optionError, UsageError, benchmarkHeader, experimentOverrides, formatDuration, formatHelp, selectCategories,
  parseArgs, prepareDataset, PRESETS, resolveOptions, runDirFor, runExperiment, runSweep, syntheticCacheDir, type ArgSpec,
} from '@ssad/pipeline';
import { checkReachable } from './queue/connection.js';
import { runQueuedSweep } from './queue/coordinator.js';
import type { JobOptions, SweepJobData } from './queue/jobs.js';
import { parseRedisUrl } from './queue/redis-url.js';
import { formatRunLine } from './run-line.js';
import type { Io } from './io.js';

export const SWEEP_ARGS: ArgSpec[] = [
  { name: 'categories', type: 'list', help: 'comma-separated categories (default: every category under the root)' },
  { name: 'seeds', type: 'intList', min: 0, max: 2 ** 31 - 1, help: 'comma-separated seeds (default 0,1,2)' },
  ...EXPERIMENT_ARGS,
  { name: 'queue', type: 'string', help: 'redis://host:port[/db]: run the jobs on queue workers (`ssad-benchmark worker`) instead of here' },
  { name: 'attempts', type: 'int', min: 1, max: 100, help: 'with --queue: tries per job before it is recorded as failed (default 3)' },
  { name: 'help', type: 'flag', help: 'show this help' },
];

/** The sweep's arguments, every one checked before any work starts (the option fuzz target runs this). */
export function parseSweep(argv: readonly string[]) {
  const { options, positionals } = parseArgs(argv, SWEEP_ARGS);
  if (options.help) return { help: true as const };
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}" (commands: all, worker; options start with --)`);
  const target = options.queue === undefined ? undefined : parseRedisUrl(options.queue as string);
  if (options.attempts !== undefined && !target) throw new UsageError('--attempts: only applies with --queue');
  const overrides = experimentOverrides(options);
  const preset = overrides.preset ?? 'paper';
  const outDir = path.resolve(overrides.outDir ?? path.join('runs', `benchmark-${preset}`));
  try {
    resolveOptions({ ...overrides, category: 'check', outDir });
  } catch (err) {
    throw optionError(err);
  }
  return { help: false as const, options, target, overrides, preset, outDir };
}

export async function sweepCommand(argv: readonly string[], io: Io, r: ProgressRenderer): Promise<number> {
  const parsed = parseSweep(argv);
  if (parsed.help) {
    io.write(formatHelp('ssad-benchmark [all] [--data <root>] [--categories a,b] [--seeds 0,1,2] [--preset paper|quick] [--queue redis://host:port[/db]] [options]', SWEEP_ARGS));
    return 0;
  }
  const { options, target, overrides, preset, outDir } = parsed;
  r.line(
    overrides.dataRoot === undefined
      ? `ssad benchmark on the SYNTHETIC dataset (no --data given): ${syntheticCacheDir(overrides.imageSize ?? PRESETS[preset].imageSize)}`
      : `ssad benchmark on ${path.resolve(overrides.dataRoot)}`,
  );
  // An unreachable queue fails before the dataset is prepared.
  if (target) r.line(`queue at ${target.display}: Redis ${await checkReachable(target)}`);
  const dataset = await prepareDataset(overrides, { onEvent: (e) => r.handle(e) });
  const categories = selectCategories(dataset.root, options.categories as string[] | undefined);
  if (categories.length === 0) throw new UsageError(`no category folders under ${dataset.root}`);
  const seeds = (options.seeds as number[] | undefined) ?? [0, 1, 2];
  const header = await benchmarkHeader(dataset, preset, overrides);
  // The one definition of a pair's options, for both schedulers. Without --data the dataset is the synthetic one,
  // which each queue worker generates into its own cache.
  const pairOptions = (category: string, seed: number, dataRoot: string | undefined): JobOptions => {
    const { outDir: _unused, ...o } = resolveOptions({ ...overrides, dataRoot, category, seed, outDir });
    return o;
  };
  const where = target ? `queue ${target.display}` : `output ${outDir}`;
  r.line(`preset ${preset} · ${categories.length} categories × ${seeds.length} seeds · backend ${header.backend} · ${where}`);
  const t0 = Date.now();
  const onRun = (rec: Parameters<typeof formatRunLine>[0], i: number, total: number) => r.line(formatRunLine(rec, i, total));
  let failed: number;
  if (target) {
    const jobs: SweepJobData[] = categories.flatMap((c) =>
      seeds.map((s) => ({ outName: path.basename(outDir), options: pairOptions(c, s, dataset.synthetic ? undefined : dataset.root) })),
    );
    const result = await runQueuedSweep({
      target,
      jobs,
      attempts: (options.attempts as number | undefined) ?? 3,
      outDir,
      runDirOf: (job) => runDirFor(outDir, job.options.category, job.options.seed),
      header,
      signal: io.signal,
      say: (line) => r.line(line),
      onRun,
    });
    if (!result.complete) {
      r.line(`stopped following the queue: ${result.runs.length} of ${jobs.length} jobs ended; the others go on, rerun the same command to re-attach`);
      return 1;
    }
    failed = result.failed;
  } else {
    const result = await runSweep({
      categories,
      seeds,
      outDir,
      header,
      runOne: (category, seed, runDir) =>
        runExperiment({ ...pairOptions(category, seed, dataset.root), outDir: runDir }, { onEvent: (e) => r.handle(e), signal: io.signal, resume: true }),
      onStart: (category, seed, i, total) => r.line(`── [${i + 1}/${total}] ${category} seed ${seed}`),
      onRun,
    });
    failed = result.failed;
  }
  r.line(`results: ${path.join(outDir, 'results.md')} (${formatDuration((Date.now() - t0) / 1000)}, ${failed} failed)`);
  return failed > 0 ? 1 : 0;
}
