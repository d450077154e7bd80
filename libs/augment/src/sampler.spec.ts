import type { PixelImage } from './image.js';
import { rotate90 } from './rotate.js';
import { Rng } from './rng.js';
import { PRETEXT_CLASSES, pretextSample, resolvePretextOptions, type PretextOptions } from './sampler.js';
import { loadRgbImages, noiseImage, problemCollector, realCrops, realImageSuite } from '../testing/images.js';

const { dir, maybe } = realImageSuite(__filename);

const check = problemCollector();

const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => Buffer.from(a as Uint8Array).equals(Buffer.from(b as Uint8Array));
const within3Sigma = (count: number, n: number, p: number): boolean => Math.abs(count - n * p) <= 3 * Math.sqrt(n * p * (1 - p));

interface Tally {
  labels: number[];
  rotations: Map<number, number>;
  changed: number;
  inside: number;
}

/**
 * Draws `n` samples: pixels outside the mask must equal the rotated source, class 0 must be the rotated source
 * with an empty mask, every other class must replace at least one pixel.
 */
function run(images: readonly PixelImage[], n: number, seed: number, options: PretextOptions = {}): Tally {
  const o = resolvePretextOptions(options);
  const kinds = o.kinds;
  const tally: Tally = { labels: kinds.map(() => 0), rotations: new Map(), changed: 0, inside: 0 };
  const rng = new Rng(seed);
  for (let i = 0; i < n; i++) {
    const src = images[i % images.length]!;
    const s = pretextSample(src, rng, o);
    tally.labels[s.label]!++;
    const r = s.meta.rotation;
    tally.rotations.set(r, (tally.rotations.get(r) ?? 0) + 1);
    check(s.meta.kind === kinds[s.label], `label ${s.label} has kind ${s.meta.kind}`);
    const rotatedSrc = rotate90(src, r);
    check(s.image.width === rotatedSrc.width && s.image.height === rotatedSrc.height, `size after ${r}°`);
    const c = src.channels;
    let bad = 0;
    let inside = 0;
    let changed = 0;
    for (let p = 0; p < s.mask.length; p++) {
      let differs = false;
      for (let k = 0; k < c; k++) if (s.image.data[p * c + k] !== rotatedSrc.data[p * c + k]) differs = true;
      if (s.mask[p]) {
        inside++;
        if (differs) changed++;
      } else if (differs) bad++;
    }
    check(bad === 0, `${bad} pixels outside the mask differ from the rotated source (${s.meta.kind}, ${r}°)`);
    if (s.label === 0) check(inside === 0 && same(s.image.data, rotatedSrc.data), 'class 0 must be the rotated source');
    else check(inside > 0, `empty mask for ${s.meta.kind}`);
    tally.changed += changed;
    tally.inside += inside;
  }
  return tally;
}

/**
 * Rotation is drawn last, so the same seed with `rotations: [0]` replays the transform unrotated: the sample and
 * its mask must be that image and mask turned by meta.rotation.
 */
function checkAgainstUnrotated(images: readonly PixelImage[], n: number, options: PretextOptions = {}): void {
  const o = resolvePretextOptions(options);
  const flat = resolvePretextOptions({ ...options, rotations: [0] });
  for (let i = 0; i < n; i++) {
    const src = images[i % images.length]!;
    const s = pretextSample(src, new Rng(i), o);
    const u = pretextSample(src, new Rng(i), flat);
    check(s.label === u.label, 'same label');
    const r = s.meta.rotation;
    check(same(s.image.data, rotate90(u.image, r).data), `image is the rotated unrotated-sample (${s.meta.kind}, ${r}°)`);
    const m = rotate90({ width: src.width, height: src.height, channels: 1, data: u.mask }, r);
    check(same(s.mask, m.data), `mask is the rotated unrotated-mask (${s.meta.kind}, ${r}°)`);
    check(JSON.stringify({ ...s.meta, rotation: 0 }) === JSON.stringify(u.meta), 'meta in the source frame');
  }
}

function expectShares(t: Tally, n: number, weights: readonly number[]): void {
  const total = weights.reduce((a, b) => a + b, 0);
  t.labels.forEach((count, i) => check(within3Sigma(count, n, weights[i]! / total), `label ${i}: ${count} of ${n}, weight ${weights[i]}/${total}`));
  for (const r of [0, 90, 180, 270]) check(within3Sigma(t.rotations.get(r) ?? 0, n, 0.25), `rotation ${r}: ${t.rotations.get(r)} of ${n}`);
}

