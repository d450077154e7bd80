import * as tf from '@tensorflow/tfjs';
import { heatmapToMask, mapRange, normalizeMap, normalizeMaps } from './normalize.js';
import { resizeMap } from './resize.js';

describe('map normalisation', () => {
  const clean = new Float32Array([0.1, 0.2, 0.1, 0.3]);
  const defect = new Float32Array([0.1, 0.2, 4.1, 2.0]);

  it('uses one range for the whole set, so a clean map stays low', () => {
    expect(mapRange([clean, defect])).toEqual({ min: Math.fround(0.1), max: Math.fround(4.1) });
    const [c, d] = normalizeMaps([clean, defect]);
    expect(Math.max(...c)).toBeLessThan(0.06);
    expect(Math.max(...d)).toBe(1);
    // Per-image normalisation would have stretched the clean map to 1: the thing this API avoids.
    expect(Math.max(...normalizeMap(clean, mapRange([clean])))).toBe(1);
  });

  it('clips to [0, 1] with a given range and handles a flat range', () => {
    expect(Array.from(normalizeMap(new Float32Array([-1, 0.5, 3]), { min: 0, max: 1 }))).toEqual([0, 0.5, 1]);
    expect(Array.from(normalizeMap(clean, { min: 1, max: 1 }))).toEqual([0, 0, 0, 0]);
  });

  it('rejects empty sets, non-finite values and bad ranges', () => {
    expect(() => mapRange([])).toThrow(/empty/);
    expect(() => mapRange([clean, new Float32Array([1, NaN])])).toThrow(/maps\[1\]\[1\] is NaN/);
    expect(() => normalizeMap(clean, { min: 0, max: Infinity })).toThrow(/finite/);
  });

  it('heatmapToMask marks pixels at or above the threshold', () => {
    expect(Array.from(heatmapToMask(defect, 2))).toEqual([0, 0, 1, 1]);
    expect(() => heatmapToMask(defect, NaN)).toThrow(/threshold/);
  });
});

describe('resizeMap', () => {
  it('matches tf.image.resizeBilinear with half-pixel centres (up and down)', () => {
    const src = Float32Array.from({ length: 5 * 4 }, (_, i) => Math.sin(i) * 3);
    for (const [w, h] of [[13, 7], [3, 2], [5, 4]]) {
      const expected = tf.tidy(() =>
        tf.image.resizeBilinear(tf.tensor4d(src, [1, 4, 5, 1]), [h, w], false, true).dataSync(),
      );
      const got = resizeMap(src, 5, 4, w, h);
      expect(got).toHaveLength(w * h);
      got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    }
  });

  it('rejects a size that does not match the data', () => {
    expect(() => resizeMap(new Float32Array(6), 2, 2, 4, 4)).toThrow(/6 values, expected width·height = 4/);
    expect(() => resizeMap(new Float32Array(4), 2, 2, 0, 4)).toThrow(/outWidth/);
  });
});
