import { aupro, pixelAuroc, pixelMetrics, proCurve, type MaskMap, type ScoreMap } from './index.js';

function lcg(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

/** Regions as arrays of pixel indices (8-connected flood fill). */
function regionsOf(mask: Uint8Array, width: number, height: number): number[][] {
  const seen = new Uint8Array(mask.length);
  const regions: number[][] = [];
  for (let s = 0; s < mask.length; s++) {
    if (!mask[s] || seen[s]) continue;
    const region: number[] = [];
    const stack = [s];
    seen[s] = 1;
    while (stack.length) {
      const p = stack.pop() as number;
      region.push(p);
      const x = p % width;
      const y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const q = (y + dy) * width + x + dx;
          if (x + dx >= 0 && x + dx < width && y + dy >= 0 && y + dy < height && mask[q] && !seen[q]) {
            seen[q] = 1;
            stack.push(q);
          }
        }
    }
    regions.push(region);
  }
  return regions;
}

/** The official definition written the slow way: a threshold loop, then generic_util.trapezoid with x_max. */
function referenceAupro(maps: ScoreMap[], masks: MaskMap[], limit: number): number {
  const regions = masks.flatMap((m, i) => regionsOf(m.data, m.width, m.height).map((r) => ({ image: i, pixels: r })));
  const normals = masks.reduce((s, m) => s + m.data.reduce((t, v) => t + (v ? 0 : 1), 0), 0);
  const thresholds = Array.from(new Set(maps.flatMap((m) => Array.from(m.data)))).sort((a, b) => b - a);
  const x = [0];
  const y = [0];
  for (const t of thresholds) {
    let fp = 0;
    maps.forEach((m, i) => m.data.forEach((s, p) => (fp += s >= t && !masks[i].data[p] ? 1 : 0)));
    const overlap = regions.reduce((sum, r) => sum + r.pixels.filter((p) => maps[r.image].data[p] >= t).length / r.pixels.length, 0);
    x.push(Math.fround(fp / normals));
    y.push(Math.min(overlap / regions.length, 1));
  }
  x.push(1);
  y.push(1);
  let correction = 0;
  if (!x.includes(limit)) {
    const ins = x.findIndex((v) => v > limit);
    const yi = y[ins - 1] + ((y[ins] - y[ins - 1]) * (limit - x[ins - 1])) / (x[ins] - x[ins - 1]);
    correction = 0.5 * (yi + y[ins - 1]) * (limit - x[ins - 1]);
  }
  let area = 0;
  for (let i = 1; i < x.length && x[i] <= limit; i++) area += 0.5 * (y[i] + y[i - 1]) * (x[i] - x[i - 1]);
  return (area + correction) / limit;
}

/** Images of different sizes with blob masks (some empty) and maps with ties (few score levels). */
function randomImages(seed: number, levels: number) {
  const rand = lcg(seed);
  const sizes = [
    [9, 12],
    [16, 16],
    [7, 20],
    [12, 5],
  ];
  const maps: ScoreMap[] = [];
  const masks: MaskMap[] = [];
  sizes.forEach(([height, width], n) => {
    const mask = new Uint8Array(height * width);
    const map = new Float32Array(height * width);
    const blobs = n === 1 ? 0 : 1 + Math.floor(rand() * 3);
    for (let b = 0; b < blobs; b++) {
      const cx = rand() * width;
      const cy = rand() * height;
      const r = 1 + rand() * 3;
      for (let p = 0; p < mask.length; p++) {
        const dx = (p % width) - cx;
        const dy = Math.floor(p / width) - cy;
        if (dx * dx + dy * dy <= r * r) mask[p] = n === 2 ? 255 : 1;
      }
    }
    for (let p = 0; p < map.length; p++) map[p] = Math.floor((rand() + (mask[p] ? 0.4 : 0)) * levels) / levels;
    maps.push({ data: map, height, width });
    masks.push({ data: mask, height, width });
  });
  return { maps, masks };
}

