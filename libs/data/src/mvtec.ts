import fs from 'node:fs';
import path from 'node:path';
import { buildDataset } from './dataset.js';
import { DataFileError } from './errors.js';
import { resolveOptions } from './options.js';
import { IssueLog, listImages, listSubdirs, requireDir, stem } from './scan.js';
import type { Dataset, DatasetItem, DatasetOptions } from './types.js';

/** The 15 MVTec AD categories (Bergmann et al., CVPR 2019). grid, screw and zipper are grayscale. */
export const MVTEC_CATEGORIES = [
  'bottle',
  'cable',
  'capsule',
  'carpet',
  'grid',
  'hazelnut',
  'leather',
  'metal_nut',
  'pill',
  'screw',
  'tile',
  'toothbrush',
  'transistor',
  'wood',
  'zipper',
] as const;

export type MvtecCategory = (typeof MVTEC_CATEGORIES)[number];

/**
 * Category folders under an MVTec-layout root (any folder with a `train` sub-folder, so non-MVTec categories in
 * the same layout count too), sorted by name.
 */
export function listMvtecCategories(root: string): string[] {
  requireDir(root, 'dataset root');
  return listSubdirs(root).filter((c) => fs.existsSync(path.join(root, c, 'train')));
}

/**
 * Opens `<root>/<category>` in the MVTec AD layout (train/good, test/<defect>, ground_truth/<defect>/<n>_mask.png).
 * Masks are optional as a whole: without a ground_truth folder the dataset has `hasMasks` false (image-level
 * evaluation only); with one, every defect image needs its mask.
 */
export async function openMvtec(root: string, category: string, options: DatasetOptions = {}): Promise<Dataset> {
  const opts = resolveOptions('openMvtec', options);
  if (typeof category !== 'string' || category === '' || category.includes('/') || category.includes('\\')) {
    throw new RangeError(`openMvtec: category must be a folder name (got ${JSON.stringify(category)})`);
  }
  requireDir(root, 'dataset root');
  const dir = path.join(root, category);
  if (!fs.existsSync(dir)) {
    const found = listMvtecCategories(root);
    throw new DataFileError(dir, `category "${category}" not found (categories here: ${found.join(', ') || 'none'})`);
  }
  requireDir(dir, 'category folder');
  const issues = new IssueLog(opts.skipInvalid);

  const goodDir = path.join(dir, 'train', 'good');
  requireDir(goodDir, 'training folder train/good');
  const train: DatasetItem[] = listImages(goodDir, issues).map((p) => ({ path: p, split: 'train', defect: 'good', label: 0 }));
  if (train.length === 0) throw new DataFileError(goodDir, 'no training images (train/good is empty)');

  const hasMasks = fs.existsSync(path.join(dir, 'ground_truth'));
  const testDir = path.join(dir, 'test');
  requireDir(testDir, 'test folder');
  const test: DatasetItem[] = [];
  for (const defect of listSubdirs(testDir)) {
    let files: string[];
    try {
      files = listImages(path.join(testDir, defect), issues);
    } catch (err) {
      if (!(err instanceof DataFileError)) throw err;
      issues.report(err);
      continue;
    }
    for (const p of files) {
      if (defect === 'good' || !hasMasks) {
        test.push({ path: p, split: 'test', defect, label: defect === 'good' ? 0 : 1 });
        continue;
      }
      const maskPath = path.join(dir, 'ground_truth', defect, `${stem(p)}_mask.png`);
      if (!fs.existsSync(maskPath)) {
        issues.report(new DataFileError(p, `no mask for this defect image (expected ${maskPath})`));
        continue;
      }
      test.push({ path: p, split: 'test', defect, label: 1, maskPath });
    }
  }
  if (test.length === 0) throw new DataFileError(testDir, 'no test images');
  return buildDataset({ name: `mvtec/${category}`, train, trainDir: goodDir, test, hasMasks }, opts, issues);
}
