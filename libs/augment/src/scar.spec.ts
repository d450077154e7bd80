import type { PixelImage } from './image.js';
import { applyJitter } from './jitter.js';
import { Rng } from './rng.js';
import { largestScarBox, resolveScarOptions, scar, type ScarMeta, type ScarOptions } from './scar.js';
import { loadRgbImages, noiseImage, problemCollector, realCrops, realImageSuite } from '../testing/images.js';

const { dir, maybe } = realImageSuite(__filename);

const check = problemCollector();

/** Invariants of one scar; returns the angle of the mask's major axis in degrees (undefined when too round). */
function checkScar(src: PixelImage, out: PixelImage, mask: Uint8Array, meta: ScarMeta, o: Required<Pick<ScarOptions, 'width' | 'height' | 'angle'>>): number | undefined {
  const { width: W, height: H, channels: c } = src;
  check(meta.width >= o.width[0] && meta.width < o.width[1], `width ${meta.width}`);
  check(meta.height >= o.height[0] && meta.height < o.height[1], `height ${meta.height}`);
  check(meta.angle >= o.angle[0] && meta.angle < o.angle[1], `angle ${meta.angle}`);
  const t = meta.target;
  check(t.x >= 0 && t.y >= 0 && t.x + t.width <= W && t.y + t.height <= H, `scar box outside the image ${JSON.stringify(t)}`);
  let count = 0;
  let sx = 0;
  let sy = 0;
  let bad = 0;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (!mask[i]) {
        for (let k = 0; k < c; k++) if (out.data[i * c + k] !== src.data[i * c + k]) bad++;
        continue;
      }
      if (x < t.x || x >= t.x + t.width || y < t.y || y >= t.y + t.height) bad++;
      if (meta.fill === 'color') for (let k = 0; k < meta.color!.length; k++) if (out.data[i * c + k] !== meta.color![k]) bad++;
      count++;
      sx += x;
      sy += y;
    }
  }
  check(bad === 0, `${bad} pixels wrong (changed outside the mask, outside the box, or not the scar colour)`);
  // Pixel-centre sampling of a w × h rectangle: the count is the area up to about one perimeter.
  const area = meta.width * meta.height;
  check(Math.abs(count - area) <= meta.width + meta.height + 2, `mask has ${count} pixels for a ${meta.width}×${meta.height} scar`);
  if (meta.fill === 'color') for (const v of meta.color!) check(Number.isInteger(v) && v >= 10 && v <= 240, `colour ${meta.color}`);
  if (count < 30 || meta.height < 3 * meta.width) return undefined;
  const mx = sx / count;
  const my = sy / count;
  let cxx = 0;
  let cyy = 0;
  let cxy = 0;
  for (let i = 0; i < W * H; i++) {
    if (!mask[i]) continue;
    const dx = (i % W) - mx;
    const dy = Math.floor(i / W) - my;
    cxx += dx * dx;
    cyy += dy * dy;
    cxy += dx * dy;
  }
  // Major axis direction (sin θ, cos θ) for a counter-clockwise rotation θ of a vertical bar (y down).
  return (0.5 * Math.atan2(2 * cxy, cyy - cxx) * 180) / Math.PI;
}

const DEFAULTS = { width: [2, 16], height: [10, 25], angle: [-45, 45] } as const;

maybe('scar on real MVTec bottle images', () => {
  let images: PixelImage[] = [];
  let crops: PixelImage[] = [];
  beforeAll(async () => {
    images = await loadRgbImages(dir, 4);
    crops = realCrops(images);
  });

  it('2,000 colour scars: sizes, angles, colour, orientation and pixels as drawn', () => {
    const rng = new Rng(300);
    let widthSum = 0;
    let angleErr = 0;
    let angleErrSum = 0;
    let oriented = 0;
    for (let i = 0; i < 2000; i++) {
      const src = i < 200 ? images[i % images.length]! : crops[i % crops.length]!;
      const { image, mask, meta } = scar(src, rng);
      check(meta.fill === 'color' && meta.color!.length === 3, 'colour fill by default');
      const axis = checkScar(src, image, mask, meta, DEFAULTS);
      widthSum += meta.width;
      if (axis !== undefined) {
        angleErr = Math.max(angleErr, Math.abs(axis - meta.angle));
        angleErrSum += Math.abs(axis - meta.angle);
        oriented++;
      }
    }
    // U(2, 16): mean 9, sd 4.04; 4σ bound on the mean of 2,000.
    expect(Math.abs(widthSum / 2000 - 9)).toBeLessThan((4 * 4.04) / Math.sqrt(2000));
    // Thin bars only (height >= 3 × width): their pixel moments give the drawn angle up to discretisation.
    expect(oriented).toBeGreaterThan(300);
    expect(angleErrSum / oriented).toBeLessThan(2);
    expect(angleErr).toBeLessThan(8);
  });

  it('patch fill: the scar holds jittered pixels cut from the image', () => {
    const rng = new Rng(301);
    let changed = 0;
    let total = 0;
    for (let i = 0; i < 300; i++) {
      const src = crops[i % crops.length]!;
      const { image, mask, meta } = scar(src, rng, { fill: 'patch' });
      check(meta.fill === 'patch' && meta.source !== undefined && meta.jitter !== undefined && meta.color === undefined, 'patch meta');
      checkScar(src, image, mask, meta, DEFAULTS);
      // Every scar pixel is one of the jittered source patch's pixels.
      const s = meta.source!;
      const patch = new Uint8Array(s.width * s.height * 3);
      for (let r = 0; r < s.height; r++) patch.set(src.data.subarray(((s.y + r) * src.width + s.x) * 3, ((s.y + r) * src.width + s.x + s.width) * 3), r * s.width * 3);
      applyJitter(patch, 3, meta.jitter!);
      const colours = new Set<number>();
      for (let p = 0; p < patch.length; p += 3) colours.add((patch[p]! << 16) | (patch[p + 1]! << 8) | patch[p + 2]!);
      for (let p = 0; p < mask.length; p++) {
        if (!mask[p]) continue;
        total++;
        const v = (image.data[p * 3]! << 16) | (image.data[p * 3 + 1]! << 8) | image.data[p * 3 + 2]!;
        check(colours.has(v), `scar pixel ${p} is not from the jittered patch`);
        if (v !== ((src.data[p * 3]! << 16) | (src.data[p * 3 + 1]! << 8) | src.data[p * 3 + 2]!)) changed++;
      }
    }
    expect(changed / total).toBeGreaterThan(0.5);
  });
});

