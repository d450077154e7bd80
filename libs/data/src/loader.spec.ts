import fs from 'node:fs';
import path from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { decodeJpeg, decodePixels, toChannels } from './decode.js';
import { DecodePool } from './decode-pool.js';
import { LruCache } from './lru.js';
import { openMvtec } from './mvtec.js';
import { writeRawPng } from './testing/png-writer.test-util.js';
import { tempDir } from './testing/fixtures.test-util.js';

const shared = path.resolve(__dirname, '../../../../shared');
const fullres = path.join(shared, 'data/mvtec_ad_fullres_sample/bottle/train/good/000.png');
const tiles = path.join(shared, 'data/magnetic_tile/train/good');
const maybe = fs.existsSync(fullres) && fs.existsSync(tiles) ? it : it.skip;
if (maybe === it.skip) console.warn(`skipping pool decode comparisons: ${fullres} or ${tiles} is absent`);

describe('DecodePool', () => {
  maybe('decodes on worker threads exactly as decodePixels on the calling thread (JPEG and PNG)', async () => {
    const jpegs = fs.readdirSync(tiles).slice(0, 3).map((f) => path.join(tiles, f));
    const pool = new DecodePool(2);
    try {
      const decoded = await Promise.all(jpegs.map((f) => pool.decode(fs.readFileSync(f), f)));
      expect(pool.parallel).toBe(true);
      for (const [i, f] of jpegs.entries()) {
        const ref = await decodeJpeg(fs.readFileSync(f), f);
        expect(decoded[i]).toMatchObject({ width: ref.width, height: ref.height, channels: 4 });
        expect(Buffer.from(decoded[i].data).equals(Buffer.from(ref.data))).toBe(true);
      }
      // PNGs that go to Skia (8-bit opaque, colour chunks stripped) and those that do not (alpha, 16-bit).
      const fixtures = path.join(shared, 'fixtures/decode');
      const pngs = [fullres, ...fs.readdirSync(fixtures).filter((f) => f.endsWith('.png')).map((f) => path.join(fixtures, f))];
      for (const f of pngs) {
        const bytes = fs.readFileSync(f);
        const [a, ref] = await Promise.all([pool.decode(bytes, f), decodePixels(bytes, f)]);
        expect([f, a.width, a.height]).toEqual([f, ref.width, ref.height]);
        expect([f, Buffer.from(toChannels(a, 3).data).equals(Buffer.from(toChannels(ref, 3).data))]).toEqual([f, true]);
      }
    } finally {
      await pool.close();
    }
  });

  it('rejects a bad thread count', () => {
    expect(() => new DecodePool(-1)).toThrow('threads must be an integer in [0, 64] (got -1)');
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry', () => {
    const c = new LruCache<string, number>(2);
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1);
    c.set('c', 3);
    expect(c.get('b')).toBeUndefined();
    expect([c.get('a'), c.get('c'), c.size]).toEqual([1, 3, 2]);
  });
});

describe('dataset loading of other file kinds', () => {
  it('gives 3 channels for gray, 16-bit gray+alpha, palette and JPEG files, masks from gray PNGs', async () => {
    const root = tempDir('kinds');
    const dir = path.join(root, 'grid');
    const n = 12 * 12;
    const put = (rel: string, bytes: Uint8Array): void => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), bytes);
    };
    put('train/good/000.png', writeRawPng(12, 12, 0, 8, new Array(n).fill(0).map((_, i) => i)));
    put('train/good/001.png', writeRawPng(12, 12, 4, 16, new Array(2 * n).fill(0xffff).map((v, i) => (i % 2 ? v : 0x4000))));
    put('train/good/002.png', writeRawPng(12, 12, 3, 8, new Array(n).fill(1), { palette: { rgb: [0, 0, 0, 9, 99, 199] } }));
    const c = createCanvas(12, 12);
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#808080';
    ctx.fillRect(0, 0, 12, 12);
    put('train/good/003.jpg', c.toBuffer('image/jpeg'));
    put('test/bent/000.png', writeRawPng(12, 12, 0, 16, new Array(n).fill(0x8000)));
    put('ground_truth/bent/000_mask.png', writeRawPng(12, 12, 0, 8, new Array(n).fill(0).map((_, i) => (i < 24 && i % 12 < 6 ? 255 : 0))));
    const ds = await openMvtec(root, 'grid', { imageSize: 6, validationFraction: 0, verify: true, decodeThreads: 0 });
    const samples = await ds.loadAll([...ds.train, ...ds.test]);
    expect(samples.map((s) => s.image.channels)).toEqual([3, 3, 3, 3, 3]);
    const px = (i: number): number[] => Array.from(samples[i].image.data.subarray(0, 3));
    expect(px(1)).toEqual([64, 64, 64]);
    expect(px(2)).toEqual([9, 99, 199]);
    expect(Math.abs(px(3)[0] - 128)).toBeLessThan(4);
    expect(px(4)).toEqual([128, 128, 128]);
    const g = samples[0].image.data;
    for (let p = 0; p < 36; p++) expect(g[p * 3]).toBe(g[p * 3 + 2]);
    expect(Array.from(samples[4].mask.subarray(0, 6))).toEqual([1, 1, 1, 0, 0, 0]);
    expect(samples[4].mask.reduce((a, v) => a + v, 0)).toBe(3);
  });
});
