import fs from 'node:fs';
import path from 'node:path';
import { openFolderDataset } from './folder.js';
import { openMvtec } from './mvtec.js';
import { writeMaskPng, writePng } from './encode.js';
import { solid, tempDir, writeMvtecTree } from './testing/fixtures.test-util.js';

describe('openMvtec bad input', () => {
  it('names a missing root and a missing category (listing the ones found)', async () => {
    const root = tempDir('roots');
    await expect(openMvtec(path.join(root, 'absent'), 'bottle')).rejects.toThrow(`${path.join(root, 'absent')}: dataset root does not exist`);
    await writeMvtecTree(root, 'widget');
    await expect(openMvtec(root, 'bottle')).rejects.toThrow(`category "bottle" not found (categories here: widget)`);
    await expect(openMvtec(root, '../etc')).rejects.toThrow('category must be a folder name');
  });

  it('names an empty train/good', async () => {
    const root = tempDir('empty');
    const dir = await writeMvtecTree(root, 'widget', { train: 0 });
    fs.mkdirSync(path.join(dir, 'train/good'), { recursive: true });
    await expect(openMvtec(root, 'widget')).rejects.toThrow(`${path.join(dir, 'train/good')}: no training images (train/good is empty)`);
  });

  it('names an unreadable directory', async () => {
    const root = tempDir('unreadable');
    const dir = await writeMvtecTree(root, 'widget');
    fs.rmSync(path.join(dir, 'train/good'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'train/good'), 'a file where a folder should be');
    await expect(openMvtec(root, 'widget')).rejects.toThrow(`${path.join(dir, 'train/good')}: training folder train/good is not a directory`);
  });

  it('names a missing mask, or skips it with a warning', async () => {
    const root = tempDir('nomask');
    const dir = await writeMvtecTree(root, 'widget', { defects: { crack: 2 } });
    fs.rmSync(path.join(dir, 'ground_truth/crack/001_mask.png'));
    const image = path.join(dir, 'test/crack/001.png');
    await expect(openMvtec(root, 'widget')).rejects.toThrow(`${image}: no mask for this defect image`);
    const ds = await openMvtec(root, 'widget', { skipInvalid: true, decodeThreads: 0 });
    expect(ds.test.filter((t) => t.label === 1)).toHaveLength(1);
    expect(ds.warnings).toEqual([{ path: image, problem: expect.stringContaining('no mask') }]);
  });

  it('names a non-image file in a folder, or skips it', async () => {
    const root = tempDir('nonimage');
    const dir = await writeMvtecTree(root, 'widget');
    const notes = path.join(dir, 'train/good/notes.txt');
    fs.writeFileSync(notes, 'hello');
    fs.writeFileSync(path.join(dir, 'train/good/.DS_Store'), 'ignored');
    await expect(openMvtec(root, 'widget')).rejects.toThrow(`${notes}: not an image file`);
    const ds = await openMvtec(root, 'widget', { skipInvalid: true, validationFraction: 0, decodeThreads: 0 });
    expect(ds.train).toHaveLength(5);
    expect(ds.warnings.map((w) => w.path)).toEqual([notes]);
  });

  it('names a truncated image and a text file named .png when loading, or skips them in loadAll', async () => {
    const root = tempDir('corrupt');
    const dir = await writeMvtecTree(root, 'widget');
    const cut = path.join(dir, 'train/good/001.png');
    const bytes = fs.readFileSync(cut);
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 30));
    const text = path.join(dir, 'train/good/002.png');
    fs.writeFileSync(text, 'not a png at all');
    for (const decodeThreads of [0, 2]) {
      const strict = await openMvtec(root, 'widget', { validationFraction: 0, decodeThreads });
      await expect(strict.loadAll(strict.train, { concurrency: 1 })).rejects.toThrow(`${cut}: truncated PNG`);
      await expect(strict.load(strict.train[2])).rejects.toThrow(`${text}: not a PNG or JPEG image`);
      await strict.close();
      const lenient = await openMvtec(root, 'widget', { validationFraction: 0, skipInvalid: true, decodeThreads });
      const samples = await lenient.loadAll(lenient.train);
      expect(samples.map((s) => path.basename(s.item.path))).toEqual(['000.png', '003.png', '004.png']);
      expect(lenient.warnings.map((w) => w.path)).toEqual([cut, text]);
      await lenient.close();
    }
  });

  it('finds bad files up front with verify', async () => {
    const root = tempDir('verify');
    const dir = await writeMvtecTree(root, 'widget');
    const cut = path.join(dir, 'test/crack/000.png');
    fs.writeFileSync(cut, fs.readFileSync(cut).subarray(0, 40));
    await expect(openMvtec(root, 'widget', { verify: true })).rejects.toThrow(`${cut}: truncated PNG`);
    const ds = await openMvtec(root, 'widget', { verify: true, skipInvalid: true });
    expect(ds.test.map((t) => path.basename(t.path))).toEqual(['001.png', '000.png', '001.png']);
    expect(ds.warnings).toHaveLength(1);
  });

  it('names a mask whose size differs from its image (on load and with verify)', async () => {
    const root = tempDir('masksize');
    const dir = await writeMvtecTree(root, 'widget', { size: 16 });
    const mask = path.join(dir, 'ground_truth/crack/000_mask.png');
    await writeMaskPng(mask, new Uint8Array(12 * 16).fill(1), 12, 16);
    const problem = `${mask}: mask is 12×16 but its image ${path.join(dir, 'test/crack/000.png')} is 16×16`;
    await expect(openMvtec(root, 'widget', { verify: true })).rejects.toThrow(problem);
    const ds = await openMvtec(root, 'widget', { decodeThreads: 0 });
    await expect(ds.load(ds.test.find((t) => t.maskPath === mask)!)).rejects.toThrow(problem);
  });

  it('validates options with the allowed range', async () => {
    const root = tempDir('opts');
    await writeMvtecTree(root, 'widget');
    await expect(openMvtec(root, 'widget', { validationFraction: 1 })).rejects.toThrow('validationFraction must be in [0, 1) (got 1)');
    await expect(openMvtec(root, 'widget', { imageSize: 0 })).rejects.toThrow('imageSize width must be an integer in [1, 8192] (got 0)');
    const ds = await openMvtec(root, 'widget', { decodeThreads: 0 });
    await expect(ds.loadAll(ds.train, { concurrency: 0 })).rejects.toThrow('concurrency must be an integer in [1, 256]');
  });
});

