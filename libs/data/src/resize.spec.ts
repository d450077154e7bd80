import type { PixelImage } from '@ssad/augment';
import { resizeImage, resizeMask } from './resize.js';

function gray(width: number, height: number, f: (x: number, y: number) => number): PixelImage {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = f(x, y);
  return { width, height, channels: 1, data };
}

describe('resizeImage', () => {
  it('averages whole blocks for integer factors', () => {
    const img = gray(4, 2, (x, y) => x * 10 + y * 100);
    const out = resizeImage(img, 2, 1);
    expect(Array.from(out.data)).toEqual([Math.round((0 + 10 + 100 + 110) / 4), Math.round((20 + 30 + 120 + 130) / 4)]);
  });

  it('weights fractional overlaps (3 → 2 pixels)', () => {
    const out = resizeImage(gray(3, 1, (x) => [0, 90, 180][x]), 2, 1);
    // Output pixel 0 covers input [0, 1.5): (0·1 + 90·0.5) / 1.5 = 30.
    expect(Array.from(out.data)).toEqual([30, 150]);
  });

  it('keeps constant images constant and the mean of a checkerboard (no aliasing)', () => {
    const flat = resizeImage({ width: 900, height: 900, channels: 3, data: new Uint8Array(900 * 900 * 3).fill(77) }, 256, 256);
    expect(flat.data.every((v) => v === 77)).toBe(true);
    const checker = resizeImage(gray(900, 900, (x, y) => ((x + y) % 2) * 255), 256, 256);
    for (const v of checker.data) expect(Math.abs(v - 127.5)).toBeLessThan(40);
  });

  it('interpolates when enlarging', () => {
    const out = resizeImage(gray(2, 1, (x) => x * 100), 4, 1);
    expect(Array.from(out.data)).toEqual([0, 25, 75, 100]);
  });

  it('handles RGBA and copies when the size is unchanged', () => {
    const img: PixelImage = { width: 2, height: 2, channels: 4, data: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]) };
    expect(Array.from(resizeImage(img, 1, 1).data)).toEqual([7, 8, 9, 10]);
    const same = resizeImage(img, 2, 2);
    expect(same.data).not.toBe(img.data);
    expect(Array.from(same.data)).toEqual(Array.from(img.data));
  });

  it('rejects bad sizes and inconsistent data', () => {
    expect(() => resizeImage(gray(2, 2, () => 0), 0, 2)).toThrow('resizeImage: width must be an integer in [1, 65535] (got 0)');
    expect(() => resizeImage({ width: 2, height: 2, channels: 3, data: new Uint8Array(5) }, 1, 1)).toThrow('expected 2×2×3');
  });
});

describe('resizeMask', () => {
  it('samples nearest pixel centres and binarises', () => {
    const m = Uint8Array.from([0, 255, 0, 0, 0, 0, 0, 0, 7]);
    expect(Array.from(resizeMask(m, 3, 3, 3, 3))).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 1]);
    const big = new Uint8Array(900 * 900);
    for (let y = 100; y < 400; y++) for (let x = 200; x < 650; x++) big[y * 900 + x] = 1;
    const small = resizeMask(big, 900, 900, 256, 256);
    const frac = small.reduce((a, v) => a + v, 0) / small.length;
    expect(Math.abs(frac - (300 * 450) / (900 * 900))).toBeLessThan(0.002);
  });

  it('rejects a mask of the wrong length', () => {
    expect(() => resizeMask(new Uint8Array(5), 2, 2, 1, 1)).toThrow('resizeMask: mask has 5 values, expected 2×2 = 4');
  });
});
