import { applyJitter, colorJitter, jitterPatch, sampleJitter, type JitterOp, type JitterParams } from './jitter.js';
import { Rng } from './rng.js';

const ORDER: JitterOp[] = ['brightness', 'contrast', 'saturation', 'hue'];
const only = (p: Partial<JitterParams>): JitterParams => ({
  order: ORDER,
  brightness: 1,
  contrast: 1,
  saturation: 1,
  hue: 0,
  ...p,
});
const run = (pixels: number[], channels: 1 | 3 | 4, params: JitterParams): number[] => {
  const buf = Uint8Array.from(pixels);
  applyJitter(buf, channels, params);
  return Array.from(buf);
};
// Two pixels: A = (200, 100, 50), B = (10, 20, 30).
const AB = [200, 100, 50, 10, 20, 30];

describe('applyJitter (hand-computed torchvision formulas)', () => {
  it('identity factors leave the pixels unchanged', () => {
    expect(run(AB, 3, only({}))).toEqual(AB);
  });

  it('brightness multiplies and clamps to 255', () => {
    expect(run(AB, 3, only({ brightness: 1.2 }))).toEqual([240, 120, 60, 12, 24, 36]);
    expect(run(AB, 3, only({ brightness: 1.5 }))).toEqual([255, 150, 75, 15, 30, 45]);
  });

  it('contrast blends with the mean of the 0.2989/0.587/0.114 grayscale', () => {
    // gray(A) = 124.18, gray(B) = 18.149, mean 71.1645; out = 0.5 x + 0.5 * 71.1645
    expect(run(AB, 3, only({ contrast: 0.5 }))).toEqual([136, 86, 61, 41, 46, 51]);
  });

  it('saturation blends with the per-pixel grayscale', () => {
    expect(run(AB, 3, only({ saturation: 0 }))).toEqual([124, 124, 124, 18, 18, 18]);
    // 2x - gray: A → (275.8 → 255, 75.8, -24.2 → 0)
    expect(run(AB.slice(0, 3), 3, only({ saturation: 2 }))).toEqual([255, 76, 0]);
  });

  it('hue rotates in HSV: +1/3 turn permutes channels, -0.1 turn lands at 344°', () => {
    expect(run(AB.slice(0, 3), 3, only({ hue: 1 / 3 }))).toEqual([50, 200, 100]);
    // h = 20° - 36° = 344°, s = 0.75, v = 200: (v, p, q) = (200, 50, 90)
    expect(run(AB.slice(0, 3), 3, only({ hue: -0.1 }))).toEqual([200, 50, 90]);
    expect(run([77, 77, 77], 3, only({ hue: 0.25 }))).toEqual([77, 77, 77]);
  });

  it('applies the ops in the drawn order, each one clamping', () => {
    const bc = only({ brightness: 1.5, contrast: 0.5, order: ['brightness', 'contrast', 'saturation', 'hue'] });
    const cb = only({ brightness: 1.5, contrast: 0.5, order: ['contrast', 'brightness', 'saturation', 'hue'] });
    // brightness first: A = (255, 150, 75), B = (15, 30, 45); gray mean 100.02 → 0.5 x + 50.01
    expect(run(AB, 3, bc).slice(0, 3)).toEqual([178, 125, 88]);
    // contrast first: (135.58, 85.58, 60.58) × 1.5
    expect(run(AB, 3, cb).slice(0, 3)).toEqual([203, 128, 91]);
  });

  it('on gray data runs only brightness and contrast; on RGBA keeps alpha', () => {
    expect(run([100, 200], 1, only({ brightness: 1.2 }))).toEqual([120, 240]);
    expect(run([100, 200], 1, only({ contrast: 0.5, saturation: 0, hue: 0.3 }))).toEqual([125, 175]);
    expect(run([200, 100, 50, 7], 4, only({ brightness: 1.2, hue: 1 / 3 }))).toEqual([60, 240, 120, 7]);
  });
});

