// Normal images of the three synthetic categories. Every parameter that a real production line would vary is
// drawn per image: position, rotation, texture phase and period, colour, and (in finish.ts) lighting and noise.
import type { Rng } from '@ssad/augment';
import { clamp01, newRaster, type Raster, type Rgb } from './raster.js';

export interface Scene {
  albedo: Raster;
  /** What shows through a hole or a missing piece. */
  under: Raster | Rgb;
  /** Where the object is (1) and is not (0); only the disc has a background. */
  object?: Float32Array;
}

function jitter(rng: Rng, c: Rgb, amount: number): Rgb {
  return [c[0] + rng.uniform(-amount, amount), c[1] + rng.uniform(-amount, amount), c[2] + rng.uniform(-amount, amount)];
}

/**
 * The weave's period is drawn at 256 px and scaled with the image, but never below half that scale: its thread
 * profiles are point-sampled, and a 2.5 px period (at 64 px) aliases into a moiré that varies from image to image
 * far more than any defect does.
 */
function textureScale(size: number): number {
  return Math.max(size / 256, 0.5);
}

// Thread profiles over one period, tabulated: the weave needs three of them per pixel.
const LUT = 1024;
const ACROSS = new Float32Array(LUT + 1);
const ALONG = new Float32Array(LUT + 1);
const FIBRE = new Float32Array(LUT + 1);
for (let i = 0; i <= LUT; i++) {
  const f = i / LUT;
  ACROSS[i] = 0.45 + 0.55 * Math.sqrt(Math.sin(Math.PI * f));
  ALONG[i] = 0.78 + 0.22 * Math.sin(Math.PI * f);
  FIBRE[i] = 1 + 0.04 * Math.sin(2 * Math.PI * 5 * f);
}

/** Plain weave: warp and weft threads alternating over and under, slightly rotated, random phase. */
export function weave(rng: Rng, size: number): Scene {
  const k = textureScale(size);
  const period = rng.uniform(10, 12) * k;
  const angle = rng.uniform(-4, 4) * (Math.PI / 180);
  const pu = rng.uniform(0, period);
  const pv = rng.uniform(0, period);
  const colour = jitter(rng, [0.78, 0.68, 0.52], 0.015);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const r = newRaster(size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = ((x + 0.5) * cos + (y + 0.5) * sin + pu) / period;
      const v = (-(x + 0.5) * sin + (y + 0.5) * cos + pv) / period;
      const fu = u - Math.floor(u);
      const fv = v - Math.floor(v);
      const warpOnTop = (Math.floor(u) + Math.floor(v)) & 1;
      // Across a thread: rounded profile; along it: darker where it dives under the crossing thread.
      const across = ((warpOnTop ? fu : fv) * LUT) | 0;
      const along = ((warpOnTop ? fv : fu) * LUT) | 0;
      const shade = ACROSS[across] * ALONG[along] * FIBRE[along];
      const o = (y * size + x) * 3;
      for (let c = 0; c < 3; c++) r.rgb[o + c] = clamp01(colour[c] * shade);
    }
  }
  return { albedo: r, under: jitter(rng, [0.07, 0.06, 0.05], 0.02) };
}

/** A machined washer on a plain background: position, radius and ring phase vary; lit from one side. */
export function disc(rng: Rng, size: number): Scene {
  // Placed the way a fixture holds a part: a few pixels of play, not a tenth of the frame.
  const cx = size * (0.5 + rng.uniform(-0.035, 0.035));
  const cy = size * (0.5 + rng.uniform(-0.035, 0.035));
  const radius = size * 0.33 * rng.uniform(0.97, 1.03);
  const inner = radius * rng.uniform(0.28, 0.33);
  const light = rng.uniform(0, 2 * Math.PI);
  const ringPhase = rng.uniform(0, 2 * Math.PI);
  // Never finer than 3 px, or small renders alias into moiré.
  const ringPeriod = Math.max(3, (3 * size) / 256);
  const metal = jitter(rng, [0.74, 0.72, 0.69], 0.02);
  const bg = jitter(rng, [0.3, 0.34, 0.4], 0.02);
  const lx = Math.cos(light);
  const ly = Math.sin(light);
  const back = newRaster(size);
  const r = newRaster(size);
  const object = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const d = Math.sqrt(dx * dx + dy * dy);
      const o = (y * size + x) * 3;
      const vignette = 1 - 0.12 * (d / size) ** 2;
      // The washer's shadow falls away from the light.
      const sx = dx + lx * 0.03 * size;
      const sy = dy + ly * 0.03 * size;
      const shadow = 1 - 0.25 * clamp01((radius - Math.sqrt(sx * sx + sy * sy)) / (0.04 * size) + 0.5);
      for (let c = 0; c < 3; c++) back.rgb[o + c] = bg[c] * vignette;
      const cover = clamp01(radius - d + 0.5) * clamp01(d - inner + 0.5);
      object[y * size + x] = cover;
      const t = d / radius;
      // cos(angle to the light) · d, without atan2.
      const facing = 0.82 + (0.18 * (dx * lx + dy * ly)) / radius;
      const rings = 1 + 0.035 * Math.sin((2 * Math.PI * d) / ringPeriod + ringPhase);
      const bevel = t > 0.92 ? 0.85 : 1;
      for (let c = 0; c < 3; c++) {
        const under = back.rgb[o + c] * shadow;
        r.rgb[o + c] = under + cover * (clamp01(metal[c] * facing * rings * bevel) - under);
      }
    }
  }
  // Under a missing piece lies the background (with the washer's shadow gone: close enough, and visible).
  return { albedo: r, under: back, object };
}

/** A printed pattern (dots, bars and squares in ink on paper), slightly rotated, random phase and ink density. */
export function print(rng: Rng, size: number): Scene {
  // Its shapes are drawn from signed distances with a one-pixel edge, which anti-aliases them at any size.
  const k = size / 256;
  const period = rng.uniform(16, 18) * k;
  const angle = rng.uniform(-2, 2) * (Math.PI / 180);
  const pu = rng.uniform(0, period);
  const pv = rng.uniform(0, period);
  const paper = jitter(rng, [0.93, 0.92, 0.88], 0.02);
  const ink = jitter(rng, [0.16, 0.2, 0.38], 0.015);
  const density = rng.uniform(0.85, 1);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const r = newRaster(size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) * cos + (y + 0.5) * sin + pu;
      const v = -(x + 0.5) * sin + (y + 0.5) * cos + pv;
      const cu = u - Math.floor(u / period) * period;
      const cv = v - Math.floor(v / period) * period;
      // Signed distances in pixels: a dot at the cell centre, a bar near its bottom, a square in one corner.
      const du = cu - period * 0.45;
      const dv = cv - period * 0.4;
      const dot = Math.sqrt(du * du + dv * dv) - period * 0.2;
      const bar = Math.abs(cv - period * 0.82) - period * 0.06;
      const sq = Math.max(Math.abs(cu - period * 0.12), Math.abs(cv - period * 0.12)) - period * 0.07;
      const inkCover = density * clamp01(0.5 - Math.min(dot, bar, sq));
      const o = (y * size + x) * 3;
      for (let c = 0; c < 3; c++) r.rgb[o + c] = paper[c] + inkCover * (ink[c] - paper[c]);
    }
  }
  return { albedo: r, under: paper };
}
