import { normalQuantile, quantile, thresholdOf } from './threshold.js';

describe('decision thresholds', () => {
  it('normalQuantile matches Φ⁻¹ (Python statistics.NormalDist().inv_cdf) to 1e-8 across both tails and the centre', () => {
    const reference: [number, number][] = [
      [0.5, 0],
      [0.9, 1.2815515655446008],
      [0.95, 1.6448536269514715],
      [0.99, 2.3263478740408408],
      [0.999, 3.090232306167813],
      [0.01, -2.3263478740408408],
      [1e-6, -4.753424308822899],
    ];
    for (const [p, z] of reference) expect(Math.abs(normalQuantile(p) - z)).toBeLessThan(1e-8);
    expect(() => normalQuantile(1)).toThrow('normal quantile: p must be in (0, 1) (got 1)');
  });

  it('the quantile estimate interpolates like numpy; the normal one is mean + Φ⁻¹(q)·std (population)', () => {
    const v = new Float64Array([3, 1, 2, 4]);
    expect(quantile(v, 0.5)).toBe(2.5);
    expect(thresholdOf(v, 1, 'quantile')).toBe(4);
    // mean 2.5, population std √1.25
    expect(thresholdOf(v, 0.99, 'normal')).toBeCloseTo(2.5 + 2.3263478740408408 * Math.sqrt(1.25), 8);
    expect(thresholdOf(v, 0.5, 'normal')).toBeCloseTo(2.5, 12);
  });

  it('from 76 normal scores (magnetic tile\'s validation split) the normal fit lands nearer the true 0.99 quantile', () => {
    let seed = 7;
    const uniform = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) + 0.5) / 2 ** 32;
    const gaussian = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    const error = { quantile: 0, normal: 0 };
    for (let trial = 0; trial < 400; trial++) {
      const scores = Float64Array.from({ length: 76 }, gaussian);
      for (const e of ['quantile', 'normal'] as const) error[e] += (thresholdOf(scores, 0.99, e) - 2.3263478740408408) ** 2;
    }
    // Root-mean-square error of each estimate of the true threshold over 400 draws (here 0.21 against 0.35).
    expect(Math.sqrt(error.normal / 400)).toBeLessThan(0.7 * Math.sqrt(error.quantile / 400));
  });

  it('refuses what it cannot estimate, saying why', () => {
    expect(() => thresholdOf(new Float64Array([1, 2]), 1, 'normal')).toThrow("q must be in (0, 1) for a normal fit (got 1; q = 1, the largest score, is the 'quantile' estimate's)");
    expect(() => thresholdOf(new Float64Array([1]), 0.9, 'normal')).toThrow('a normal fit needs at least 2 validation scores (got 1)');
    expect(() => thresholdOf(new Float64Array([1, 2]), 0.9, 'median' as never)).toThrow('threshold estimate must be one of quantile, normal (got median)');
    expect(() => quantile(new Float64Array([]), 0.5)).toThrow('quantile: values must not be empty');
  });
});
