import fs from 'node:fs/promises';
import path from 'node:path';
import { Rng } from '@ssad/augment';
import { writeMaskPng, writePng } from '../encode.js';
import { SYNTHETIC_CATEGORIES, renderSyntheticSample, type SyntheticCategory } from './render.js';

export interface SyntheticOptions {
  /** Default 0. */
  seed?: number;
  /** Image side in pixels, 32..2048 (default 256). */
  size?: number;
  /** Default: all of SYNTHETIC_CATEGORIES. */
  categories?: readonly SyntheticCategory[];
  /** Normal training images per category (default 120). */
  trainCount?: number;
  /** Normal test images per category (default 20). */
  testGoodCount?: number;
  /** Test images per defect type (default 10). */
  defectCount?: number;
  /** Called after each image written. */
  onProgress?: (done: number, total: number) => void;
}

export interface SyntheticManifest {
  generator: 'ssad-synthetic';
  version: number;
  seed: number;
  size: number;
  categories: SyntheticCategory[];
  trainCount: number;
  testGoodCount: number;
  defectCount: number;
}

/** Bump when the drawing changes, so `ensureSyntheticDataset` regenerates stale copies. */
const VERSION = 2;
export const SYNTHETIC_MANIFEST = 'synthetic.json';

function countIn(name: string, v: number, lo: number, hi: number): number {
  if (!Number.isInteger(v) || v < lo || v > hi) {
    throw new RangeError(`generateSyntheticDataset: ${name} must be an integer in [${lo}, ${hi}] (got ${v})`);
  }
  return v;
}

function manifestOf(o: SyntheticOptions): SyntheticManifest {
  const seed = o.seed ?? 0;
  if (!Number.isFinite(seed)) throw new RangeError(`generateSyntheticDataset: seed must be a finite number (got ${seed})`);
  const categories = [...(o.categories ?? (Object.keys(SYNTHETIC_CATEGORIES) as SyntheticCategory[]))];
  for (const c of categories) {
    if (!(c in SYNTHETIC_CATEGORIES)) {
      throw new RangeError(`generateSyntheticDataset: categories must be among ${Object.keys(SYNTHETIC_CATEGORIES).join(', ')} (got ${c})`);
    }
  }
  return {
    generator: 'ssad-synthetic',
    version: VERSION,
    seed,
    size: countIn('size', o.size ?? 256, 32, 2048),
    categories,
    trainCount: countIn('trainCount', o.trainCount ?? 120, 1, 100_000),
    testGoodCount: countIn('testGoodCount', o.testGoodCount ?? 20, 0, 100_000),
    defectCount: countIn('defectCount', o.defectCount ?? 10, 1, 100_000),
  };
}

/** A 32-bit stream id from text (FNV-1a), so each category/split/defect has its own reproducible stream. */
function streamSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

interface Job {
  category: SyntheticCategory;
  file: string;
  defect: string;
  maskFile?: string;
  rng: Rng;
}

function jobsOf(outDir: string, m: SyntheticManifest): Job[] {
  const jobs: Job[] = [];
  const name = (i: number): string => String(i).padStart(3, '0');
  for (const category of m.categories) {
    const dir = path.join(outDir, category);
    const stream = (part: string): Rng => new Rng(streamSeed(`${m.seed}/${category}/${part}`));
    const train = stream('train');
    for (let i = 0; i < m.trainCount; i++) {
      jobs.push({ category, defect: 'good', file: path.join(dir, 'train/good', `${name(i)}.png`), rng: train.fork() });
    }
    const good = stream('test/good');
    for (let i = 0; i < m.testGoodCount; i++) {
      jobs.push({ category, defect: 'good', file: path.join(dir, 'test/good', `${name(i)}.png`), rng: good.fork() });
    }
    for (const defect of SYNTHETIC_CATEGORIES[category]) {
      const rng = stream(`test/${defect}`);
      for (let i = 0; i < m.defectCount; i++) {
        jobs.push({
          category,
          defect,
          file: path.join(dir, 'test', defect, `${name(i)}.png`),
          maskFile: path.join(dir, 'ground_truth', defect, `${name(i)}_mask.png`),
          rng: rng.fork(),
        });
      }
    }
  }
  return jobs;
}

/**
 * Writes the synthetic dataset under `outDir` in the MVTec AD layout (one folder per category, readable with
 * `openMvtec(outDir, category)`) plus a `synthetic.json` manifest. The category folders it writes are replaced.
 * Rendering runs on this thread while PNG compression runs on the libuv pool, so both cores are busy.
 */
export async function generateSyntheticDataset(outDir: string, options: SyntheticOptions = {}): Promise<SyntheticManifest> {
  const m = manifestOf(options);
  await fs.mkdir(outDir, { recursive: true });
  // The manifest marks a complete dataset: it goes first, so a generation killed part way is redone.
  await fs.rm(path.join(outDir, SYNTHETIC_MANIFEST), { force: true });
  for (const c of m.categories) await fs.rm(path.join(outDir, c), { recursive: true, force: true });
  const jobs = jobsOf(outDir, m);
  const inflight = new Set<Promise<void>>();
  let done = 0;
  for (const job of jobs) {
    const sample = renderSyntheticSample(job.category, job.defect, job.rng, m.size);
    const write = (async () => {
      await writePng(job.file, sample.image);
      if (job.maskFile) await writeMaskPng(job.maskFile, sample.mask, m.size, m.size);
      options.onProgress?.(++done, jobs.length);
    })();
    inflight.add(write);
    void write.finally(() => inflight.delete(write));
    // Bounded: enough writes in flight to keep the pool busy without holding every image in memory.
    if (inflight.size >= 8) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  await fs.writeFile(path.join(outDir, SYNTHETIC_MANIFEST), `${JSON.stringify(m, null, 2)}\n`);
  return m;
}

/**
 * Generates the dataset unless `outDir` already holds one made with the same options (by its manifest), so apps
 * can call it on every start.
 */
export async function ensureSyntheticDataset(outDir: string, options: SyntheticOptions = {}): Promise<SyntheticManifest> {
  const want = manifestOf(options);
  try {
    const have = JSON.parse(await fs.readFile(path.join(outDir, SYNTHETIC_MANIFEST), 'utf8')) as SyntheticManifest;
    if (JSON.stringify(have) === JSON.stringify(want)) return have;
  } catch {
    // No (readable) manifest: generate.
  }
  return generateSyntheticDataset(outDir, options);
}