describe('scar on tiny and odd images', () => {
  const small = { width: [1, 3], height: [2, 5], angle: [-45, 45] } as const;
  it.each([
    ['8×8 RGB', noiseImage(8, 8, 3), small],
    ['8×8 gray', noiseImage(8, 8, 1), small],
    ['3×5 RGB', noiseImage(3, 5, 3), { width: [1, 2], height: [2, 3], angle: [-20, 20] } as const],
    ['5×3 RGBA', noiseImage(5, 3, 4), { width: [1, 2], height: [1.5, 2.2], angle: [-20, 20] } as const],
  ])('%s: 2,000 scars stay inside the image with sizes and angles in range', (_n, src, o) => {
    const rng = new Rng(302);
    for (let i = 0; i < 2000; i++) {
      const fill = i % 2 === 0 ? 'color' : 'patch';
      const { image, mask, meta } = scar(src, rng, { ...o, fill });
      checkScar(src, image, mask, meta, o);
      if (fill === 'color') {
        check(meta.color!.length === (src.channels === 1 ? 1 : 3), `colour channels ${meta.color}`);
        if (src.channels === 4) for (let p = 0; p < mask.length; p++) if (mask[p]) check(image.data[p * 4 + 3] === 255, 'opaque alpha');
      }
    }
  });

  it('rejects scars that cannot fit and bad options, naming the option and the allowed range', () => {
    const rng = new Rng(303);
    expect(() => scar(noiseImage(8, 8, 3), rng)).toThrow(
      /^scar: the largest scar \(width 16, height 25, angle within \[-45, 45\]°\) needs a 29×30 box but the image is 8×8/,
    );
    const src = noiseImage(64, 64, 3);
    expect(() => scar(src, rng, { width: [0, 3] })).toThrow('scar.width must satisfy min <= max within (0, 1000000] (got [0, 3])');
    expect(() => scar(src, rng, { height: [5, 2] })).toThrow(/scar\.height must satisfy min <= max/);
    expect(() => scar(src, rng, { angle: [-100, 0] })).toThrow(/scar\.angle .*\[-90, 90\]/);
    expect(() => scar(src, rng, { fill: 'paint' as never })).toThrow(`scar.fill must be 'color' or 'patch' (got "paint")`);
    expect(() => scar(src, rng, { color: [0, 300] })).toThrow(/scar\.color .*\[0, 255\]/);
  });

  it('largestScarBox is the maximum of the rotated box over the angle range', () => {
    for (const o of [DEFAULTS, { width: [2, 16], height: [10, 25], angle: [10, 20] }, { width: [1, 30], height: [1, 4], angle: [-80, -60] }] as const) {
      const r = resolveScarOptions(o, 'scar');
      let bw = 0;
      let bh = 0;
      for (let d = o.angle[0]; d <= o.angle[1]; d += 0.01) {
        const t = (d * Math.PI) / 180;
        bw = Math.max(bw, o.width[1] * Math.abs(Math.cos(t)) + o.height[1] * Math.abs(Math.sin(t)));
        bh = Math.max(bh, o.width[1] * Math.abs(Math.sin(t)) + o.height[1] * Math.abs(Math.cos(t)));
      }
      expect(largestScarBox(r)).toEqual({ width: Math.ceil(bw - 1e-6), height: Math.ceil(bh - 1e-6) });
    }
  });

  it('is deterministic', () => {
    const src = noiseImage(40, 40, 3);
    const a = scar(src, new Rng(1), { fill: 'patch' });
    const b = scar(src, new Rng(1), { fill: 'patch' });
    expect(a.meta).toEqual(b.meta);
    expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
  });
});
