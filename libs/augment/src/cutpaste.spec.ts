import { cutPaste, cutPastePolygon, type CutPasteMeta } from './cutpaste.js';
import type { PixelImage } from './image.js';
import { applyJitter } from './jitter.js';
import { Rng } from './rng.js';
import { loadRgbImages, noiseImage, problemCollector, realCrops, realImageSuite } from '../testing/images.js';

const { dir, maybe } = realImageSuite(__filename);

/** The source patch, jittered as recorded in meta: what the target box must hold where the mask is set. */
function expectedPatch(image: PixelImage, meta: CutPasteMeta): Uint8Array {
  const { x, y, width: w, height: h } = meta.source;
  const c = image.channels;
  const patch = new Uint8Array(w * h * c);
  for (let r = 0; r < h; r++) patch.set(image.data.subarray(((y + r) * image.width + x) * c, ((y + r) * image.width + x + w) * c), r * w * c);
  applyJitter(patch, c, meta.jitter);
  return patch;
}

interface Stats {
  n: number;
  lowAspect: number;
  fillSum: number;
  changedInside: number;
  maskPixels: number;
}

const check = problemCollector();

/** Checks every invariant of one sample; returns what the statistical checks need. */
function checkSample(image: PixelImage, out: PixelImage, mask: Uint8Array, meta: CutPasteMeta, stats: Stats, area: [number, number]): void {
  const { width: W, height: H, channels: c } = image;
  check(out.width === W && out.height === H, 'output size');
  check(meta.areaRatio >= area[0] && meta.areaRatio < area[1], `area ratio ${meta.areaRatio}`);
  check(meta.aspect >= 0.3 && meta.aspect < 3.3, `aspect ${meta.aspect}`);
  const { width: w, height: h } = meta.target;
  check(meta.source.width === w && meta.source.height === h, 'source and target sizes differ');
  const a = meta.areaRatio * W * H;
  check(w === Math.min(W, Math.max(1, Math.round(Math.sqrt(a * meta.aspect)))), `patch width ${w}`);
  check(h === Math.min(H, Math.max(1, Math.round(Math.sqrt(a / meta.aspect)))), `patch height ${h}`);
  for (const b of [meta.source, meta.target]) {
    check(b.x >= 0 && b.y >= 0 && b.x + b.width <= W && b.y + b.height <= H, `box outside the image ${JSON.stringify(b)}`);
  }
  const patch = expectedPatch(image, meta);
  let inside = 0;
  let changed = 0;
  let bad = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const inBox = x >= meta.target.x && x < meta.target.x + w && y >= meta.target.y && y < meta.target.y + h;
      if (!inBox && mask[i]) bad++;
      for (let k = 0; k < c; k++) {
        const v = out.data[i * c + k];
        if (!mask[i]) {
          if (v !== image.data[i * c + k]) bad++;
        } else if (v !== patch[((y - meta.target.y) * w + (x - meta.target.x)) * c + k]) bad++;
      }
      if (mask[i]) {
        inside++;
        for (let k = 0; k < c; k++) if (out.data[i * c + k] !== image.data[i * c + k]) { changed++; break; }
      }
    }
  }
  check(inside > 0, 'empty mask');
  check(bad === 0, `${bad} pixel values differ from source (outside the mask) or jittered patch (inside)`);
  stats.n++;
  if (meta.aspect < 1) stats.lowAspect++;
  stats.fillSum += inside / (w * h);
  stats.changedInside += changed;
  stats.maskPixels += inside;
}

