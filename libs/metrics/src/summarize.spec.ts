import { summarize } from './index.js';

describe('summarize', () => {
  it('gives mean and sample std (n - 1) over seeds, with a text form', () => {
    const s = summarize([0.9, 0.92, 0.94]);
    expect(s.n).toBe(3);
    expect(s.mean).toBeCloseTo(0.92, 15);
    expect(s.std).toBeCloseTo(0.02, 15);
    expect([s.min, s.max]).toEqual([0.9, 0.94]);
    expect(s.text).toBe('0.9200 ± 0.0200');
    expect(summarize(Float64Array.from([1, 3]), { ddof: 0, digits: 1 }).text).toBe('2.0 ± 1.0');
    expect(summarize([0.5]).std).toBe(0);
  });

  it('summarises records field by field', () => {
    const r = summarize([
      { auroc: 0.9, aupro: 0.8 },
      { auroc: 1.0, aupro: 0.6 },
    ]);
    expect(r.auroc.mean).toBeCloseTo(0.95, 15);
    expect(r.aupro.std).toBeCloseTo(Math.SQRT2 * 0.1, 15);
  });

  it('rejects empty, non-finite and ragged input', () => {
    expect(() => summarize([])).toThrow(/at least one/);
    expect(() => summarize([1, NaN])).toThrow(/values\[1\] is NaN/);
    expect(() => summarize([{ a: 1 }, { b: 2 } as unknown as { a: number }])).toThrow(/runs\[1\] has no field "a"/);
    expect(() => summarize([1], { digits: 1.5 })).toThrow(/options\.digits/);
  });
});
