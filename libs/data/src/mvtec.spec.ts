import fs from 'node:fs';
import path from 'node:path';
import { decodeImage, decodeMask } from './decode.js';
import { DataFileError } from './errors.js';
import { MVTEC_CATEGORIES, listMvtecCategories, openMvtec } from './mvtec.js';
import type { Dataset } from './types.js';

const shared = path.resolve(__dirname, '../../../../shared/data');
const maybe = fs.existsSync(path.join(shared, 'mvtec_ad_256/bottle')) ? describe : describe.skip;
if (!fs.existsSync(path.join(shared, 'mvtec_ad_256/bottle'))) console.warn(`skipping MVTec tests: ${shared} is absent`);

maybe('openMvtec on the 256 px bottle category', () => {
  const root = path.join(shared, 'mvtec_ad_256');
  let ds: Dataset;
  beforeAll(async () => {
    ds = await openMvtec(root, 'bottle', { validationFraction: 0 });
  });
  afterAll(() => ds.close());

  it('finds the published counts', () => {
    expect(ds.name).toBe('mvtec/bottle');
    expect(ds.train).toHaveLength(209);
    expect(ds.validation).toHaveLength(0);
    expect(ds.test).toHaveLength(83);
    const byDefect: Record<string, number> = {};
    for (const t of ds.test) byDefect[t.defect] = (byDefect[t.defect] ?? 0) + 1;
    expect(byDefect).toEqual({ good: 20, broken_large: 20, broken_small: 22, contamination: 21 });
    expect(ds.defects).toEqual(['broken_large', 'broken_small', 'contamination']);
    expect(ds.test.filter((t) => t.maskPath)).toHaveLength(63);
    for (const t of ds.test) expect(t.label).toBe(t.defect === 'good' ? 0 : 1);
    expect(ds.warnings).toEqual([]);
    expect(listMvtecCategories(root)).toEqual(['bottle']);
    expect(MVTEC_CATEGORIES).toHaveLength(15);
  });

  it('loads masks that are non-empty, binary and aligned with the defect', async () => {
    const good = await ds.loadAll(ds.train.slice(0, 40), { concurrency: 4 });
    const mean = new Float32Array(256 * 256);
    for (const s of good) for (let p = 0; p < mean.length; p++) mean[p] += s.image.data[p * 3 + 1] / good.length;
    const anomalous = await ds.loadAll(ds.test.filter((t) => t.label === 1));
    expect(anomalous).toHaveLength(63);
    let aligned = 0;
    for (const s of anomalous) {
      expect(s.image).toMatchObject({ width: 256, height: 256, channels: 3 });
      expect(s.mask.every((v) => v === 0 || v === 1)).toBe(true);
      let inside = 0;
      let nIn = 0;
      let outside = 0;
      for (let p = 0; p < mean.length; p++) {
        const d = Math.abs(s.image.data[p * 3 + 1] - mean[p]);
        if (s.mask[p]) {
          inside += d;
          nIn++;
        } else outside += d;
      }
      expect(nIn).toBeGreaterThan(0);
      if (inside / nIn > outside / (mean.length - nIn)) aligned++;
    }
    // A defect differs more from the mean good bottle inside its mask than outside (a shuffled mask would not).
    expect(aligned / anomalous.length).toBeGreaterThan(0.9);
    const goodTest = await ds.loadAll(ds.test.filter((t) => t.label === 0));
    for (const s of goodTest) expect(s.mask.every((v) => v === 0)).toBe(true);
  });

  it('serves repeated loads from the cache as independent copies', async () => {
    const a = await ds.load(ds.test[0]);
    a.image.data[0] ^= 0xff;
    const b = await ds.load(ds.test[0]);
    expect(b.image.data[0]).toBe(a.image.data[0] ^ 0xff);
  });

  it('holds out a seeded validation split', async () => {
    const a = await openMvtec(root, 'bottle', { seed: 3, decodeThreads: 0 });
    const b = await openMvtec(root, 'bottle', { seed: 3, decodeThreads: 0 });
    const c = await openMvtec(root, 'bottle', { seed: 4, decodeThreads: 0 });
    expect(a.validation).toHaveLength(21);
    expect(a.train).toHaveLength(188);
    expect(a.validation.map((i) => i.path)).toEqual(b.validation.map((i) => i.path));
    expect(a.validation.map((i) => i.path)).not.toEqual(c.validation.map((i) => i.path));
    const all = new Set([...a.train, ...a.validation].map((i) => i.path));
    expect(all.size).toBe(209);
  });
});

const fullres = path.join(shared, 'mvtec_ad_fullres_sample');
const maybeFull = fs.existsSync(fullres) ? describe : describe.skip;
if (!fs.existsSync(fullres)) console.warn(`skipping full-resolution tests: ${fullres} is absent`);

maybeFull('openMvtec on the 900 px originals', () => {
  it('resizes to 256×256 and preserves the defect area within 2%', async () => {
    const ds = await openMvtec(fullres, 'bottle', { validationFraction: 0 });
    try {
      expect(ds.train).toHaveLength(4);
      const defects = ds.test.filter((t) => t.label === 1);
      expect(defects).toHaveLength(2);
      const samples = await ds.loadAll([...ds.train, ...ds.test]);
      for (const s of samples) expect(s.image).toMatchObject({ width: 256, height: 256, channels: 3 });
      for (const s of samples.filter((x) => x.item.label === 1)) {
        const full = await decodeMask(s.item.maskPath as string);
        expect(full.width).toBe(900);
        const before = full.mask.reduce((a, v) => a + v, 0) / full.mask.length;
        const after = s.mask.reduce((a, v) => a + v, 0) / s.mask.length;
        expect(before).toBeGreaterThan(0.01);
        expect(Math.abs(after - before) / before).toBeLessThan(0.02);
      }
      // Area averaging lands close to the published Lanczos-resized copy of the same image.
      const ref = await decodeImage(path.join(shared, 'mvtec_ad_256/bottle/train/good/000.png'));
      const ours = samples[0].image;
      let diff = 0;
      for (let i = 0; i < ref.data.length; i++) diff += Math.abs(ref.data[i] - ours.data[i]);
      expect(diff / ref.data.length).toBeLessThan(3);
    } finally {
      await ds.close();
    }
  });
});

it('DataFileError carries the path and the problem', () => {
  const e = new DataFileError('/x/y.png', 'broken');
  expect(e.message).toBe('/x/y.png: broken');
  expect(e.path).toBe('/x/y.png');
});
