import { fillPretextBatch } from './batch.js';
import type { PixelImage } from './image.js';
import { Rng } from './rng.js';
import { pretextSample, resolvePretextOptions, type PretextKind } from './sampler.js';
import { loadRgbImages, noiseImage, realCrops, realImageSuite } from '../testing/images.js';

const { dir, maybe } = realImageSuite(__filename);

/** Max |x - expected| where expected is pretextSample's output (same seed and draw order) as floats. */
function maxDiffToSamples(
  images: PixelImage[],
  seed: number,
  n: number,
  normalize?: { mean: number[]; std: number[] },
): { diff: number; labels: number[]; y: number[] } {
  const { width: W, height: H } = images[0]!;
  const out = { x: new Float32Array(n * W * H * 3), y: new Int32Array(n) };
  fillPretextBatch(images, new Rng(seed), out, { imageOrder: 'cycle', normalize });
  const rng = new Rng(seed);
  const o = resolvePretextOptions();
  const mean = normalize?.mean ?? [0, 0, 0];
  const std = normalize?.std ?? [1, 1, 1];
  let diff = 0;
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = pretextSample(images[i % images.length]!, rng, o);
    labels.push(s.label);
    const c = s.image.channels;
    for (let p = 0; p < W * H; p++) {
      for (let k = 0; k < 3; k++) {
        const v = s.image.data[p * c + (c === 1 ? 0 : k)]!;
        const e = (v / 255 - mean[k]!) / std[k]!;
        diff = Math.max(diff, Math.abs(out.x[(i * W * H + p) * 3 + k]! - e));
      }
    }
  }
  return { diff, labels, y: Array.from(out.y) };
}

maybe('fillPretextBatch on real MVTec bottle images', () => {
  let crops: PixelImage[] = [];
  beforeAll(async () => {
    crops = realCrops(await loadRgbImages(dir, 2));
  });

  it('writes exactly the samples pretextSample draws, as [0, 1] floats or normalised', () => {
    const plain = maxDiffToSamples(crops, 5, 48);
    expect(plain.y).toEqual(plain.labels);
    expect(plain.diff).toBeLessThan(1e-6);
    const norm = maxDiffToSamples(crops, 6, 24, { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] });
    expect(norm.y).toEqual(norm.labels);
    expect(norm.diff).toBeLessThan(1e-5);
  });
});

describe('fillPretextBatch', () => {
  it('replicates gray to 3 channels and drops alpha', () => {
    for (const c of [1, 4] as const) {
      const { diff, y, labels } = maxDiffToSamples([noiseImage(32, 32, c, 1), noiseImage(32, 32, c, 2)], 7, 30);
      expect(y).toEqual(labels);
      expect(diff).toBeLessThan(1e-6);
    }
  });

  it('picks images at random by default and reports every sample', () => {
    const images = [noiseImage(32, 32, 3, 1), noiseImage(32, 32, 3, 2), noiseImage(32, 32, 3, 3)];
    const n = 300;
    const out = { x: new Float32Array(n * 32 * 32 * 3), y: new Int32Array(n) };
    const seen: [number, number, PretextKind][] = [];
    fillPretextBatch(images, new Rng(8), out, { onSample: (i, label, kind) => seen.push([i, label, kind]) });
    expect(seen.map((s) => s[0])).toEqual(Array.from({ length: n }, (_, i) => i));
    expect(seen.map((s) => s[1])).toEqual(Array.from(out.y));
    expect(new Set(seen.map((s) => s[2]))).toEqual(new Set(['normal', 'polygon', 'scar']));
    let min = Infinity;
    let max = -Infinity;
    for (const v of out.x) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThanOrEqual(1);
    const again = { x: new Float32Array(out.x.length), y: new Int32Array(n) };
    fillPretextBatch(images, new Rng(8), again);
    expect(Buffer.from(again.x.buffer).equals(Buffer.from(out.x.buffer))).toBe(true);
    const other = { x: new Float32Array(out.x.length), y: new Int32Array(n) };
    fillPretextBatch(images, new Rng(9), other);
    expect(Buffer.from(other.x.buffer).equals(Buffer.from(out.x.buffer))).toBe(false);
  });

  it('validates images, buffers and options with clear messages', () => {
    const a = noiseImage(8, 8, 3);
    const rng = new Rng(1);
    const out = (n: number, w = 8, h = 8) => ({ x: new Float32Array(n * w * h * 3), y: new Int32Array(n) });
    const small = { scar: { width: [1, 2], height: [2, 3] } } as const;
    expect(() => fillPretextBatch([], rng, out(1))).toThrow('images must be a non-empty array of PixelImage');
    expect(() => fillPretextBatch([a, noiseImage(8, 9, 3)], rng, out(1), small)).toThrow(
      'images[1] is 8×9×3 but images[0] is 8×8×3; all images must match',
    );
    expect(() => fillPretextBatch([a], rng, { x: new Float32Array(10), y: new Int32Array(1) }, small)).toThrow(
      'out.x length must be y.length × height × width × 3 = 192 (got 10)',
    );
    expect(() => fillPretextBatch([a], rng, { x: [] as never, y: new Int32Array(1) })).toThrow(/out must be/);
    expect(() => fillPretextBatch([noiseImage(6, 8, 3)], rng, out(2, 6, 8), small)).toThrow(
      'options.rotations: 90° and 270° need square images (got 6×8); use [0, 180]',
    );
    expect(() => fillPretextBatch([noiseImage(6, 8, 3)], rng, out(2, 6, 8), { ...small, rotations: [0, 180] })).not.toThrow();
    expect(() => fillPretextBatch([a], rng, out(1), { ...small, normalize: { mean: [0, 0, 0], std: [1, 0, 1] } })).toThrow(
      'options.normalize.std must be 3 finite numbers > 0 (got [1,0,1])',
    );
    expect(() => fillPretextBatch([a], rng, out(1), { ...small, imageOrder: 'sorted' as never })).toThrow(
      /options\.imageOrder must be 'random' or 'cycle'/,
    );
    expect(() => fillPretextBatch([a], rng, out(1))).toThrow(/options\.scar: the largest scar/);
  });
});