describe('aupro / proCurve', () => {
  it.each([
    [1, 4, 0.3],
    [2, 7, 0.3],
    [3, 1000, 0.3],
    [4, 1000, 1],
    [5, 30, 0.05],
    [6, 1e6, 0.5],
  ])('matches the slow official definition (seed %i, %i score levels, limit %f), mixed image sizes', (seed, levels, limit) => {
    const { maps, masks } = randomImages(seed, levels);
    expect(aupro(maps, masks, { fprLimit: limit })).toBeCloseTo(referenceAupro(maps, masks, limit), 12);
  });

  it('gives 1 for a perfect detector and handles a limit that is a curve point', () => {
    const mask = Uint8Array.from([0, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
    const map = Float32Array.from([0.1, 0.2, 0.9, 0.8, 0.3, 0.4, 0.5, 0.6, 0.7, 0.05]);
    const size = { height: 2, width: 5 };
    expect(aupro([map], [mask], { size })).toBe(1);
    // Reversed scores: PRO stays 0 until FPR reaches 1; FPR hits 0.5 exactly (4 of 8 normals).
    const reversed = map.map((v) => 1 - v);
    expect(aupro([reversed], [mask], { size, fprLimit: 0.5 })).toBe(0);
    const curve = proCurve([reversed], [mask], { size });
    expect(Array.from(curve.fpr)).toEqual([0, ...[1, 2, 3, 4, 5, 6, 7, 8, 8, 8].map((k) => Math.fround(k / 8)), 1]);
    expect(curve.regions).toBe(1);
  });

  it.each([0.001, 0.05, 0.3, 0.75, 1])(
    'equals the official trapezoid over every point of proCurve (limit %f; aupro skips flat runs)',
    (limit) => {
      const rand = lcg(11);
      const count = 3;
      const size = 48;
      const data = Float32Array.from({ length: count * size * size }, () => Math.round(rand() * rand() * 3000) / 1000 - 0.5);
      const mask = Uint8Array.from({ length: data.length }, (_, i) => ((i % size) - 20) ** 2 + (((i / size) | 0) % size - 30) ** 2 < 40 ? 1 : 0);
      for (let i = 0; i < data.length; i++) if (mask[i]) data[i] += 0.5;
      const maps = { data, count, height: size, width: size };
      const masks = { data: mask, count, height: size, width: size };
      const { fpr: x, pro: y } = proCurve(maps, masks);
      let correction = 0;
      if (!x.includes(limit)) {
        const ins = x.findIndex((v) => v > limit);
        const yi = y[ins - 1] + ((y[ins] - y[ins - 1]) * (limit - x[ins - 1])) / (x[ins] - x[ins - 1]);
        correction = 0.5 * (yi + y[ins - 1]) * (limit - x[ins - 1]);
      }
      let area = 0;
      for (let i = 1; i < x.length && x[i] <= limit; i++) area += 0.5 * (y[i] + y[i - 1]) * (x[i] - x[i - 1]);
      const expected = (area + correction) / limit;
      expect(aupro(maps, masks, { fprLimit: limit })).toBeCloseTo(expected, 13);
      expect(pixelMetrics(maps, masks, { fprLimit: limit }).aupro).toBe(aupro(maps, masks, { fprLimit: limit }));
    },
  );

  it('reads mask value 255 as 1', () => {
    const { maps, masks } = randomImages(7, 50);
    const as255 = masks.map((m) => ({ ...m, data: m.data.map((v) => (v ? 255 : 0)) }));
    expect(aupro(maps, as255)).toBe(aupro(maps, masks));
    expect(pixelAuroc(maps, as255)).toBe(pixelAuroc(maps, masks));
  });

  it('rejects bad input naming the argument, image and pixel', () => {
    const map = new Float32Array(12);
    const mask = new Uint8Array(12);
    mask[5] = 1;
    const size = { height: 3, width: 4 };
    const nan = Float32Array.from(map);
    nan[7] = NaN;
    expect(() => aupro([map, nan], [mask, mask], { size })).toThrow(/maps\[1\]\[7\] is NaN; scores must be finite/);
    const seven = Uint8Array.from(mask);
    seven[3] = 7;
    expect(() => aupro([map, map], [mask, seven], { size })).toThrow(/masks\[1\]\[3\] is 7; mask values must be 0 or 1 \(255 is read as 1\)/);
    const stack = { data: new Float32Array(24), count: 2, height: 3, width: 4 };
    const maskStack = { data: new Uint8Array(24), count: 2, height: 3, width: 4 };
    maskStack.data[5] = 1;
    stack.data[13] = Infinity;
    expect(() => aupro(stack, maskStack)).toThrow(/maps\.data\[13\] \(image 1, pixel 1\) is Infinity/);
    expect(() => aupro([map], [mask])).toThrow(/maps\[0\]: image size unknown/);
    expect(() => aupro([map], [mask, mask], { size })).toThrow(/length mismatch: 1 maps but 2 masks/);
    expect(() => aupro([map], [new Uint8Array(10)], { size })).toThrow(/length mismatch: maps\[0\] has 12 pixels but masks\[0\] has 10/);
    expect(() => aupro([map], [mask], { size: { height: 4, width: 4 } })).toThrow(/options\.size is 4×4/);
    expect(() => aupro({ ...stack, count: 3 }, maskStack)).toThrow(/maps\.data has 24 values, expected count × height × width = 3 × 3 × 4 = 36/);
    expect(() => aupro([{ data: map, height: 3, width: 4 }], [{ data: mask, height: 4, width: 3 }])).toThrow(/size mismatch at image 0/);
    expect(() => aupro([map], [mask], { size, fprLimit: 0 })).toThrow(/options\.fprLimit must be in \(0, 1\], got 0/);
    expect(() => aupro([map], [mask], { size, fprLimit: 1.5 })).toThrow(/options\.fprLimit/);
    expect(() => aupro([map], [new Uint8Array(12)], { size })).toThrow(/masks has no defect pixel in any image; aupro needs at least one region/);
    expect(() => aupro([map], [new Uint8Array(12).fill(1)], { size })).toThrow(/no normal \(0\) pixel/);
    expect(() => aupro([], [], { size })).toThrow(/maps is empty/);
  });
});

describe('pixelAuroc / pixelMetrics', () => {
  it('equals image AUROC over all pixels and needs no image size', () => {
    const { maps, masks } = randomImages(8, 20);
    const s = maps.flatMap((m) => Array.from(m.data));
    const l = masks.flatMap((m) => Array.from(m.data, (v) => (v ? 1 : 0)));
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < s.length; i++)
      if (l[i])
        for (let j = 0; j < s.length; j++)
          if (!l[j]) {
            pairs++;
            wins += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
          }
    expect(pixelAuroc(maps.map((m) => m.data), masks.map((m) => m.data))).toBeCloseTo(wins / pairs, 13);
    const both = pixelMetrics(maps, masks, { fprLimit: 0.2 });
    expect(both.pixelAuroc).toBeCloseTo(wins / pairs, 13);
    expect(both.aupro).toBe(aupro(maps, masks, { fprLimit: 0.2 }));
    expect(() => pixelAuroc([maps[1].data], [masks[1].data])).toThrow(/masks has no defect pixel in any image; pixelAuroc needs both classes/);
  });
});
