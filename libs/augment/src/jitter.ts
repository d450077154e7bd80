// Colour jitter with torchvision's ColorJitter semantics for float tensors: factors brightness/contrast/
// saturation ~ U(max(0, 1 - s), 1 + s), hue shift ~ U(-h, h) of a turn, the four ops applied in a random order,
// each one clamping to [0, 1]. Pixels are converted from 8 bits once and rounded back once at the end.
import { assertPixelImage, cloneImage, type PixelImage } from './image.js';
import type { Rng } from './rng.js';
import { checkNumber } from './validate.js';
// Module-level aliases: global lookups inside hot loops are slow in sandboxed contexts (jest's vm).
const { floor, imul, max, min, round } = Math;

export type JitterOp = 'brightness' | 'contrast' | 'saturation' | 'hue';

/** Jitter strengths. Defaults are the reference parameters: 0.3 for all four. */
export interface JitterOptions {
  /** Factor ~ U(max(0, 1 - brightness), 1 + brightness); >= 0. */
  brightness?: number;
  /** Factor ~ U(max(0, 1 - contrast), 1 + contrast); >= 0. */
  contrast?: number;
  /** Factor ~ U(max(0, 1 - saturation), 1 + saturation); >= 0. */
  saturation?: number;
  /** Shift ~ U(-hue, hue) of a full turn; within [0, 0.5]. */
  hue?: number;
}

/** One drawn jitter: the order the ops run in and their factors (1, 1, 1, 0 is the identity). */
export interface JitterParams {
  order: readonly JitterOp[];
  brightness: number;
  contrast: number;
  saturation: number;
  hue: number;
}

export const JITTER_DEFAULTS: Readonly<Required<JitterOptions>> = Object.freeze({
  brightness: 0.3,
  contrast: 0.3,
  saturation: 0.3,
  hue: 0.3,
});

const OPS: readonly JitterOp[] = ['brightness', 'contrast', 'saturation', 'hue'];

export function resolveJitterOptions(options: JitterOptions = {}, name = 'jitter'): Required<JitterOptions> {
  const o = { ...JITTER_DEFAULTS, ...options };
  return {
    brightness: checkNumber(`${name}.brightness`, o.brightness, 0, 1e6),
    contrast: checkNumber(`${name}.contrast`, o.contrast, 0, 1e6),
    saturation: checkNumber(`${name}.saturation`, o.saturation, 0, 1e6),
    hue: checkNumber(`${name}.hue`, o.hue, 0, 0.5),
  };
}

/** Draws the order (a uniform permutation) and then the four factors, in torchvision's order. */
export function sampleJitter(rng: Rng, options: JitterOptions = {}): JitterParams {
  const o = resolveJitterOptions(options);
  return drawJitter(rng, o);
}

export function drawJitter(rng: Rng, o: Required<JitterOptions>): JitterParams {
  const order = rng.shuffle(OPS.slice());
  const factor = (s: number): number => rng.uniform(max(0, 1 - s), 1 + s);
  const brightness = factor(o.brightness);
  const contrast = factor(o.contrast);
  const saturation = factor(o.saturation);
  const hue = rng.uniform(-o.hue, o.hue);
  return { order, brightness, contrast, saturation, hue };
}

/**
 * Applies `params` in place to the pixels of an interleaved 8-bit buffer with `channels` channels. On 1-channel
 * data only brightness and contrast run; on 4-channel data alpha is left alone.
 */
export function applyJitter(pixels: Uint8Array | Uint8ClampedArray, channels: 1 | 3 | 4, params: JitterParams): void {
  jitterPatch(pixels, channels, params, 0, null);
}

/**
 * applyJitter on a patch `width` pixels wide, writing only the pixels inside `spans` (row r: x in
 * [spans[2r], spans[2r+1])) when given — the only ones a polygon paste uses. The contrast mean still covers
 * the whole patch, so those pixels come out exactly as with applyJitter.
 */
