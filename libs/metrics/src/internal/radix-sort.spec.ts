import { float32FromKey, float32KeysInto, float64FromKey, float64Keys } from './keys.js';
import { sortPairs32, sortPairs64 } from './radix-sort.js';

function lcg(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

const specials = [0, -0, 1e-45, -1e-45, 1.17e-38, -3.4e38, 3.4e38, 1, -1, 0.5, -0.5, 2 ** -20];

describe('order keys', () => {
  it('float32 keys sort like the numbers, fold -0 onto 0, and invert exactly', () => {
    const rand = lcg(1);
    const values = Float32Array.from([...specials, ...Array.from({ length: 5000 }, () => (rand() - 0.5) * 10 ** (rand() * 8 - 4))]);
    const keys = new Uint32Array(values.length);
    expect(float32KeysInto(values, keys, 0)).toBe(-1);
    const index = Uint32Array.from(values, (_, i) => i);
    const s = sortPairs32(keys, index);
    const expected = Float32Array.from(values).sort();
    const got = Float32Array.from(s.payload, (i) => values[i]);
    expect(Array.from(got).map((v) => v + 0)).toEqual(Array.from(expected).map((v) => v + 0));
    for (let j = 0; j < s.keys.length; j++) expect(float32FromKey(s.keys[j])).toBe(values[s.payload[j]] + 0);
    const z = new Uint32Array(2);
    float32KeysInto(Float32Array.from([0, -0]), z, 0);
    expect(z[0]).toBe(z[1]);
  });

  it('float32 keys report the first non-finite value', () => {
    const keys = new Uint32Array(4);
    expect(float32KeysInto(Float32Array.from([1, 2, Infinity, NaN]), keys, 0)).toBe(2);
    expect(float32KeysInto(Float32Array.from([1, NaN]), keys, 0)).toBe(1);
  });

  it('float64 keys sort like the numbers and invert exactly', () => {
    const rand = lcg(2);
    const values = Float64Array.from([...specials, 5e-324, -5e-324, 1.7e308, ...Array.from({ length: 5000 }, () => (rand() - 0.5) * 10 ** (rand() * 30 - 15))]);
    const k = float64Keys(values);
    if (typeof k === 'number') throw new Error('unexpected non-finite');
    const s = sortPairs64(k.hi, k.lo, Uint32Array.from(values, (_, i) => i));
    const expected = Float64Array.from(values).sort();
    expect(Array.from(s.payload, (i) => values[i] + 0)).toEqual(Array.from(expected, (v) => v + 0));
    for (let j = 0; j < values.length; j++) expect(float64FromKey(s.hi[j], s.lo[j])).toBe(values[s.payload[j]] + 0);
    expect(float64Keys(Float64Array.from([0, -Infinity]))).toBe(1);
  });
});

describe('radix sort', () => {
  it('sorts keys that differ only in one digit, and constant keys (skipped passes)', () => {
    const keys = Uint32Array.from([5 << 22, 3 << 22, 4 << 22, 3 << 22]);
    const s = sortPairs32(keys, Uint32Array.from([0, 1, 2, 3]));
    expect(Array.from(s.keys)).toEqual([3 << 22, 3 << 22, 4 << 22, 5 << 22].map((v) => v >>> 0));
    expect(Array.from(s.payload).slice(2)).toEqual([2, 0]);
    const same = sortPairs32(new Uint32Array(3).fill(7), Uint32Array.from([2, 1, 0]));
    expect(Array.from(same.payload)).toEqual([2, 1, 0]);
  });

  it('matches a typed-array sort on 200k random keys with many ties', () => {
    const rand = lcg(3);
    const n = 200_000;
    const keys = Uint32Array.from({ length: n }, () => Math.floor(rand() * 2 ** 32) & 0xfff0ff0f);
    const original = Uint32Array.from(keys);
    const s = sortPairs32(keys, Uint32Array.from({ length: n }, (_, i) => i));
    expect(Buffer.from(s.keys.buffer).equals(Buffer.from(Uint32Array.from(original).sort().buffer))).toBe(true);
    let wrong = 0;
    for (let j = 0; j < n; j++) if (original[s.payload[j]] !== s.keys[j]) wrong++;
    expect(wrong).toBe(0);
  });
});
