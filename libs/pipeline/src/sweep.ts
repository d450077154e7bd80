// The benchmark sweep: categories × seeds, one run folder each. Finished pairs (valid metrics.json) are skipped,
// a failing run is recorded with its error and the sweep goes on; results are rewritten after every run.
import fs from 'node:fs';
import path from 'node:path';
import { readRunMetrics, type RunMetrics } from './run-metrics.js';
import { writeResults, type RunRecord, type SweepHeader } from './results.js';

export interface SweepOptions {
  categories: readonly string[];
  seeds: readonly number[];
  outDir: string;
  header: SweepHeader;
  /** Trains and evaluates one pair into runDir and returns what it wrote to metrics.json. */
  runOne: (category: string, seed: number, runDir: string) => Promise<RunMetrics>;
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

export async function runSweep(o: SweepOptions): Promise<SweepResult> {
  const runs: RunRecord[] = [];
  const total = o.categories.length * o.seeds.length;
  let index = 0;
  for (const category of o.categories) {
    for (const seed of o.seeds) {
      const runDir = runDirFor(o.outDir, category, seed);
      const existing = readRunMetrics(path.join(runDir, 'metrics.json'));
      let record: RunRecord;
      if (existing) {
        record = { category, seed, status: 'skipped', runDir, seconds: existing.timings.total ?? 0, metrics: existing };
      } else {
        o.onStart?.(category, seed, index, total);
        const t0 = Date.now();
        try {
          fs.rmSync(path.join(runDir, 'error.txt'), { force: true });
          const metrics = await o.runOne(category, seed, runDir);
          record = { category, seed, status: 'done', runDir, seconds: (Date.now() - t0) / 1000, metrics };
        } catch (err) {
          const error = err instanceof Error ? `${err.message}` : String(err);
          fs.mkdirSync(runDir, { recursive: true });
          fs.writeFileSync(path.join(runDir, 'error.txt'), err instanceof Error && err.stack ? err.stack : error);
          record = { category, seed, status: 'failed', runDir, seconds: (Date.now() - t0) / 1000, error };
        }
      }
      runs.push(record);
      o.onRun?.(record, index++, total);
      writeResults(o.outDir, o.header, runs, false);
    }
  }
  writeResults(o.outDir, o.header, runs, true);
  return { runs, failed: runs.filter((r) => r.status === 'failed').length };
}