/** Polygon invariants: convex, vertices on all four sides of the box, mask rows and columns contiguous. */
function checkPolygon(mask: Uint8Array, W: number, meta: CutPasteMeta): void {
  const v = meta.vertices!;
  const { x: tx, y: ty, width: w, height: h } = meta.target;
  const n = v.length / 2;
  check(n >= 3 && n <= 15, `${n} vertices`);
  const xs = v.filter((_, i) => i % 2 === 0);
  const ys = v.filter((_, i) => i % 2 === 1);
  check(Math.min(...xs) === 0 && Math.max(...xs) === w && Math.min(...ys) === 0 && Math.max(...ys) === h, `polygon does not touch all four sides: ${v}`);
  let sign = 0;
  for (let i = 0; i < n; i++) {
    const [ax, ay, bx, by, cx, cy] = [0, 1, 2, 3, 4, 5].map((d) => v[(2 * i + d) % (2 * n)]!) as [number, number, number, number, number, number];
    const cross = (bx - ax) * (cy - by) - (by - ay) * (cx - bx);
    if (sign === 0) sign = Math.sign(cross);
    check(cross !== 0 && Math.sign(cross) === sign, `not strictly convex at vertex ${i}: ${v}`);
  }
  const runs = (get: (i: number) => number, len: number): number => {
    let r = 0;
    for (let i = 0; i < len; i++) if (get(i) && (i === 0 || !get(i - 1))) r++;
    return r;
  };
  for (let r = 0; r < h; r++) check(runs((q) => mask[(ty + r) * W + tx + q]!, w) <= 1, `mask row ${r} not one run`);
  for (let q = 0; q < w; q++) check(runs((r) => mask[(ty + r) * W + tx + q]!, h) <= 1, `mask column ${q} not one run`);
}

const newStats = (): Stats => ({ n: 0, lowAspect: 0, fillSum: 0, changedInside: 0, maskPixels: 0 });
const expectHalf = (k: number, n: number): void => expect(Math.abs(k - n / 2)).toBeLessThan(3 * Math.sqrt(n / 4));

maybe('CutPaste on real MVTec bottle images', () => {
  let images: PixelImage[] = [];
  let crops: PixelImage[] = [];
  beforeAll(async () => {
    images = await loadRgbImages(dir, 4);
    crops = realCrops(images);
  });

  it('rectangle: 200 full 256×256 samples keep every pixel invariant', () => {
    const rng = new Rng(99);
    const stats = newStats();
    for (let i = 0; i < 200; i++) {
      const src = images[i % images.length]!;
      const { image, mask, meta } = cutPaste(src, rng);
      checkSample(src, image, mask, meta, stats, [0.15, 0.3]);
    }
    expect(stats.changedInside / stats.maskPixels).toBeGreaterThan(0.6);
  });

  it('rectangle: 2,000 samples on real 64×64 crops keep area, aspect and pixel invariants', () => {
    const rng = new Rng(100);
    const stats = newStats();
    for (let i = 0; i < 2000; i++) {
      const src = crops[i % crops.length]!;
      const { image, mask, meta } = cutPaste(src, rng);
      check(meta.kind === 'rect', meta.kind);
      checkSample(src, image, mask, meta, stats, [0.15, 0.3]);
    }
    expectHalf(stats.lowAspect, stats.n);
    expect(stats.fillSum / stats.n).toBe(1);
    // Bottle images have large flat regions, so some pasted pixels keep their value; most must change.
    expect(stats.changedInside / stats.maskPixels).toBeGreaterThan(0.6);
  });

  it('polygon: 2,000 samples (200 full-size, the rest on crops) are convex, touch the box, fill 0.2–1 of it and only change inside', () => {
    const rng = new Rng(101);
    const stats = newStats();
    for (let i = 0; i < 2000; i++) {
      const src = i < 200 ? images[i % images.length]! : crops[i % crops.length]!;
      const { image, mask, meta } = cutPastePolygon(src, rng);
      check(meta.kind === 'polygon', meta.kind);
      checkSample(src, image, mask, meta, stats, [0.15, 0.3]);
      checkPolygon(mask, src.width, meta);
    }
    expectHalf(stats.lowAspect, stats.n);
    const fill = stats.fillSum / stats.n;
    expect(fill).toBeGreaterThan(0.2);
    expect(fill).toBeLessThan(1);
    expect(stats.changedInside / stats.maskPixels).toBeGreaterThan(0.6);
  });
});