export function jitterPatch(
  pixels: Uint8Array | Uint8ClampedArray,
  channels: 1 | 3 | 4,
  params: JitterParams,
  width: number,
  spans: Int32Array | null,
): void {
  const count = floor(pixels.length / channels);
  if (count === 0) return;
  const colour = channels !== 1;
  const codes: number[] = [];
  for (const op of params.order) if (colour || op === 'brightness' || op === 'contrast') codes.push(OP_CODE[op]);
  // Contrast needs the mean gray level of the patch after the ops before it: pass 1 runs those ops to sum the gray
  // level (straight from the bytes when there are none), pass 2 continues from pass 1's values with contrast and
  // the rest. Nothing is rounded before the end.
  const nPre = codes.indexOf(CONTRAST);
  preKeys.fill(-1);
  const graySum =
    nPre === 0
      ? grayOfBytes(pixels, channels, count)
      : pass(pixels, channels, 0, count * channels, Int32Array.from(codes), nPre, params, 0, false);
  const mean = graySum / count;
  const all = Int32Array.from(codes);
  outKeys.fill(-1);
  if (spans === null) {
    pass(pixels, channels, 0, count * channels, all, all.length, params, mean, true);
    return;
  }
  for (let r = 0; 2 * r < spans.length; r++) {
    const a = spans[2 * r]!;
    const b = spans[2 * r + 1]!;
    if (b > a) pass(pixels, channels, (r * width + a) * channels, (r * width + b) * channels, all, all.length, params, mean, true);
  }
}

const BRIGHTNESS = 0;
const CONTRAST = 1;
const SATURATION = 2;
const HUE = 3;
const OP_CODE: Readonly<Record<JitterOp, number>> = { brightness: BRIGHTNESS, contrast: CONTRAST, saturation: SATURATION, hue: HUE };

// torchvision rgb_to_grayscale weights.
const WR = 0.2989;
const WG = 0.587;
const WB = 0.114;

// Both passes are pure functions of a pixel's input colour, and a patch of a real image repeats colours (a
// 120×120 bottle patch holds 3,500–5,400 distinct ones), so results are memoised in a direct-mapped table keyed
// by the 24-bit colour. Identical results, several times faster on real images.
// Pass 1 keeps each colour's values after the pre-contrast ops, so pass 2 starts from them instead of
// recomputing.
const MEMO_BITS = 14;
const preKeys = new Int32Array(1 << MEMO_BITS);
const preR = new Float64Array(1 << MEMO_BITS);
const preG = new Float64Array(1 << MEMO_BITS);
const preB = new Float64Array(1 << MEMO_BITS);
const preGray = new Float64Array(1 << MEMO_BITS);
const outKeys = new Int32Array(1 << MEMO_BITS);
const outRgb = new Int32Array(1 << MEMO_BITS);

function grayOfBytes(pixels: Uint8Array | Uint8ClampedArray, channels: number, count: number): number {
  let sum = 0;
  if (channels === 1) for (let p = 0; p < count; p++) sum += pixels[p]! / 255;
  else {
    for (let p = 0, end = count * channels; p < end; p += channels) {
      sum += WR * (pixels[p]! / 255) + WG * (pixels[p + 1]! / 255) + WB * (pixels[p + 2]! / 255);
    }
  }
  return sum;
}

/**
 * Runs `ops[0..nOps)` on the pixels from byte `start` to `end` and returns the sum of the resulting gray levels.
 * Pass 1 (`write` false) memoises per colour the values after those ops; pass 2 (`write` true) starts from them
 * when present (skipping the pre-contrast ops) and writes the pixels back, rounded. One loop with the ops inlined:
 * per-pixel calls and arrays cost several times more. The caller clears the memo keys before each pass.
 */
