import fs from 'node:fs';
import path from 'node:path';
import { Rng } from '@ssad/augment';
import { openMvtec } from '../mvtec.js';
import { tempDir } from '../testing/fixtures.test-util.js';
import { SYNTHETIC_MANIFEST, ensureSyntheticDataset, generateSyntheticDataset } from './generate.js';
import { SYNTHETIC_CATEGORIES, renderSyntheticSample, type SyntheticCategory } from './render.js';

const CATEGORIES = Object.keys(SYNTHETIC_CATEGORIES) as SyntheticCategory[];

/** Per-pixel max channel difference. */
function diff(a: Uint8Array | Uint8ClampedArray, b: Uint8Array | Uint8ClampedArray): Uint8Array {
  const d = new Uint8Array(a.length / 3);
  for (let p = 0; p < d.length; p++) {
    for (let k = 0; k < 3; k++) d[p] = Math.max(d[p], Math.abs(a[p * 3 + k] - b[p * 3 + k]));
  }
  return d;
}

/** The mask grown by `r` pixels (square neighbourhood). */
function dilate(mask: Uint8Array, size: number, r: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!mask[y * size + x]) continue;
      for (let v = Math.max(0, y - r); v <= Math.min(size - 1, y + r); v++) {
        for (let u = Math.max(0, x - r); u <= Math.min(size - 1, x + r); u++) out[v * size + u] = 1;
      }
    }
  }
  return out;
}

describe('renderSyntheticSample', () => {
  it('is deterministic per seed and normal images vary', () => {
    for (const c of CATEGORIES) {
      const a = renderSyntheticSample(c, 'good', new Rng(5), 64);
      const b = renderSyntheticSample(c, 'good', new Rng(5), 64);
      const other = renderSyntheticSample(c, 'good', new Rng(6), 64);
      expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
      const d = diff(a.image.data, other.image.data);
      expect(d.reduce((s, v) => s + v, 0) / d.length).toBeGreaterThan(4);
    }
  });

  it.each([64, 160])('draws every defect where its mask says, visibly and not trivially (%i px)', (size) => {
    const rng = new Rng(11);
    for (const c of CATEGORIES) {
      for (const defect of SYNTHETIC_CATEGORIES[c]) {
        for (let i = 0; i < 4; i++) {
          const s = renderSyntheticSample(c, defect, rng.fork(), size, { withClean: true });
          const d = diff(s.image.data, s.clean!.data);
          const area = s.mask.reduce((a, v) => a + v, 0);
          const where = `${c}/${defect} #${i}`;
          expect([where, area >= 4]).toEqual([where, true]);
          expect([where, area / s.mask.length < 0.15]).toEqual([where, true]);
          let inside = 0;
          for (let p = 0; p < d.length; p++) if (s.mask[p]) inside += d[p];
          expect([where, inside / area > 15]).toEqual([where, true]);
          // Any clearly changed pixel lies on the mask or within the soft edge around it.
          const near = dilate(s.mask, size, Math.ceil(size / 32));
          for (let p = 0; p < d.length; p++) if (d[p] > 12 && !near[p]) throw new Error(`${where}: change outside mask at ${p}`);
        }
      }
    }
  });

  it('every defect changes some 4×4 block by more than that block varies between normal images (64 px)', () => {
    // Defects must stand out against what normal images do at the demo size (position, lighting, colour, texture
    // phase, moiré), or no detector can find them: version 1's disc moved by 7% of the frame, which hid scratches
    // (block z down to 0.32) and missing pieces (0.69).
    const size = 64;
    const grid = size / 4;
    const blockLuma = (img: Uint8Array | Uint8ClampedArray): Float64Array => {
      const out = new Float64Array(grid * grid);
      for (let p = 0; p < size * size; p++) {
        const b = Math.floor(p / size / 4) * grid + Math.floor((p % size) / 4);
        out[b] += (0.299 * img[p * 3] + 0.587 * img[p * 3 + 1] + 0.114 * img[p * 3 + 2]) / 16;
      }
      return out;
    };
    for (const c of CATEGORIES) {
      const normals = Array.from({ length: 16 }, (_, i) => blockLuma(renderSyntheticSample(c, 'good', new Rng(100 + i), size).image.data));
      const sd = new Float64Array(grid * grid);
      for (let b = 0; b < sd.length; b++) {
        const mean = normals.reduce((a, n) => a + n[b], 0) / normals.length;
        sd[b] = Math.sqrt(normals.reduce((a, n) => a + (n[b] - mean) ** 2, 0) / (normals.length - 1));
      }
      for (const defect of SYNTHETIC_CATEGORIES[c]) {
        for (let i = 0; i < 8; i++) {
          const s = renderSyntheticSample(c, defect, new Rng(500 + i), size, { withClean: true });
          const a = blockLuma(s.image.data);
          const b = blockLuma(s.clean!.data);
          let z = 0;
          for (let k = 0; k < sd.length; k++) z = Math.max(z, Math.abs(a[k] - b[k]) / sd[k]);
          const where = `${c}/${defect} #${i}`;
          expect([where, z > 1]).toEqual([where, true]);
        }
      }
    }
  });

  it('validates its arguments', () => {
    expect(() => renderSyntheticSample('weave', 'crack', new Rng(0), 64)).toThrow('defect for weave must be good, hole, stain, thread (got crack)');
    expect(() => renderSyntheticSample('disc', 'good', new Rng(0), 16)).toThrow('size must be an integer in [32, 2048] (got 16)');
  });
});

