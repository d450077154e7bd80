import { colormap } from '../color/colormap.js';
import { maskOutline, overlayHeatmap, resizeMask, toRgba } from './pixels.js';

describe('pixels', () => {
  it('toRgba replicates gray and keeps RGB', () => {
    expect(Array.from(toRgba({ width: 2, height: 1, channels: 1, data: new Uint8Array([7, 9]) }))).toEqual([7, 7, 7, 255, 9, 9, 9, 255]);
    expect(Array.from(toRgba({ width: 1, height: 1, channels: 3, data: new Uint8Array([1, 2, 3]) }))).toEqual([1, 2, 3, 255]);
    expect(() => toRgba({ width: 2, height: 2, channels: 3, data: new Uint8Array(5) })).toThrow(/image.data has 5 values/);
  });

  it('overlayHeatmap changes exactly the pixels where the heatmap is non-zero', () => {
    const image = { width: 4, height: 4, channels: 3 as const, data: new Uint8Array(48).fill(100) };
    const heat = new Float32Array(16);
    heat[5] = 1;
    heat[6] = 0.3;
    const out = overlayHeatmap(image, heat, { colormap: 'viridis', alpha: 0.5 }).data;
    const lut = colormap('viridis');
    for (let i = 0; i < 16; i++) {
      const changed = [0, 1, 2].some((c) => out[i * 4 + c] !== 100);
      expect(changed).toBe(heat[i] > 0);
    }
    expect(out[5 * 4]).toBe(Math.round(0.5 * 100 + 0.5 * lut[255 * 3]));
    expect(() => overlayHeatmap(image, new Float32Array(3))).toThrow(/heatmap has 3 values/);
  });

  it('maskOutline keeps the boundary of a region only', () => {
    const mask = new Uint8Array(25);
    for (let y = 1; y < 4; y++) for (let x = 1; x < 4; x++) mask[y * 5 + x] = 1;
    const o = maskOutline(mask, 5, 5);
    expect(o.reduce((a, b) => a + b, 0)).toBe(8);
    expect(o[12]).toBe(0);
    expect(maskOutline(new Uint8Array(25), 5, 5).every((v) => v === 0)).toBe(true);
  });

  it('resizeMask stays binary and keeps the region where it was', () => {
    const mask = new Uint8Array([0, 1, 0, 0]);
    expect(Array.from(resizeMask(mask, 2, 2, 4, 4))).toEqual([0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('colormap', () => {
  it('turbo runs dark blue → red, viridis dark purple → yellow', () => {
    const t = colormap('turbo');
    expect(t[25 * 3 + 2]).toBeGreaterThan(t[25 * 3]); // blue near 0 (the fit is approximate at exactly 0)
    expect(t[255 * 3]).toBeGreaterThan(t[255 * 3 + 2]); // red-ish at 1
    const v = colormap('viridis');
    // matplotlib's first viridis entry is (68, 1, 84); the polynomial fit is within a few levels.
    [68, 1, 84].forEach((c, i) => expect(Math.abs(v[i] - c)).toBeLessThanOrEqual(4));
    expect(v[255 * 3 + 1]).toBeGreaterThan(200);
    expect(() => colormap('jet' as 'turbo')).toThrow(/turbo' or 'viridis/);
  });
});