maybe('pretextSample on real MVTec bottle images', () => {
  let images: PixelImage[] = [];
  let crops: PixelImage[] = [];
  beforeAll(async () => {
    images = await loadRgbImages(dir, 4);
    crops = realCrops(images);
  });

  it('2,000 samples (3-way, polygon + scar): label and rotation shares, pixels outside the mask untouched', () => {
    const n = 2000;
    const t = run([...images, ...crops.slice(0, 8)], n, 500);
    expectShares(t, n, [1, 1, 1]);
    expect(t.changed / t.inside).toBeGreaterThan(0.6);
  });

  it('the rotated sample and mask are the unrotated ones turned by meta.rotation', () => {
    checkAgainstUnrotated(images, 40);
    checkAgainstUnrotated(crops, 200, { classes: 'rect-polygon-scar', scar: { fill: 'patch' } });
  });

  it('is deterministic across runs and across forks of equal parents', () => {
    const a = pretextSample(images[0]!, new Rng(77));
    const b = pretextSample(images[0]!, new Rng(77));
    expect(same(a.image.data, b.image.data) && same(a.mask, b.mask)).toBe(true);
    expect(a.meta).toEqual(b.meta);
    const p1 = new Rng(78);
    const p2 = new Rng(78);
    const f1 = [p1.fork(), p1.fork()];
    const f2 = [p2.fork(), p2.fork()];
    for (let i = 0; i < 2; i++) {
      const x = pretextSample(images[1]!, f1[i]!);
      const y = pretextSample(images[1]!, f2[i]!);
      expect(x.meta).toEqual(y.meta);
      expect(same(x.image.data, y.image.data)).toBe(true);
    }
  });
});

describe('pretextSample on tiny and odd images', () => {
  const scarSmall = { width: [1, 3], height: [2, 5] } as const;
  it.each([
    ['8×8 RGB', noiseImage(8, 8, 3), { scar: scarSmall }],
    ['8×8 gray', noiseImage(8, 8, 1), { scar: scarSmall, classes: 'rect-polygon-scar' }],
    ['3×5 RGB', noiseImage(3, 5, 3), { scar: { width: [1, 2], height: [2, 3], angle: [-20, 20] } }],
  ] as [string, PixelImage, PretextOptions][])('%s: 2,000 samples keep shares and pixel invariants', (_n, src, options) => {
    const n = 2000;
    const t = run([src], n, 600, options);
    expectShares(t, n, PRETEXT_CLASSES[options.classes ?? 'polygon-scar'].map(() => 1));
    // Neighbouring pixels all differ in these images, so replaced pixels nearly always change.
    expect(t.changed / t.inside).toBeGreaterThan(0.85);
    checkAgainstUnrotated([src], 100, options);
  });

  it('honours weights, class layouts and rotation subsets', () => {
    const src = noiseImage(32, 32, 3);
    const n = 3000;
    const w = [3, 1, 2];
    const t = run([src], n, 601, { classes: 'rect-scar', weights: w, rotations: [0, 180] });
    const total = 6;
    t.labels.forEach((count, i) => check(within3Sigma(count, n, w[i]! / total), `label ${i}: ${count}`));
    check(t.rotations.get(90) === undefined && t.rotations.get(270) === undefined, 'only 0 and 180');
    check(within3Sigma(t.rotations.get(180)!, n, 0.5), `180: ${t.rotations.get(180)}`);
    const four = run([src], 400, 602, { classes: 'rect-polygon-scar', weights: [0, 1, 1, 0] });
    check(four.labels[0] === 0 && four.labels[3] === 0 && four.labels[1]! > 150 && four.labels[2]! > 150, `${four.labels}`);
  });

  it('validates options at the boundary with the option name and allowed values', () => {
    const src = noiseImage(8, 8, 3);
    const rng = new Rng(1);
    expect(() => pretextSample(src, rng)).toThrow(/^options\.scar: the largest scar .* needs a 29×30 box but the image is 8×8/);
    expect(pretextSample(src, rng, { weights: [1, 1, 0] }).label).toBeLessThan(2);
    expect(() => pretextSample(src, rng, { weights: [1, 1] })).toThrow(
      'options.weights must be 3 finite numbers >= 0 with a positive sum, one per class (normal, polygon, scar) (got [1,1])',
    );
    expect(() => pretextSample(src, rng, { weights: [0, 0, 0] })).toThrow(/options\.weights/);
    expect(() => pretextSample(src, rng, { weights: [1, -1, 1] })).toThrow(/options\.weights/);
    expect(() => pretextSample(src, rng, { classes: 'two' as never })).toThrow(/options\.classes must be one of polygon-scar, rect-scar, rect-polygon-scar/);
    expect(() => pretextSample(src, rng, { rotations: [] })).toThrow(/options\.rotations must be a non-empty array/);
    expect(() => pretextSample(src, rng, { rotations: [0, 45 as never] })).toThrow('options.rotations[1] must be one of 0, 90, 180, 270 (got 45)');
    expect(() => pretextSample(src, rng, { cutPaste: { area: [0.1, 1.5] } })).toThrow(/options\.cutPaste\.area .*\(0, 1\]/);
    expect(() => pretextSample(src, rng, { jitter: { hue: 1 } })).toThrow(/options\.cutPaste\.jitter\.hue must be a number within \[0, 0\.5\]/);
    expect(() => pretextSample(src, rng, { scar: { fill: 'x' as never } })).toThrow(/options\.scar\.fill must be 'color' or 'patch'/);
  });
});
