// ssad benchmark: the sweep categories × seeds → results.md / .csv / .json. Parsing and printing only.
import path from 'node:path';
import {
  EXPERIMENT_ARGS, ProgressRenderer, UsageError, benchmarkHeader, experimentOverrides, formatDuration, formatHelp, listCategories,
  parseArgs, prepareDataset, PRESETS, resolveOptions, runExperiment, runSweep, syntheticCacheDir, type ArgSpec,
} from '@ssad/pipeline';

export interface Io {
  write: (text: string) => void;
  tty: boolean;
  signal?: AbortSignal;
}

const ARGS: ArgSpec[] = [
  { name: 'categories', type: 'list', help: 'comma-separated categories (default: every category under the root)' },
  { name: 'seeds', type: 'intList', min: 0, max: 2 ** 31 - 1, help: 'comma-separated seeds (default 0,1,2)' },
  ...EXPERIMENT_ARGS,
  { name: 'help', type: 'flag', help: 'show this help' },
];

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const r = new ProgressRenderer(io.write, io.tty);
  try {
    const { options, positionals } = parseArgs(argv, ARGS);
    if (options.help) {
      io.write(formatHelp('ssad-benchmark [--data <root>] [--categories a,b] [--seeds 0,1,2] [--preset paper|quick] [options]', ARGS));
      return 0;
    }
    if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}" (options start with --)`);
    const overrides = experimentOverrides(options);
    const preset = overrides.preset ?? 'paper';
    const outDir = path.resolve(overrides.outDir ?? path.join('runs', `benchmark-${preset}`));
    // Validate every option before any work starts.
    try {
      resolveOptions({ ...overrides, category: 'check', outDir });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    r.line(
      overrides.dataRoot === undefined
        ? `ssad benchmark on the SYNTHETIC dataset (no --data given): ${syntheticCacheDir(overrides.imageSize ?? PRESETS[preset].imageSize)}`
        : `ssad benchmark on ${path.resolve(overrides.dataRoot)}`,
    );
    const dataset = await prepareDataset(overrides, { onEvent: (e) => r.handle(e) });
    const found = listCategories(dataset.root);
    const categories = (options.categories as string[] | undefined) ?? found;
    if (categories.length === 0) throw new UsageError(`no category folders under ${dataset.root}`);
    const seeds = (options.seeds as number[] | undefined) ?? [0, 1, 2];
    const header = await benchmarkHeader(dataset, preset, overrides);
    r.line(`preset ${preset} · ${categories.length} categories × ${seeds.length} seeds · backend ${header.backend} · output ${outDir}`);
    const t0 = Date.now();
    const result = await runSweep({
      categories,
      seeds,
      outDir,
      header,
      runOne: (category, seed, runDir) =>
        runExperiment(resolveOptions({ ...overrides, dataRoot: dataset.root, category, seed, outDir: runDir }), {
          onEvent: (e) => r.handle(e),
          signal: io.signal,
          resume: true,
        }),
      onStart: (category, seed, i, total) => r.line(`── [${i + 1}/${total}] ${category} seed ${seed}`),
      onRun: (rec, i, total) => {
        const m = rec.metrics;
        const what =
          rec.status === 'failed'
            ? `FAILED: ${rec.error}`
            : `${rec.status === 'skipped' ? 'already done' : 'done'}: AUROC ${m!.imageAuroc.toFixed(4)} F1 ${m!.f1AtThreshold.toFixed(4)} AU-PRO ${m!.aupro.toFixed(4)}`;
        r.line(`   [${i + 1}/${total}] ${rec.category} seed ${rec.seed} ${what} (${formatDuration(rec.seconds)})`);
      },
    });
    r.line(`results: ${path.join(outDir, 'results.md')} (${formatDuration((Date.now() - t0) / 1000)}, ${result.failed} failed)`);
    return result.failed > 0 ? 1 : 0;
  } catch (err) {
    r.line(`error: ${err instanceof Error ? err.message : String(err)}`);
    return err instanceof UsageError ? 2 : 1;
  }
}