/** torchvision's float ColorJitter written plainly, per pixel, as the reference for the optimised passes. */
function reference(src: Uint8Array, p: JitterParams): Uint8Array {
  const n = src.length / 3;
  let px = Array.from({ length: n }, (_, i) => [src[3 * i]! / 255, src[3 * i + 1]! / 255, src[3 * i + 2]! / 255]);
  const clamp = (v: number): number => Math.min(1, Math.max(0, v));
  const gray = (c: number[]): number => 0.2989 * c[0]! + 0.587 * c[1]! + 0.114 * c[2]!;
  for (const op of p.order) {
    if (op === 'brightness') px = px.map((c) => c.map((v) => clamp(p.brightness * v)));
    if (op === 'contrast') {
      const mean = px.reduce((a, c) => a + gray(c), 0) / n;
      px = px.map((c) => c.map((v) => clamp(p.contrast * v + (1 - p.contrast) * mean)));
    }
    if (op === 'saturation') px = px.map((c) => c.map((v) => clamp(p.saturation * v + (1 - p.saturation) * gray(c))));
    if (op === 'hue') {
      px = px.map(([r, g, b]) => {
        const maxc = Math.max(r!, g!, b!);
        const minc = Math.min(r!, g!, b!);
        const cr = maxc - minc;
        const s = maxc === minc ? 0 : cr / maxc;
        const d = maxc === minc ? 1 : cr;
        const [rc, gc, bc] = [(maxc - r!) / d, (maxc - g!) / d, (maxc - b!) / d];
        let h = maxc === r ? bc - gc : maxc === g ? 2 + rc - bc : 4 + gc - rc;
        h = (((h / 6 + 1) % 1) + p.hue + 1) % 1;
        const i = Math.floor(h * 6);
        const f = h * 6 - i;
        const [v, pp, q, t] = [maxc, clamp(maxc * (1 - s)), clamp(maxc * (1 - s * f)), clamp(maxc * (1 - s * (1 - f)))];
        return [[v, t, pp], [q, v, pp], [pp, v, t], [pp, q, v], [t, pp, v], [v, pp, q]][i % 6]!;
      });
    }
  }
  return Uint8Array.from(px.flat().map((v) => Math.round(v * 255)));
}

describe('applyJitter against a plain per-pixel torchvision reference', () => {
  it('matches on random patches with repeated colours, for every op order', () => {
    const rng = new Rng(14);
    let exact = 0;
    let total = 0;
    let worst = 0;
    for (let t = 0; t < 60; t++) {
      // A small palette repeated over 3,000 pixels exercises the memo hits; 5,000 colours exercise collisions.
      const palette = Array.from({ length: t % 2 ? 40 : 5000 }, () => [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)]);
      const src = Uint8Array.from(Array.from({ length: 3000 }, () => rng.pick(palette)).flat());
      const params = sampleJitter(rng, { brightness: 0.5, contrast: 0.5, saturation: 0.5, hue: 0.5 });
      const got = src.slice();
      applyJitter(got, 3, params);
      const want = reference(src, params);
      for (let i = 0; i < got.length; i++) {
        const d = Math.abs(got[i]! - want[i]!);
        worst = Math.max(worst, d);
        if (d === 0) exact++;
        total++;
      }
    }
    // Same formulas; only the last bits of a double may differ (sector-free HSV), which can flip a rounding tie.
    expect(worst).toBeLessThanOrEqual(1);
    expect(exact / total).toBeGreaterThan(0.9999);
  });

  it('matches for custom orders that leave an op out (an earlier version ran hue twice without contrast)', () => {
    const rng = new Rng(15);
    const orders: JitterParams['order'][] = [
      ['brightness', 'saturation', 'hue'],
      ['hue', 'saturation'],
      ['saturation', 'brightness'],
      ['hue'],
    ];
    for (const order of orders) {
      const src = Uint8Array.from({ length: 3 * 2000 }, () => rng.int(0, 255));
      const params = { ...sampleJitter(rng, { brightness: 0.5, contrast: 0.5, saturation: 0.5, hue: 0.5 }), order };
      const got = src.slice();
      applyJitter(got, 3, params);
      const want = reference(src, params);
      let worst = 0;
      for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
      expect(worst).toBeLessThanOrEqual(1);
    }
  });
});

