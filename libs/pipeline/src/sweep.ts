// The benchmark sweep: categories × seeds, one run folder each. Finished pairs (valid metrics.json) are skipped,
// a failing run is recorded with its error and the sweep goes on (not on a full disk or an unwritable output folder:
// then it stops with that error); results are rewritten after every run.
// `runPair` is the unit both schedulers share: this local loop and the queue worker (apps/benchmark).
import fs from 'node:fs';
import path from 'node:path';
import { ensureFolder, isWriteFault, writeFileAtomic } from '@ssad/models';
import { readRunMetrics, type RunMetrics } from './run-metrics.js';
import { writeResults, type RunRecord, type SweepHeader } from './results.js';

/** Trains and evaluates one pair into runDir and returns what it wrote to metrics.json. */
export type RunOne = (category: string, seed: number, runDir: string) => Promise<RunMetrics>;

export interface SweepOptions {
  categories: readonly string[];
  seeds: readonly number[];
  outDir: string;
  header: SweepHeader;
  runOne: RunOne;
  onRun?: (record: RunRecord, index: number, total: number) => void;
  onStart?: (category: string, seed: number, index: number, total: number) => void;
}

export interface SweepResult {
  runs: RunRecord[];
  failed: number;
}

export function runDirFor(outDir: string, category: string, seed: number): string {
  return path.join(outDir, category, `seed-${seed}`);
}

/**
 * One (category, seed) into runDir: 'skipped' when its metrics.json is already valid, else runs it ('done'), or
 * records the error in runDir/error.txt ('failed'). `onStart` is called only when the pair actually runs.
 */
export async function runPair(category: string, seed: number, runDir: string, runOne: RunOne, onStart?: () => void): Promise<RunRecord> {
  const existing = readRunMetrics(path.join(runDir, 'metrics.json'));
  if (existing) return { category, seed, status: 'skipped', runDir, seconds: existing.timings.total ?? 0, metrics: existing };
  onStart?.();
  const t0 = Date.now();
  try {
    fs.rmSync(path.join(runDir, 'error.txt'), { force: true });
    const metrics = await runOne(category, seed, runDir);
    return { category, seed, status: 'done', runDir, seconds: (Date.now() - t0) / 1000, metrics };
  } catch (err) {
    // A full disk or an output folder that cannot be written is no fault of this pair: every other would fail the
    // same way after its training, so the sweep stops here (earlier results stay as they were).
    if (isWriteFault(err)) throw err;
    const error = err instanceof Error ? `${err.message}` : String(err);
    ensureFolder(runDir);
    writeFileAtomic(path.join(runDir, 'error.txt'), err instanceof Error && err.stack ? err.stack : error);
    return { category, seed, status: 'failed', runDir, seconds: (Date.now() - t0) / 1000, error };
  }
}

export async function runSweep(o: SweepOptions): Promise<SweepResult> {
  const runs: RunRecord[] = [];
  const total = o.categories.length * o.seeds.length;
  let index = 0;
  for (const category of o.categories) {
    for (const seed of o.seeds) {
      const record = await runPair(category, seed, runDirFor(o.outDir, category, seed), o.runOne, () => o.onStart?.(category, seed, index, total));
      runs.push(record);
      o.onRun?.(record, index++, total);
      writeResults(o.outDir, o.header, runs, false);
    }
  }
  writeResults(o.outDir, o.header, runs, true);
  return { runs, failed: runs.filter((r) => r.status === 'failed').length };
}
