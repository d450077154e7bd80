// Colour jitter with torchvision's ColorJitter semantics for float tensors: factors brightness/contrast/
// saturation ~ U(max(0, 1 - s), 1 + s), hue shift ~ U(-h, h) of a turn, the four ops applied in a random order,
// each one clamping to [0, 1]. Pixels are converted from 8 bits once and rounded back once at the end.
import { assertPixelImage, cloneImage, type PixelImage } from './image.js';
import type { Rng } from './rng.js';
import { checkNumber } from './validate.js';
// Module-level aliases: global lookups inside hot loops are slow in sandboxed contexts (jest's vm).
const { floor, max, round } = Math;

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
 * data only brightness and contrast run; on 4-channel data alpha is left alone. `scratch`, if given, must hold
 * `pixelCount * 3` floats and saves an allocation.
 */
export function applyJitter(
  pixels: Uint8Array | Uint8ClampedArray,
  channels: 1 | 3 | 4,
  params: JitterParams,
  scratch?: Float32Array,
): void {
  const count = floor(pixels.length / channels);
  if (count === 0) return;
  const colour = channels !== 1;
  const codes: number[] = [];
  for (const op of params.order) if (colour || op === 'brightness' || op === 'contrast') codes.push(OP_CODE[op]);
  const at = codes.indexOf(CONTRAST);
  const pre = Int32Array.from(codes.slice(0, at));
  const rest = Int32Array.from(codes.slice(at));
  // Contrast needs the mean gray level of the patch after the ops before it: pass 1 runs those ops and sums the
  // gray level, pass 2 runs contrast and the rest. Pass 1 keeps its output in floats so nothing is rounded early.
  const f = pre.length === 0 ? null : scratch && scratch.length >= count * 3 ? scratch : new Float32Array(count * 3);
  const graySum = pass(pixels, channels, count, null, f, f !== null, pre, params, 0);
  pass(pixels, channels, count, f, null, true, rest, params, graySum / count);
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

/**
 * Runs `ops` on every pixel, reading from `fromFloats` (else the bytes) and, if `write`, writing to `toFloats`
 * (else the bytes, rounded). Returns the sum of the resulting gray levels. One loop with the ops inlined: per-pixel calls and
 * per-pixel arrays cost several times more here.
 */
function pass(
  pixels: Uint8Array | Uint8ClampedArray,
  channels: number,
  count: number,
  fromFloats: Float32Array | null,
  toFloats: Float32Array | null,
  write: boolean,
  ops: Int32Array,
  params: JitterParams,
  mean: number,
): number {
  const colour = channels !== 1;
  const nOps = ops.length;
  const bright = params.brightness;
  const contrast = params.contrast;
  const contrastAdd = (1 - contrast) * mean;
  const sat = params.saturation;
  const shift = params.hue;
  const writeBytes = write && toFloats === null;
  let graySum = 0;
  for (let i = 0, p = 0; i < count; i++, p += channels) {
    let r: number;
    let g: number;
    let b: number;
    if (fromFloats !== null) {
      r = fromFloats[3 * i]!;
      g = fromFloats[3 * i + 1]!;
      b = fromFloats[3 * i + 2]!;
    } else {
      r = pixels[p]! / 255;
      g = colour ? pixels[p + 1]! / 255 : r;
      b = colour ? pixels[p + 2]! / 255 : r;
    }
    for (let k = 0; k < nOps; k++) {
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
        // torchvision _rgb2hsv → h = (h + shift) mod 1 → _hsv2rgb. Gray pixels (s = 0) map back to themselves.
        const maxc = r > g ? (r > b ? r : b) : g > b ? g : b;
        const minc = r < g ? (r < b ? r : b) : g < b ? g : b;
        const cr = maxc - minc;
        if (cr === 0) continue;
        const s = cr / maxc;
        let h: number;
        if (maxc === r) h = (g - b) / cr;
        else if (maxc === g) h = 2 + (b - r) / cr;
        else h = 4 + (r - g) / cr;
        // (h / 6 + shift) mod 1 without %, which is a slow library call for doubles.
        h = h / 6 + shift;
        while (h < 0) h += 1;
        while (h >= 1) h -= 1;
        const h6 = h * 6;
        const whole = floor(h6);
        const fr = h6 - whole;
        // h6 can round up to 6 when h is just below 1; torchvision takes that sector modulo 6.
        const sector = whole === 6 ? 0 : whole;
        const v = maxc;
        const pp = clamp01(v * (1 - s));
        const qq = clamp01(v * (1 - s * fr));
        const tt = clamp01(v * (1 - s * (1 - fr)));
        switch (sector) {
          case 0: r = v; g = tt; b = pp; break;
          case 1: r = qq; g = v; b = pp; break;
          case 2: r = pp; g = v; b = tt; break;
          case 3: r = pp; g = qq; b = v; break;
          case 4: r = tt; g = pp; b = v; break;
          default: r = v; g = pp; b = qq; break;
        }
      }
    }
    graySum += colour ? WR * r + WG * g + WB * b : r;
    if (writeBytes) {
      pixels[p] = round(r * 255);
      if (colour) {
        pixels[p + 1] = round(g * 255);
        pixels[p + 2] = round(b * 255);
      }
    } else if (toFloats !== null) {
      toFloats[3 * i] = r;
      toFloats[3 * i + 1] = g;
      toFloats[3 * i + 2] = b;
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