describe('jitterPatch', () => {
  it('inside the spans equals the full jitter (mean over the whole patch); outside leaves pixels alone', () => {
    const rng = new Rng(13);
    const w = 9;
    const h = 7;
    for (let t = 0; t < 50; t++) {
      const src = Uint8Array.from({ length: w * h * 3 }, () => rng.int(0, 255));
      const params = sampleJitter(rng);
      const full = src.slice();
      applyJitter(full, 3, params);
      const spans = new Int32Array(2 * h);
      for (let r = 0; r < h; r++) {
        spans[2 * r] = rng.int(0, w);
        spans[2 * r + 1] = rng.int(spans[2 * r]!, w);
      }
      const part = src.slice();
      jitterPatch(part, 3, params, w, spans);
      for (let r = 0; r < h; r++) {
        for (let x = 0; x < w; x++) {
          const inside = x >= spans[2 * r]! && x < spans[2 * r + 1]!;
          const i = (r * w + x) * 3;
          expect(Array.from(part.subarray(i, i + 3))).toEqual(Array.from((inside ? full : src).subarray(i, i + 3)));
        }
      }
    }
  });
});

describe('sampleJitter', () => {
  it('draws factors in U(max(0, 1-s), 1+s), hue in U(-h, h), and a uniform permutation', () => {
    const rng = new Rng(11);
    const firstOp = new Map<JitterOp, number>();
    let minB = Infinity;
    let maxB = -Infinity;
    let maxHue = 0;
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const p = sampleJitter(rng);
      expect([...p.order].sort()).toEqual([...ORDER].sort());
      firstOp.set(p.order[0]!, (firstOp.get(p.order[0]!) ?? 0) + 1);
      for (const f of [p.brightness, p.contrast, p.saturation]) {
        minB = Math.min(minB, f);
        maxB = Math.max(maxB, f);
      }
      maxHue = Math.max(maxHue, Math.abs(p.hue));
    }
    expect(minB).toBeGreaterThanOrEqual(0.7);
    expect(minB).toBeLessThan(0.71);
    expect(maxB).toBeLessThan(1.3);
    expect(maxB).toBeGreaterThan(1.29);
    expect(maxHue).toBeLessThanOrEqual(0.3);
    expect(maxHue).toBeGreaterThan(0.29);
    const sigma = Math.sqrt(n * 0.25 * 0.75);
    for (const op of ORDER) expect(Math.abs((firstOp.get(op) ?? 0) - n / 4)).toBeLessThan(4 * sigma);
  });

  it('clips the lower bound at 0 and validates strengths', () => {
    const rng = new Rng(12);
    for (let i = 0; i < 200; i++) expect(sampleJitter(rng, { brightness: 2 }).brightness).toBeGreaterThanOrEqual(0);
    expect(() => sampleJitter(rng, { hue: 0.6 })).toThrow('jitter.hue must be a number within [0, 0.5] (got 0.6)');
    expect(() => sampleJitter(rng, { contrast: -1 })).toThrow(/jitter\.contrast/);
  });

  it('colorJitter is deterministic and leaves its input alone', () => {
    const data = Uint8Array.from({ length: 4 * 4 * 3 }, (_, i) => (i * 37) % 256);
    const image = { width: 4, height: 4, channels: 3 as const, data };
    const before = Array.from(data);
    const a = colorJitter(image, new Rng(9));
    const b = colorJitter(image, new Rng(9));
    expect(Array.from(data)).toEqual(before);
    expect(Array.from(a.image.data)).toEqual(Array.from(b.image.data));
    expect(a.params).toEqual(b.params);
    expect(Array.from(a.image.data)).not.toEqual(before);
  });
});
