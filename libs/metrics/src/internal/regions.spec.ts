import { labelRegions8, RegionSizes } from './regions.js';

function lcg(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

/** Flood fill with an explicit stack: region sizes of 8-connected components, in order of first pixel. */
function floodSizes(mask: Uint8Array, width: number, height: number): { labels: Int32Array; sizes: number[] } {
  const labels = new Int32Array(mask.length);
  const sizes: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (!mask[start] || labels[start]) continue;
    const id = sizes.length + 1;
    let size = 0;
    const stack = [start];
    labels[start] = id;
    while (stack.length) {
      const p = stack.pop() as number;
      size++;
      const x = p % width;
      const y = (p - x) / width;
      for (let dy = -1; dy <= 1; dy++)
        for (let dx = -1; dx <= 1; dx++) {
          const nx = x + dx;
          const ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= width || ny >= height) continue;
          const q = ny * width + nx;
          if (mask[q] && !labels[q]) {
            labels[q] = id;
            stack.push(q);
          }
        }
    }
    sizes.push(size);
  }
  return { labels, sizes };
}

function label(mask: Uint8Array, width: number, height: number) {
  const out = new Uint32Array(mask.length);
  const sizes = new RegionSizes();
  labelRegions8(mask, width, height, mask.reduce((s, v) => s + (v ? 1 : 0), 0), out, sizes);
  return { out, sizes };
}

describe('labelRegions8', () => {
  it('joins diagonal neighbours (8-connectivity) and separates gaps', () => {
    // prettier-ignore
    const mask = Uint8Array.from([
      1, 0, 0, 0, 1,
      0, 1, 0, 1, 0,
      0, 0, 1, 0, 0,
      0, 0, 0, 0, 0,
      1, 1, 0, 0, 1,
    ]);
    const { out, sizes } = label(mask, 5, 5);
    expect(sizes.count).toBe(3);
    expect(new Set([out[0], out[6], out[12], out[4], out[8]]).size).toBe(1);
    expect(sizes.get(out[0])).toBe(5);
    expect(sizes.get(out[20])).toBe(2);
    expect(sizes.get(out[24])).toBe(1);
  });

  it('handles U shapes whose arms merge late (label equivalences)', () => {
    // prettier-ignore
    const mask = Uint8Array.from([
      1, 0, 1, 0, 1,
      1, 0, 1, 0, 1,
      1, 1, 1, 1, 1,
    ]);
    const { out, sizes } = label(mask, 5, 3);
    expect(sizes.count).toBe(1);
    expect(sizes.get(out[0])).toBe(11);
  });

  it.each([
    [1, 17, 13, 0.45],
    [2, 40, 31, 0.55],
    [3, 64, 1, 0.5],
    [4, 1, 50, 0.5],
  ])('agrees with a flood fill on random masks (seed %i, %i×%i)', (seed, width, height, density) => {
    const rand = lcg(seed);
    const mask = Uint8Array.from({ length: width * height }, () => (rand() < density ? 1 : 0));
    const { out, sizes } = label(mask, width, height);
    const ref = floodSizes(mask, width, height);
    expect(sizes.count).toBe(ref.sizes.length);
    // Same partition: a bijection between our ids and the flood fill's.
    const map = new Map<number, number>();
    let mismatches = 0;
    for (let i = 0; i < mask.length; i++) {
      if (!mask[i]) {
        if (out[i] !== 0) mismatches++;
        continue;
      }
      const seen = map.get(out[i]);
      if (seen === undefined) map.set(out[i], ref.labels[i]);
      else if (seen !== ref.labels[i]) mismatches++;
      if (sizes.get(out[i]) !== ref.sizes[ref.labels[i] - 1]) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(new Set(map.values()).size).toBe(map.size);
  });
});
