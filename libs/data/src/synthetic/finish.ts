import type { PixelImage, Rng } from '@ssad/augment';
import type { Raster } from './raster.js';

/** Camera side: overall gain, a linear illumination gradient, sensor noise, then 8-bit quantisation. */
export function finish(r: Raster, rng: Rng): PixelImage {
  const { size, rgb } = r;
  const gain = rng.uniform(0.94, 1.04);
  const a = rng.uniform(0, 2 * Math.PI);
  const slope = rng.uniform(0, 0.06) / size;
  const gx = Math.cos(a) * slope;
  const gy = Math.sin(a) * slope;
  const noise = rng.uniform(0.008, 0.016) * 255;
  const data = new Uint8Array(size * size * 3);
  // Per-value noise from an inline xorshift32 seeded by the Rng: a method call per value was a fifth of the
  // generator's time.
  let state = rng.nextUint32() | 1;
  const half = size / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const light = 255 * gain * (1 + gx * (x - half) + gy * (y - half));
      const o = (y * size + x) * 3;
      for (let c = 0; c < 3; c++) {
        // The sum of the two 16-bit halves of one draw: triangular noise, cheap and bounded.
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        const u = state >>> 0;
        const n = (((u & 0xffff) + (u >>> 16)) / 65536 - 1) * 2 * noise;
        const v = rgb[o + c] * light + n + 0.5;
        data[o + c] = v <= 0 ? 0 : v >= 255 ? 255 : v;
      }
    }
  }
  return { width: size, height: size, channels: 3, data };
}
