import { contentBox, cropToContent, fitMask, fitPixels } from './fit.js';

describe('fit: squash or pad', () => {
  it('places a wide image in the middle and mirrors it into the padding; masks pad with 0', () => {
    // 4 × 2 gray image with distinct rows: row 0 = 10, row 1 = 20.
    const pixels = { width: 4, height: 2, channels: 1 as const, data: Uint8Array.from([10, 10, 10, 10, 20, 20, 20, 20]) };
    const { image, content } = fitPixels(pixels, 4, 6, 'pad');
    expect(content).toEqual({ x: 0, y: 2, width: 4, height: 2 });
    const rows = Array.from({ length: 6 }, (_, y) => image.data[y * 4 * 3]);
    // Mirrored: 20 10 | 10 20 | 20 10 (scipy 'reflect').
    expect(rows).toEqual([20, 10, 10, 20, 20, 10]);
    const mask = fitMask(Uint8Array.from([0, 1, 1, 0, 0, 0, 0, 0]), 4, 2, 4, 6, 'pad');
    expect(Array.from(mask)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(cropToContent(mask, 4, content))).toEqual([0, 1, 1, 0, 0, 0, 0, 0]);
  });

  it('keeps the aspect ratio of a 1:3 tile, and squash fills the whole output', () => {
    expect(contentBox(100, 300, 256, 256, 'pad')).toEqual({ x: 85, y: 0, width: 85, height: 256 });
    expect(contentBox(100, 300, 256, 256, 'squash')).toEqual({ x: 0, y: 0, width: 256, height: 256 });
    const pixels = { width: 3, height: 9, channels: 3 as const, data: new Uint8Array(81).fill(7) };
    expect(fitPixels(pixels, 9, 9, 'squash').content).toEqual({ x: 0, y: 0, width: 9, height: 9 });
    const padded = fitPixels(pixels, 9, 9, 'pad');
    expect(padded.content).toEqual({ x: 3, y: 0, width: 3, height: 9 });
    expect(padded.image.data.every((v) => v === 7)).toBe(true);
  });
});
