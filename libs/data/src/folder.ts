import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '@ssad/augment';
import { buildDataset } from './dataset.js';
import { DataFileError } from './errors.js';
import { resolveOptions } from './options.js';
import { IMAGE_EXTENSIONS, IssueLog, listImages, requireDir, stem } from './scan.js';
import type { Dataset, DatasetItem, DatasetOptions } from './types.js';

export interface FolderDatasetOptions extends DatasetOptions {
  /** Name used in messages and results (default: the normal folder's parent folder name). */
  name?: string;
  /** Relative folders below are resolved against it (default: the working directory). */
  root?: string;
  /** Normal (good) images. */
  normalDir: string;
  /** Anomalous images; several folders give several defect types, named after each folder. */
  abnormalDir: string | string[];
  /** Masks named like their image (`<stem>.<ext>` or `<stem>_mask.<ext>`); one folder per abnormal folder. */
  maskDir?: string | string[];
  /** Normal test images; without it `normalTestFraction` of `normalDir` is moved to the test split. */
  normalTestDir?: string;
  /** Share of normal images used for testing when there is no `normalTestDir`, in [0, 1) (default 0.2). */
  normalTestFraction?: number;
}

function asList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function findMask(maskDir: string, image: string): string | undefined {
  const s = stem(image);
  for (const name of [s, `${s}_mask`]) {
    for (const ext of IMAGE_EXTENSIONS) {
      const p = path.join(maskDir, name + ext);
      if (fs.existsSync(p)) return p;
    }
  }
  return undefined;
}

/** A dataset from plain folders, like anomalib's Folder data module. */
export async function openFolderDataset(options: FolderDatasetOptions): Promise<Dataset> {
  const fn = 'openFolderDataset';
  const opts = resolveOptions(fn, options);
  const at = (p: string): string => path.resolve(options.root ?? '.', p);
  if (typeof options.normalDir !== 'string') throw new RangeError(`${fn}: normalDir must be a folder path`);
  const abnormalDirs = asList(options.abnormalDir).map(at);
  if (abnormalDirs.length === 0) throw new RangeError(`${fn}: abnormalDir must name at least one folder`);
  const maskDirs = asList(options.maskDir).map(at);
  if (maskDirs.length > 0 && maskDirs.length !== abnormalDirs.length) {
    throw new RangeError(`${fn}: maskDir must list one folder per abnormalDir (${abnormalDirs.length}), got ${maskDirs.length}`);
  }
  const normalTestFraction = options.normalTestFraction ?? 0.2;
  if (!(normalTestFraction >= 0 && normalTestFraction < 1)) {
    throw new RangeError(`${fn}: normalTestFraction must be in [0, 1) (got ${normalTestFraction})`);
  }
  const normalDir = at(options.normalDir);
  const issues = new IssueLog(opts.skipInvalid);

  requireDir(normalDir, 'normal folder');
  const normals = listImages(normalDir, issues);
  if (normals.length === 0) throw new DataFileError(normalDir, 'no normal images (the folder is empty)');

  let trainPaths = normals;
  let testNormals: string[];
  if (options.normalTestDir !== undefined) {
    const dir = at(options.normalTestDir);
    requireDir(dir, 'normal test folder');
    testNormals = listImages(dir, issues);
  } else {
    const order = new Int32Array(normals.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    // A different stream from the validation split's, which uses `seed` itself.
    new Rng(opts.seed).fork().shuffle(order);
    const count = Math.min(Math.round(normals.length * normalTestFraction), normals.length - 1);
    const held = new Set(Array.from(order.subarray(0, count), (i) => normals[i]));
    trainPaths = normals.filter((p) => !held.has(p));
    testNormals = normals.filter((p) => held.has(p));
  }

  const train: DatasetItem[] = trainPaths.map((p) => ({ path: p, split: 'train', defect: 'good', label: 0 }));
  const test: DatasetItem[] = testNormals.map((p) => ({ path: p, split: 'test', defect: 'good', label: 0 }));
  for (const d of maskDirs) requireDir(d, 'mask folder');
  abnormalDirs.forEach((dir, k) => {
    requireDir(dir, 'abnormal folder');
    const defect = path.basename(dir);
    for (const p of listImages(dir, issues)) {
      if (maskDirs.length === 0) {
        test.push({ path: p, split: 'test', defect, label: 1 });
        continue;
      }
      const maskPath = findMask(maskDirs[k], p);
      if (!maskPath) {
        issues.report(new DataFileError(p, `no mask for this image in ${maskDirs[k]} (looked for ${stem(p)}.png or ${stem(p)}_mask.png)`));
        continue;
      }
      test.push({ path: p, split: 'test', defect, label: 1, maskPath });
    }
  });
  const name = options.name ?? path.basename(path.dirname(normalDir));
  return buildDataset({ name, train, trainDir: normalDir, test, hasMasks: maskDirs.length > 0 }, opts, issues);
}