describe('openFolderDataset', () => {
  async function tree(): Promise<string> {
    const root = tempDir('folder');
    for (let i = 0; i < 10; i++) await writePng(path.join(root, 'ok', `n${i}.png`), solid(20, 10, i));
    for (let i = 0; i < 3; i++) await writePng(path.join(root, 'scratch', `a${i}.png`), solid(20, 10, 90 + i));
    for (let i = 0; i < 2; i++) await writePng(path.join(root, 'dent', `d${i}.png`), solid(20, 10, 120 + i));
    for (let i = 0; i < 3; i++) await writeMaskPng(path.join(root, 'masks/scratch', `a${i}.png`), new Uint8Array(200).fill(1), 20, 10);
    for (let i = 0; i < 2; i++) await writeMaskPng(path.join(root, 'masks/dent', `d${i}_mask.png`), new Uint8Array(200), 20, 10);
    return root;
  }

  it('builds train/validation/test with masks, seeded and resized', async () => {
    const root = await tree();
    const ds = await openFolderDataset({
      root,
      normalDir: 'ok',
      abnormalDir: ['scratch', 'dent'],
      maskDir: ['masks/scratch', 'masks/dent'],
      imageSize: { width: 8, height: 4 },
      validationFraction: 0.25,
      decodeThreads: 0,
    });
    expect(ds.name).toBe(path.basename(root));
    expect(ds.hasMasks).toBe(true);
    expect(ds.defects).toEqual(['dent', 'scratch']);
    // 10 normals: 2 to test (0.2), 2 of the remaining 8 to validation (0.25).
    expect([ds.train.length, ds.validation.length, ds.test.length]).toEqual([6, 2, 7]);
    const s = await ds.load(ds.test.find((t) => t.defect === 'scratch')!);
    expect(s.image).toMatchObject({ width: 8, height: 4, channels: 3 });
    expect(s.mask.every((v) => v === 1)).toBe(true);
    const again = await openFolderDataset({ root, normalDir: 'ok', abnormalDir: ['scratch', 'dent'], validationFraction: 0.25 });
    expect(again.test.map((t) => t.path)).toEqual(ds.test.map((t) => t.path));
    expect(again.hasMasks).toBe(false);
    expect((await again.load(again.test[again.test.length - 1])).mask.every((v) => v === 0)).toBe(true);
    await again.close();
  });

  it('uses a normal test folder and reports a missing mask', async () => {
    const root = await tree();
    const ds = await openFolderDataset({ root, normalDir: 'ok', normalTestDir: 'dent', abnormalDir: 'scratch', validationFraction: 0 });
    expect(ds.train).toHaveLength(10);
    expect(ds.test.filter((t) => t.label === 0)).toHaveLength(2);
    fs.rmSync(path.join(root, 'masks/scratch/a1.png'));
    await expect(openFolderDataset({ root, normalDir: 'ok', abnormalDir: 'scratch', maskDir: 'masks/scratch' })).rejects.toThrow(
      `${path.join(root, 'scratch/a1.png')}: no mask for this image`,
    );
    await expect(openFolderDataset({ root, normalDir: 'none', abnormalDir: 'scratch' })).rejects.toThrow(
      `${path.join(root, 'none')}: normal folder does not exist`,
    );
    await expect(openFolderDataset({ root, normalDir: 'ok', abnormalDir: ['scratch', 'dent'], maskDir: 'masks/scratch' })).rejects.toThrow(
      'maskDir must list one folder per abnormalDir (2), got 1',
    );
  });
});
