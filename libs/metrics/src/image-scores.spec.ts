import { imageScores } from './index.js';

function lcg(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

describe('imageScores', () => {
  const rand = lcg(9);
  const maps = [301, 64, 1000].map((n) => Float32Array.from({ length: n }, () => Math.floor(rand() * 40) - 20));

  it('takes the max of each map by default', () => {
    expect(Array.from(imageScores(maps))).toEqual(maps.map((m) => Math.max(...m)));
  });

  it.each([1, 7, 64])('averages the k = %i largest pixels (ties included) like a full sort does', (k) => {
    const expected = maps.map((m) => {
      const sorted = Float32Array.from(m).sort();
      let sum = 0;
      for (let i = sorted.length - k; i < sorted.length; i++) sum += sorted[i];
      return sum / k;
    });
    const got = imageScores(maps, { reduce: 'topk-mean', k });
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 10));
  });

  it('accepts a stack and leaves the input untouched', () => {
    const data = Float32Array.from([3, 1, 2, 9, 8, 7]);
    expect(Array.from(imageScores({ data, count: 2, height: 1, width: 3 }, { reduce: 'topk-mean', k: 2 }))).toEqual([2.5, 8.5]);
    expect(Array.from(data)).toEqual([3, 1, 2, 9, 8, 7]);
  });

  it('rejects bad input', () => {
    expect(() => imageScores([Float32Array.from([1, NaN])])).toThrow(/maps\[0\]\[1\] is NaN/);
    expect(() => imageScores(maps, { reduce: 'topk-mean', k: 65 })).toThrow(/options\.k is 65 but maps\[1\] has only 64 pixels/);
    expect(() => imageScores(maps, { reduce: 'topk-mean', k: 0 })).toThrow(/options\.k must be an integer >= 1/);
    expect(() => imageScores(maps, { reduce: 'median' as 'max' })).toThrow(/options\.reduce must be/);
    expect(() => imageScores([new Float32Array(0)])).toThrow(/maps\[0\] is empty/);
  });
});
