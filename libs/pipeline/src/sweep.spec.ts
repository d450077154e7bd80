import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WriteError } from '@ssad/models';
import { METRICS_VERSION, writeJsonAtomic, type RunMetrics } from './run-metrics.js';
import { runPair, runSweep } from './sweep.js';
import type { SweepHeader } from './results.js';

const header: SweepHeader = { dataset: 'fake', synthetic: true, preset: 'quick', backend: 'cpu', versions: {}, options: {}, startedAt: new Date().toISOString() };

function fakeMetrics(category: string, seed: number, auroc: number): RunMetrics {
  const e = { imageAuroc: auroc, f1Max: 0.9, f1AtThreshold: 0.8, threshold: 1 };
  return {
    version: METRICS_VERSION, category, seed, preset: 'quick', imageSize: 32, dataset: 'fake', weights: null, backend: 'cpu', embedding: 'pooled',
    imageAuroc: auroc, f1Max: 0.9, f1MaxThreshold: 1, f1AtThreshold: 0.8, threshold: 1, pixelAuroc: 0.7, aupro: 0.6,
    localization: 'patch', localizations: { patch: { pixelAuroc: 0.7, aupro: 0.6 } }, imageScore: 'gaussian', imageScores: { gaussian: e },
    embeddings: { pooled: e, head: { ...e, imageAuroc: auroc - 0.1 } }, counts: { train: 1, validation: 1, test: 2, testAnomalous: 1 },
    training: { frozen: { loss: 1, accuracy: 0.5 }, full: { loss: 1, accuracy: 0.5 } }, timings: { total: 1 }, finishedAt: '',
  };
}

describe('runSweep', () => {
  let out: string;
  beforeEach(() => (out = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-sweep-'))));
  afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

  const runOne = (calls: string[]) => async (category: string, seed: number, runDir: string) => {
    calls.push(`${category}/${seed}`);
    if (category === 'bad') throw new Error('category "bad" has no train/good images');
    const m = fakeMetrics(category, seed, 0.9 + seed * 0.02);
    fs.mkdirSync(runDir, { recursive: true });
    writeJsonAtomic(path.join(runDir, 'metrics.json'), m);
    return m;
  };

  it('records failures, continues, writes tables, and resumes by skipping finished pairs', async () => {
    const calls: string[] = [];
    const r = await runSweep({ categories: ['bad', 'good'], seeds: [0, 1], outDir: out, header, runOne: runOne(calls) });
    expect(r.failed).toBe(2);
    expect(calls).toEqual(['bad/0', 'bad/1', 'good/0', 'good/1']);
    const md = fs.readFileSync(path.join(out, 'results.md'), 'utf8');
    expect(md).toMatch(/\| good \| 2 \| 0\.910 ± 0\.014 \| 0\.800 ± 0\.000 \| 0\.600 ± 0\.000 \| 0\.700 ± 0\.000 \|/);
    expect(md).toMatch(/\| bad \| 0 \(2 failed\) \| – \|/);
    expect(md).toContain('**average**');
    expect(md).toContain('bad seed 0: category "bad" has no train/good images');
    const csv = fs.readFileSync(path.join(out, 'results.csv'), 'utf8').trim().split('\n');
    expect(csv).toHaveLength(5);
    const json = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(json.finished).toBe(true);
    expect(json.runs.map((x: { status: string }) => x.status)).toEqual(['failed', 'failed', 'done', 'done']);
    expect(fs.readFileSync(path.join(out, 'bad', 'seed-0', 'error.txt'), 'utf8')).toContain('no train/good');

    // A half-written metrics.json is not trusted: that pair runs again.
    fs.writeFileSync(path.join(out, 'good', 'seed-1', 'metrics.json'), '{"version":1,');
    const calls2: string[] = [];
    const r2 = await runSweep({ categories: ['bad', 'good'], seeds: [0, 1], outDir: out, header, runOne: runOne(calls2) });
    expect(calls2).toEqual(['bad/0', 'bad/1', 'good/1']);
    expect(r2.runs.map((x: { status: string }) => x.status)).toEqual(['failed', 'failed', 'skipped', 'done']);
  });

  it('runPair: runs a new pair, skips a finished one without calling onStart, records a failure in error.txt', async () => {
    const calls: string[] = [];
    const started: string[] = [];
    const dir = path.join(out, 'good', 'seed-0');
    const first = await runPair('good', 0, dir, runOne(calls), () => started.push('good'));
    expect(first).toMatchObject({ status: 'done', runDir: dir, metrics: { imageAuroc: 0.9 } });
    const again = await runPair('good', 0, dir, runOne(calls), () => started.push('again'));
    expect(again).toMatchObject({ status: 'skipped', seconds: 1, metrics: { imageAuroc: 0.9 } });
    const bad = await runPair('bad', 3, path.join(out, 'bad'), runOne(calls), () => started.push('bad'));
    expect(bad).toMatchObject({ status: 'failed', error: 'category "bad" has no train/good images' });
    expect(fs.readFileSync(path.join(out, 'bad', 'error.txt'), 'utf8')).toMatch(/^Error: category "bad"/);
    expect(calls).toEqual(['good/0', 'bad/3']);
    expect(started).toEqual(['good', 'bad']);
  });

  it('stops on a full disk or an unwritable output folder (every other pair would fail the same way), keeping the results so far', async () => {
    const calls: string[] = [];
    const full = async (category: string, seed: number, runDir: string) => {
      if (category === 'good') return runOne(calls)(category, seed, runDir);
      calls.push(`${category}/${seed}`);
      throw new WriteError(path.join(runDir, 'checkpoint', 'checkpoint.safetensors'), 'ENOSPC', 'cannot write …: no space left on the device (ENOSPC)');
    };
    await expect(runSweep({ categories: ['good', 'next', 'later'], seeds: [0], outDir: out, header, runOne: full })).rejects.toThrow('no space left on the device');
    expect(calls).toEqual(['good/0', 'next/0']);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')).runs.map((x: { status: string }) => x.status)).toEqual(['done']);
    expect(fs.existsSync(path.join(out, 'next', 'seed-0', 'error.txt'))).toBe(false);
  });
});
