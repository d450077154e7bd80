import { rotate90 } from './rotate.js';
import type { PixelImage } from './image.js';
import { noiseImage } from '../testing/images.js';

// 3 wide × 2 high, one channel:  1 2 3
//                                4 5 6
const img = { width: 3, height: 2, channels: 1 as const, data: Uint8Array.of(1, 2, 3, 4, 5, 6) };

describe('rotate90 (counter-clockwise, numpy.rot90 convention)', () => {
  it('rotates a 3×2 image by hand-checked amounts', () => {
    const r90 = rotate90(img, 90);
    expect([r90.width, r90.height]).toEqual([2, 3]);
    expect(Array.from(r90.data)).toEqual([3, 6, 2, 5, 1, 4]);
    expect(Array.from(rotate90(img, 180).data)).toEqual([6, 5, 4, 3, 2, 1]);
    const r270 = rotate90(img, 270);
    expect([r270.width, r270.height]).toEqual([2, 3]);
    expect(Array.from(r270.data)).toEqual([4, 1, 5, 2, 6, 3]);
    expect(Array.from(rotate90(img, 0).data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('keeps channels together and composes: four quarter turns are the identity, 90 then 270 too', () => {
    for (const c of [1, 3, 4] as const) {
      for (const [w, h] of [[7, 5], [8, 8], [12, 3]]) {
        const im = noiseImage(w!, h!, c);
        let r = im;
        for (let i = 0; i < 4; i++) r = rotate90(r, 90);
        expect(Buffer.from(r.data).equals(Buffer.from(im.data))).toBe(true);
        expect(Buffer.from(rotate90(rotate90(im, 90), 270).data).equals(Buffer.from(im.data))).toBe(true);
        expect(Buffer.from(rotate90(rotate90(im, 90), 90).data).equals(Buffer.from(rotate90(im, 180).data))).toBe(true);
        // Top-right pixel goes to the top-left under a counter-clockwise quarter turn.
        const q = rotate90(im, 90);
        expect(Array.from(q.data.subarray(0, c))).toEqual(Array.from(im.data.subarray((w! - 1) * c, w! * c)));
      }
    }
  });

  it('agrees with a per-pixel reference on every path (word-packed RGB, tiled, byte walk, unaligned views)', () => {
    // Reference: output (ox, oy) of the counter-clockwise turn reads source (x, y) as below.
    const naive = (im: PixelImage, r: 0 | 90 | 180 | 270): number[] => {
      const { width: w, height: h, channels: c } = im;
      const [ow, oh] = r === 90 || r === 270 ? [h, w] : [w, h];
      const out: number[] = [];
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          const [x, y] = r === 0 ? [ox, oy] : r === 90 ? [w - 1 - oy, ox] : r === 180 ? [w - 1 - ox, h - 1 - oy] : [oy, h - 1 - ox];
          for (let k = 0; k < c; k++) out.push(im.data[(y * w + x) * c + k]!);
        }
      }
      return out;
    };
    for (const c of [1, 3, 4] as const) {
      for (const [w, h] of [[4, 4], [8, 12], [20, 8], [16, 16], [12, 6], [9, 4]]) {
        const im = noiseImage(w!, h!, c, w! + h!);
        // The same pixels at byte offset 1 of a larger buffer: the word paths must not be taken.
        const shifted = new Uint8Array(im.data.length + 1);
        shifted.set(im.data, 1);
        const view = { ...im, data: shifted.subarray(1) };
        for (const r of [0, 90, 180, 270] as const) {
          const want = naive(im, r);
          expect(Array.from(rotate90(im, r).data)).toEqual(want);
          expect(Array.from(rotate90(view, r).data)).toEqual(want);
        }
      }
    }
  });

  it('rejects other angles', () => {
    expect(() => rotate90(img, 45 as never)).toThrow('rotation must be one of 0, 90, 180, 270 (got 45)');
  });
});