describe('CutPaste on tiny and odd images', () => {
  const cases: [string, PixelImage][] = [
    ['8×8 RGB', noiseImage(8, 8, 3)],
    ['8×8 gray', noiseImage(8, 8, 1)],
    ['3×5 RGB', noiseImage(3, 5, 3)],
    ['5×3 RGBA', noiseImage(5, 3, 4)],
  ];
  it.each(cases)('%s: 2,000 rect and polygon samples keep every invariant', (_name, src) => {
    const rng = new Rng(7);
    const rect = newStats();
    const poly = newStats();
    for (let i = 0; i < 2000; i++) {
      const a = cutPaste(src, rng);
      checkSample(src, a.image, a.mask, a.meta, rect, [0.15, 0.3]);
      const b = cutPastePolygon(src, rng);
      checkSample(src, b.image, b.mask, b.meta, poly, [0.15, 0.3]);
      checkPolygon(b.mask, src.width, b.meta);
    }
    expectHalf(rect.lowAspect, rect.n);
    expectHalf(poly.lowAspect, poly.n);
    // Distinct neighbouring pixels: nearly every replaced pixel changes.
    expect(rect.changedInside / rect.maskPixels).toBeGreaterThan(0.9);
    expect(poly.maskPixels).toBeGreaterThan(0);
  });

  it('antialiased polygons blend edge pixels and still only touch pixels inside the mask', () => {
    const src = noiseImage(32, 32, 3);
    const rng = new Rng(8);
    let partial = 0;
    let bad = 0;
    for (let i = 0; i < 200; i++) {
      const { image, mask, meta } = cutPastePolygon(src, rng, { antialias: true });
      const patch = expectedPatch(src, meta);
      for (let p = 0; p < 32 * 32; p++) {
        if (!mask[p]) {
          for (let k = 0; k < 3; k++) if (image.data[p * 3 + k] !== src.data[p * 3 + k]) bad++;
          continue;
        }
        const x = (p % 32) - meta.target.x;
        const y = Math.floor(p / 32) - meta.target.y;
        for (let k = 0; k < 3; k++) {
          const v = image.data[p * 3 + k]!;
          const full = patch[(y * meta.target.width + x) * 3 + k]!;
          const orig = src.data[p * 3 + k]!;
          // A blend lies between the pasted and the original value.
          if (v < Math.min(full, orig) || v > Math.max(full, orig)) bad++;
          if (k === 0 && v !== full && v !== orig) partial++;
        }
      }
    }
    expect(bad).toBe(0);
    expect(partial).toBeGreaterThan(100);
  });

  it('is deterministic for a seed and for forks of equal parents', () => {
    const src = noiseImage(16, 12, 3);
    const a = cutPastePolygon(src, new Rng(5));
    const b = cutPastePolygon(src, new Rng(5));
    expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
    expect(a.meta).toEqual(b.meta);
    const f1 = cutPaste(src, new Rng(5).fork());
    const f2 = cutPaste(src, new Rng(5).fork());
    expect(f1.meta).toEqual(f2.meta);
    expect(cutPaste(src, new Rng(6)).meta).not.toEqual(cutPaste(src, new Rng(5)).meta);
  });

  it('honours area options and rejects bad ones with the option name and range', () => {
    const src = noiseImage(40, 40, 3);
    const rng = new Rng(9);
    for (let i = 0; i < 100; i++) {
      const { meta } = cutPaste(src, rng, { area: [0.5, 0.6], aspect: [1, 1] });
      expect(meta.aspect).toBe(1);
      expect(meta.target.width * meta.target.height).toBeGreaterThanOrEqual(0.45 * 1600);
    }
    expect(() => cutPaste(src, rng, { area: [0, 0.3] })).toThrow('cutPaste.area must satisfy min <= max within (0, 1] (got [0, 0.3])');
    expect(() => cutPaste(src, rng, { area: [0.3, 1.2] })).toThrow(/cutPaste\.area .*\(0, 1\]/);
    expect(() => cutPaste(src, rng, { area: [0.3, 0.2] })).toThrow(/cutPaste\.area must satisfy min <= max/);
    expect(() => cutPaste(src, rng, { aspect: [1.5, 3] })).toThrow(/cutPaste\.aspect .*0 < min <= 1 <= max/);
    expect(() => cutPastePolygon(src, rng, { points: [2, 5] })).toThrow(/cutPastePolygon\.points/);
    expect(() => cutPastePolygon(src, rng, { points: [3.5, 5] })).toThrow(/cutPastePolygon\.points must be integers/);
    expect(() => cutPaste({ width: 2, height: 2, channels: 3, data: new Uint8Array(5) }, rng)).toThrow(/image: data length/);
  });
});