function pass(
  pixels: Uint8Array | Uint8ClampedArray,
  channels: number,
  start: number,
  end: number,
  ops: Int32Array,
  nOps: number,
  params: JitterParams,
  mean: number,
  write: boolean,
): number {
  const colour = channels !== 1;
  const contrastAt = ops.indexOf(CONTRAST);
  const bright = params.brightness;
  const contrast = params.contrast;
  const contrastAdd = (1 - contrast) * mean;
  const sat = params.saturation;
  const shift = params.hue;
  let graySum = 0;
  for (let p = start; p < end; p += channels) {
    const key = colour ? (pixels[p]! << 16) | (pixels[p + 1]! << 8) | pixels[p + 2]! : pixels[p]!;
    const slot = imul(key, 0x9e3779b1) >>> (32 - MEMO_BITS);
    if (!write && preKeys[slot] === key) {
      graySum += preGray[slot]!;
      continue;
    }
    if (write && outKeys[slot] === key) {
      const v = outRgb[slot]!;
      pixels[p] = v >>> 16;
      if (colour) {
        pixels[p + 1] = (v >>> 8) & 255;
        pixels[p + 2] = v & 255;
      }
      continue;
    }
    let r: number;
    let g: number;
    let b: number;
    let k = 0;
    if (write && preKeys[slot] === key) {
      r = preR[slot]!;
      g = preG[slot]!;
      b = preB[slot]!;
      k = contrastAt;
    } else {
      r = pixels[p]! / 255;
      g = colour ? pixels[p + 1]! / 255 : r;
      b = colour ? pixels[p + 2]! / 255 : r;
    }
    for (; k < nOps; k++) {
      const op = ops[k];
      if (op === BRIGHTNESS) {
        r = clamp01(bright * r);
        g = clamp01(bright * g);
        b = clamp01(bright * b);
      } else if (op === CONTRAST) {
        r = clamp01(contrast * r + contrastAdd);
        g = clamp01(contrast * g + contrastAdd);
        b = clamp01(contrast * b + contrastAdd);
      } else if (op === SATURATION) {
        const gray = (1 - sat) * (WR * r + WG * g + WB * b);
        r = clamp01(sat * r + gray);
        g = clamp01(sat * g + gray);
        b = clamp01(sat * b + gray);
      } else {
        // torchvision _rgb2hsv, h = (h + shift) mod 1, then _hsv2rgb in its sector-free form
        // f(n) = v - (v - min) · clamp(min(k, 4 - k), 0, 1) with k = (n + 6h) mod 6: the same values, no
        // six-way branch to mispredict. Gray pixels (s = 0) map back to themselves.
        const maxc = max(r, g, b);
        const cr = maxc - min(r, g, b);
        if (cr === 0) continue;
        let h = maxc === r ? (g - b) / cr : maxc === g ? 2 + (b - r) / cr : 4 + (r - g) / cr;
        h = h / 6 + shift;
        h -= floor(h);
        const h6 = h * 6;
        let t = 5 + h6;
        t -= 6 * floor(t / 6);
        r = maxc - cr * max(0, min(t, 4 - t, 1));
        t = 3 + h6;
        t -= 6 * floor(t / 6);
        g = maxc - cr * max(0, min(t, 4 - t, 1));
        t = 1 + h6;
        t -= 6 * floor(t / 6);
        b = maxc - cr * max(0, min(t, 4 - t, 1));
      }
    }
    if (!write) {
      const gray = colour ? WR * r + WG * g + WB * b : r;
      graySum += gray;
      preKeys[slot] = key;
      preGray[slot] = gray;
      preR[slot] = r;
      preG[slot] = g;
      preB[slot] = b;
    } else {
      const R = round(r * 255);
      const G = round(g * 255);
      const B = round(b * 255);
      outKeys[slot] = key;
      outRgb[slot] = (R << 16) | (G << 8) | B;
      pixels[p] = R;
      if (colour) {
        pixels[p + 1] = G;
        pixels[p + 2] = B;
      }
    }
  }
  return graySum;
}

function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/** Draws a jitter and applies it to a copy of the whole image. */
export function colorJitter(
  image: PixelImage,
  rng: Rng,
  options: JitterOptions = {},
): { image: PixelImage; params: JitterParams } {
  assertPixelImage(image);
  const params = sampleJitter(rng, options);
  const out = cloneImage(image);
  applyJitter(out.data, out.channels, params);
  return { image: out, params };
}