describe('generateSyntheticDataset', () => {
  const opts = { size: 64, trainCount: 6, testGoodCount: 2, defectCount: 2, seed: 9 };

  it('writes an MVTec layout that openMvtec reads, with the drawn masks, reproducibly', async () => {
    const a = tempDir('syn-a');
    const b = tempDir('syn-b');
    let progress = 0;
    const manifest = await generateSyntheticDataset(a, { ...opts, onProgress: (done) => (progress = done) });
    await generateSyntheticDataset(b, opts);
    expect(manifest.categories).toEqual(CATEGORIES);
    expect(progress).toBe(3 * (6 + 2 + 3 * 2));
    for (const c of CATEGORIES) {
      const ds = await openMvtec(a, c, { imageSize: 64, validationFraction: 0, decodeThreads: 0 });
      expect(ds.train).toHaveLength(6);
      expect(ds.test).toHaveLength(2 + 2 * SYNTHETIC_CATEGORIES[c].length);
      expect(ds.defects).toEqual([...SYNTHETIC_CATEGORIES[c]].sort());
      const samples = await ds.loadAll(ds.test);
      for (const s of samples) {
        const mask = s.mask.reduce((x, v) => x + v, 0);
        expect(s.item.label === 1 ? mask > 0 : mask === 0).toBe(true);
      }
      // The written files are exactly what the renderer gives for that stream.
      const first = samples.find((s) => s.item.label === 1)!;
      const twin = path.join(b, path.relative(a, first.item.path));
      expect(fs.readFileSync(first.item.path).equals(fs.readFileSync(twin))).toBe(true);
      const twinMask = path.join(b, path.relative(a, first.item.maskPath!));
      expect(fs.readFileSync(first.item.maskPath!).equals(fs.readFileSync(twinMask))).toBe(true);
    }
  });

  it('a different seed gives different images; ensureSyntheticDataset reuses a matching copy', async () => {
    const a = tempDir('syn-c');
    await ensureSyntheticDataset(a, { ...opts, categories: ['disc'] });
    const file = path.join(a, 'disc/train/good/000.png');
    const before = fs.statSync(file).mtimeMs;
    const bytes = fs.readFileSync(file);
    await ensureSyntheticDataset(a, { ...opts, categories: ['disc'] });
    expect(fs.statSync(file).mtimeMs).toBe(before);
    await ensureSyntheticDataset(a, { ...opts, categories: ['disc'], seed: 10 });
    expect(fs.readFileSync(file).equals(bytes)).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(a, SYNTHETIC_MANIFEST), 'utf8')).seed).toBe(10);
  });

  it('validates options', async () => {
    const a = tempDir('syn-d');
    await expect(generateSyntheticDataset(a, { trainCount: 0 })).rejects.toThrow('trainCount must be an integer in [1, 100000] (got 0)');
    await expect(generateSyntheticDataset(a, { categories: ['cloth' as SyntheticCategory] })).rejects.toThrow('categories must be among weave, disc, print');
  });
});
