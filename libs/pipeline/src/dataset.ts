// Where the images come from: an MVTec-layout root, plain folders (own data), or the synthetic dataset from
// @ssad/data when neither is given. Masks are optional: without them the run reports image metrics only.
import fs from 'node:fs';
import path from 'node:path';
import { listMvtecCategories, openFolderDataset, openMvtec, type Dataset, type DatasetOptions, type Sample } from '@ssad/data';
import type { PixelImage } from '@ssad/augment';
import { UsageError } from './args.js';
import type { OnEvent } from './events.js';
import type { ExperimentOptions } from './options.js';

export interface LoadedCategory {
  name: string;
  train: PixelImage[];
  validation: PixelImage[];
  test: Sample[];
  /** Whether the defect images have ground-truth masks (pixel metrics need them). */
  hasMasks: boolean;
  warnings: string[];
}

export function listCategories(root: string): string[] {
  return listMvtecCategories(root);
}

/**
 * The categories a sweep runs: `requested` (--categories) when every one of them is under the root, else a
 * UsageError naming the missing ones and listing what exists, before any run starts; all of them when none are
 * requested.
 */
export function selectCategories(root: string, requested: readonly string[] | undefined): string[] {
  const found = listCategories(root);
  if (requested === undefined) return found;
  const missing = requested.filter((c) => !found.includes(c));
  if (missing.length)
    throw new UsageError(`--categories: ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not under ${root} (categories there: ${found.join(', ') || 'none'})`);
  return [...requested];
}

/**
 * A category folder given as the dataset root (it holds train/ and test/ itself, the layout of one MVTec category):
 * its parent is the root and its name the category. Undefined when `dir` is a root of categories.
 */
export function categoryFolder(dir: string): { root: string; category: string } | undefined {
  const has = (d: string) => fs.existsSync(path.join(dir, d)) && fs.statSync(path.join(dir, d)).isDirectory();
  if (!has('train') || !has('test')) return undefined;
  const abs = path.resolve(dir);
  return { root: path.dirname(abs), category: path.basename(abs) };
}

function openData(o: ExperimentOptions & { dataRoot?: string }): Promise<Dataset> {
  const options: DatasetOptions = { imageSize: o.imageSize, fit: o.fit, validationFraction: o.validationFraction, seed: o.seed };
  if (o.folders) {
    const f = o.folders;
    return openFolderDataset({ ...options, name: o.category, normalDir: f.train, normalTestDir: f.testGood, abnormalDir: f.testDefect, maskDir: f.masks });
  }
  if (o.dataRoot === undefined) throw new Error('loadCategory: dataRoot or folders is required');
  return openMvtec(o.dataRoot, o.category, options);
}

export async function loadCategory(o: ExperimentOptions, onEvent?: OnEvent): Promise<LoadedCategory> {
  const ds = await openData(o);
  try {
    const count = (phase: string) => (done: number, total: number) => onEvent?.({ kind: 'count', phase, done, total });
    const train = await ds.loadAll(ds.train, { onProgress: count('load train') });
    const validation = await ds.loadAll(ds.validation, { onProgress: count('load val') });
    const test = await ds.loadAll(ds.test, { onProgress: count('load test') });
    if (validation.length === 0) throw new Error(`${ds.name}: the validation split is empty (too few good training images for validationFraction ${o.validationFraction})`);
    if (!test.some((s) => s.item.label === 1) || !test.some((s) => s.item.label === 0))
      throw new Error(`${ds.name}: the test split needs both good and defective images`);
    return {
      name: ds.name,
      train: train.map((s) => s.image),
      validation: validation.map((s) => s.image),
      test,
      hasMasks: ds.hasMasks,
      warnings: ds.warnings.map((w) => `${w.path}: ${w.problem}`),
    };
  } finally {
    await ds.close();
  }
}
