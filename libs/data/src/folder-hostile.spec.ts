// Hostile dataset folders issue 14 lists (bad-input.spec.ts has the plain missing-mask, wrong-size-mask and
// non-image cases), then seeded fuzzing of generated trees; `nx run data:fuzz` runs the fuzz target longer.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fuzz } from '../../../tools/fuzz/harness.js';
import { encodePng } from './encode.js';
import { openFolderDataset } from './folder.js';
import { listMvtecCategories, openMvtec } from './mvtec.js';
import { tempDir, writeMvtecTree } from './testing/fixtures.test-util.js';
import { folderTarget } from './testing/folder-fuzz.test-util.js';

const opts = { validationFraction: 0, decodeThreads: 0 } as const;

describe('hostile dataset folders', () => {
  it('an empty category, and one whose test folder holds no images, name the folder', async () => {
    const root = tempDir('empty-cat');
    fs.mkdirSync(path.join(root, 'widget/train/good'), { recursive: true });
    await expect(openMvtec(root, 'widget')).rejects.toThrow(`${path.join(root, 'widget/train/good')}: no training images (train/good is empty)`);
    const dir = await writeMvtecTree(root, 'gadget', { defects: {} });
    fs.rmSync(path.join(dir, 'test/good'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'test/crack'));
    await expect(openMvtec(root, 'gadget')).rejects.toThrow(`${path.join(dir, 'test')}: no test images`);
  });

  it('a folder dataset whose normal images are all bad names the normal folder, not the dataset (found by fuzzing)', async () => {
    const root = tempDir('all-bad');
    const dir = await writeMvtecTree(root, 'widget', { train: 2 });
    for (const f of ['000.png', '001.png']) fs.writeFileSync(path.join(dir, 'train/good', f), 'not a png');
    const options = { root: dir, normalDir: 'train/good', abnormalDir: 'test/crack', skipInvalid: true, verify: true, ...opts };
    await expect(openFolderDataset(options)).rejects.toThrow(`${path.join(dir, 'train/good')}: no valid normal training images left (2 files skipped, see the warnings)`);
  });

  it('symbolic links that loop or dangle are reported by name, or skipped with a warning', async () => {
    const root = tempDir('loops');
    const dir = await writeMvtecTree(root, 'widget');
    const loop = path.join(dir, 'train/good/loop.png');
    fs.symlinkSync('loop.png', loop);
    fs.symlinkSync('missing.png', path.join(dir, 'train/good/dangling.png'));
    // A link back up the tree: a folder, ignored like any sub-folder (nothing walks into it).
    fs.symlinkSync('..', path.join(dir, 'train/good/up'));
    await expect(openMvtec(root, 'widget', opts)).rejects.toThrow(`${path.join(dir, 'train/good/dangling.png')}: a symbolic link that loops or leads nowhere`);
    const ds = await openMvtec(root, 'widget', { ...opts, skipInvalid: true });
    expect(ds.warnings.map((w) => path.basename(w.path))).toEqual(['dangling.png', 'loop.png']);
    expect(ds.train).toHaveLength(5);
    await ds.close();
  });

  it('a FIFO named like an image is reported when listing and never read (no hang)', async () => {
    const root = tempDir('fifo');
    const dir = await writeMvtecTree(root, 'widget');
    const fifo = path.join(dir, 'train/good/pipe.png');
    execFileSync('mkfifo', [fifo]);
    await expect(openMvtec(root, 'widget', opts)).rejects.toThrow(`${fifo}: not a regular file (a FIFO, socket or device)`);
    const ds = await openMvtec(root, 'widget', { ...opts, skipInvalid: true });
    expect(ds.warnings).toEqual([{ path: fifo, problem: 'not a regular file (a FIFO, socket or device)' }]);
    expect(await ds.loadAll(ds.train)).toHaveLength(5);
    await ds.close();
  });

  it('a mask that is a directory or a FIFO names the mask', async () => {
    const root = tempDir('mask-special');
    const dir = await writeMvtecTree(root, 'widget', { defects: { crack: 2 } });
    const masks = path.join(dir, 'ground_truth/crack');
    fs.rmSync(path.join(masks, '000_mask.png'));
    fs.mkdirSync(path.join(masks, '000_mask.png'));
    fs.rmSync(path.join(masks, '001_mask.png'));
    execFileSync('mkfifo', [path.join(masks, '001_mask.png')]);
    const ds = await openMvtec(root, 'widget', opts);
    const [a, b] = ds.test.filter((t) => t.label === 1);
    await expect(ds.load(a)).rejects.toThrow(`${path.join(masks, '000_mask.png')}: cannot read image: is a directory, not an image file`);
    await expect(ds.load(b)).rejects.toThrow(`${path.join(masks, '001_mask.png')}: cannot read image: not a regular file (a FIFO, socket or device)`);
    await ds.close();
  });

  it('categories and defect folders that are symbolic links to folders are listed; a looping one is not', async () => {
    const store = tempDir('store');
    const dir = await writeMvtecTree(store, 'widget', { defects: { crack: 1 } });
    const root = tempDir('linked');
    fs.symlinkSync(dir, path.join(root, 'widget'));
    fs.symlinkSync('looped', path.join(root, 'looped'));
    expect(listMvtecCategories(root)).toEqual(['widget']);
    fs.renameSync(path.join(dir, 'test/crack'), path.join(store, 'crack'));
    fs.symlinkSync(path.join(store, 'crack'), path.join(dir, 'test/crack'));
    const ds = await openMvtec(root, 'widget', opts);
    expect(ds.defects).toEqual(['crack']);
    await ds.close();
  });

  it('a decompression bomb in a dataset is refused by the dataset pixel limit, which can be lowered or raised', async () => {
    const root = tempDir('bomb');
    const dir = await writeMvtecTree(root, 'widget', { size: 16 });
    const file = path.join(dir, 'train/good/000.png');
    await expect(openMvtec(root, 'widget', { ...opts, verify: true, maxPixels: 255 })).rejects.toThrow(`${file}: image is 16×16 = 256 pixels, over the limit of 255`);
    const ds = await openMvtec(root, 'widget', { ...opts, maxPixels: 255 });
    await expect(ds.load(ds.train[0])).rejects.toThrow(`${file}: image is 16×16 = 256 pixels, over the limit of 255`);
    await ds.close();
    await expect(openMvtec(root, 'widget', { maxPixels: 0.5 })).rejects.toThrow('openMvtec: maxPixels must be an integer in [1, 9007199254740991] (got 0.5)');
    fs.writeFileSync(path.join(dir, 'train/good/001.png'), await encodePng({ width: 16, height: 16, channels: 1, data: new Uint8Array(256) }));
    const raised = await openMvtec(root, 'widget', { ...opts, maxPixels: 256 });
    expect(await raised.loadAll(raised.train)).toHaveLength(5);
    await raised.close();
  });
});

it('dataset-folders fuzzing: every generated tree opens and loads only good files, or fails naming a path of it', async () => {
  const report = await fuzz(folderTarget, { seed: 14, runs: 40, measureMemory: false });
  expect(report.failure).toBeUndefined();
  const accepted = Object.entries(report.outcomes).filter(([k]) => k.startsWith('accepted'));
  expect(accepted.reduce((n, [, v]) => n + v, 0)).toBeGreaterThan(6);
  expect(Object.keys(report.outcomes).length).toBeGreaterThan(6);
});
