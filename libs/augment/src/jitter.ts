// Colour jitter with torchvision's ColorJitter semantics for float tensors: factors brightness/contrast/
// saturation ~ U(max(0, 1 - s), 1 + s), hue shift ~ U(-h, h) of a turn, the four ops applied in a random order,
// each one clamping to [0, 1]. Pixels are converted from 8 bits once and rounded back once at the end.
import { assertPixelImage, cloneImage, type PixelImage } from './image.js';
import type { Rng } from './rng.js';
import { checkNumber } from './validate.js';
// Module-level aliases: global lookups inside hot loops are slow in sandboxed contexts (jest's vm).
const { floor, imul, max, round } = Math;

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
  const ops = Int32Array.from(codes);
  // Brightness and contrast act on each channel value alone, so a leading run of them is a 256-entry table;
  // only the ops from the first saturation/hue on need per-pixel arithmetic. Contrast needs the mean gray level
  // of the whole patch after the ops before it, summed pixel by pixel in order as before. Every value goes
  // through the same float64 operations in the same order as a plain per-pixel loop: bytes are identical.
  let lead = 0;
  while (lead < ops.length && (ops[lead] === BRIGHTNESS || ops[lead] === CONTRAST)) lead++;
  const firstContrast = ops.indexOf(CONTRAST);
  let contrastAdd = 0;
  if (firstContrast >= 0 && firstContrast < lead) {
    buildLut(ops, firstContrast, params, 0, preLut);
    contrastAdd = (1 - params.contrast) * (grayOfLut(pixels, channels, count, preLut) / count);
  }
  buildLut(ops, lead, params, contrastAdd, leadLut);
  if (lead === ops.length) {
    for (let v = 0; v < 256; v++) byteLut[v] = round(leadLut[v]! * 255);
    forEachRun(count, width, spans, (a, b) => mapBytes(pixels, channels, a, b));
    return;
  }
  // Colour from here on (saturation or hue remain): each distinct colour of the pixels involved is computed
  // once (a real 120×120 patch holds 3,500–5,400 of them), in float64 scratch with one tight loop per op.
  ensureScratch(count);
  let n = 0;
  let from = lead;
  const whole = firstContrast > lead || spans === null;
  dedupeKeys.fill(-1);
  forEachRun(count, whole ? 0 : width, whole ? null : spans, (a, b) => {
    n = dedupe(pixels, channels, a, b, n);
  });
  if (firstContrast > lead) {
    from = runOps(ops, lead, firstContrast, params, 0, n);
    contrastAdd = (1 - params.contrast) * (graySum(n, count) / count);
  }
  runOps(ops, from, ops.length, params, contrastAdd, n);
  roundAll(n);
  forEachRun(count, width, spans, (a, b) => scatter(pixels, channels, a, b));
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

const preLut = new Float64Array(256);
const leadLut = new Float64Array(256);
const byteLut = new Uint8Array(256);
// Per-pixel values (structure of arrays), grown on demand and reused across calls.
let sR = new Float64Array(0);
let sG = new Float64Array(0);
let sB = new Float64Array(0);
let sGray = new Float64Array(0);
let sOut = new Uint8Array(0);
// Scratch index of each processed pixel's colour, by pixel index.
let pixelSlot = new Int32Array(0);
// Direct-mapped cache: packed colour → scratch index. A collision only costs a recomputation.
const DEDUPE_BITS = 15;
const dedupeKeys = new Int32Array(1 << DEDUPE_BITS);
const dedupeSlot = new Int32Array(1 << DEDUPE_BITS);

function ensureScratch(count: number): void {
  if (sR.length >= count) return;
  sR = new Float64Array(count);
  sG = new Float64Array(count);
  sB = new Float64Array(count);
  sGray = new Float64Array(count);
  sOut = new Uint8Array(3 * count);
  pixelSlot = new Int32Array(count);
}

/**
 * Records the scratch index of pixels [from, to) in pixelSlot (by pixel index), appending colours not in
 * the cache to the scratch through leadLut; returns the new number of scratch entries.
 */
function dedupe(pixels: Uint8Array | Uint8ClampedArray, channels: number, from: number, to: number, n: number): number {
  const keys = dedupeKeys;
  const slots = dedupeSlot;
  const slot = pixelSlot;
  const lut = leadLut;
  const R = sR;
  const G = sG;
  const B = sB;
  let m = n;
  let t = from;
  for (let p = from * channels, end = to * channels; p < end; p += channels, t++) {
    const key = (pixels[p]! << 16) | (pixels[p + 1]! << 8) | pixels[p + 2]!;
    const h = imul(key, 0x9e3779b1) >>> (32 - DEDUPE_BITS);
    if (keys[h] === key) {
      slot[t] = slots[h]!;
      continue;
    }
    keys[h] = key;
    slots[h] = m;
    slot[t] = m;
    R[m] = lut[pixels[p]!]!;
    G[m] = lut[pixels[p + 1]!]!;
    B[m] = lut[pixels[p + 2]!]!;
    m++;
  }
  return m;
}

/** Calls `fn(from, to)` for each run of pixel indices to process: all pixels, or each row's span. */
function forEachRun(count: number, width: number, spans: Int32Array | null, fn: (from: number, to: number) => void): void {
  if (spans === null) {
    fn(0, count);
    return;
  }
  for (let r = 0; 2 * r < spans.length; r++) {
    const a = spans[2 * r]!;
    const b = spans[2 * r + 1]!;
    if (b > a) fn(r * width + a, r * width + b);
  }
}

/** Maps the colour bytes (not alpha) of pixels [from, to) through byteLut. */
function mapBytes(pixels: Uint8Array | Uint8ClampedArray, channels: number, from: number, to: number): void {
  const lut = byteLut;
  if (channels === 1) {
    for (let p = from; p < to; p++) pixels[p] = lut[pixels[p]!]!;
    return;
  }
  for (let p = from * channels, end = to * channels; p < end; p += channels) {
    pixels[p] = lut[pixels[p]!]!;
    pixels[p + 1] = lut[pixels[p + 1]!]!;
    pixels[p + 2] = lut[pixels[p + 2]!]!;
  }
}

/** table[v] = the value of byte v after ops[0..nOps), all of them brightness or contrast. */
function buildLut(ops: Int32Array, nOps: number, params: JitterParams, contrastAdd: number, table: Float64Array): void {
  const bright = params.brightness;
  const contrast = params.contrast;
  for (let v = 0; v < 256; v++) {
    let x = v / 255;
    for (let k = 0; k < nOps; k++) x = ops[k] === BRIGHTNESS ? clamp01(bright * x) : clamp01(contrast * x + contrastAdd);
    table[v] = x;
  }
}

/** Sum over all pixels, in order, of the gray level of the table-mapped values. */
function grayOfLut(pixels: Uint8Array | Uint8ClampedArray, channels: number, count: number, table: Float64Array): number {
  let sum = 0;
  if (channels === 1) for (let p = 0; p < count; p++) sum += table[pixels[p]!]!;
  else {
    for (let p = 0, end = count * channels; p < end; p += channels) {
      sum += WR * table[pixels[p]!]! + WG * table[pixels[p + 1]!]! + WB * table[pixels[p + 2]!]!;
    }
  }
  return sum;
}

/** Sum over pixels 0..count, in order, of the gray level of their scratch entry. */
function graySum(n: number, count: number): number {
  const R = sR;
  const G = sG;
  const B = sB;
  const gray = sGray;
  const slot = pixelSlot;
  for (let i = 0; i < n; i++) gray[i] = WR * R[i]! + WG * G[i]! + WB * B[i]!;
  let sum = 0;
  for (let p = 0; p < count; p++) sum += gray[slot[p]!]!;
  return sum;
}

function roundAll(n: number): void {
  const R = sR;
  const G = sG;
  const B = sB;
  const out = sOut;
  for (let i = 0, j = 0; i < n; i++, j += 3) {
    out[j] = round255(R[i]!);
    out[j + 1] = round255(G[i]!);
    out[j + 2] = round255(B[i]!);
  }
}

/**
 * Math.round(v · 255) for v in [0, 1] without the call: truncation is floor for non-negative values, and
 * x - floor(x) is exact, so ties go up exactly as Math.round's.
 */
function round255(v: number): number {
  const x = v * 255;
  const f = x | 0;
  return x - f >= 0.5 ? f + 1 : f;
}

/** Writes the rounded scratch colour of pixels [from, to) back. */
function scatter(pixels: Uint8Array | Uint8ClampedArray, channels: number, from: number, to: number): void {
  const out = sOut;
  const slot = pixelSlot;
  for (let p = from * channels, end = to * channels, t = from; p < end; p += channels, t++) {
    const i = 3 * slot[t]!;
    pixels[p] = out[i]!;
    pixels[p + 1] = out[i + 1]!;
    pixels[p + 2] = out[i + 2]!;
  }
}

/** Runs ops[from..to) on the first n scratch pixels, one loop per op; returns `to`. */
function runOps(ops: Int32Array, from: number, to: number, params: JitterParams, contrastAdd: number, n: number): number {
  for (let k = from; k < to; k++) {
    const op = ops[k];
    if (op === BRIGHTNESS) scaleAll(params.brightness, 0, n);
    else if (op === CONTRAST) scaleAll(params.contrast, contrastAdd, n);
    else if (op === SATURATION) saturateAll(params.saturation, n);
    else hueAll(params.hue, n);
  }
  return to;
}

/** v = clamp01(f · v + add) on every channel (brightness: add = 0). */
function scaleAll(f: number, add: number, n: number): void {
  const R = sR;
  const G = sG;
  const B = sB;
  for (let i = 0; i < n; i++) {
    let v = f * R[i]! + add;
    R[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    v = f * G[i]! + add;
    G[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    v = f * B[i]! + add;
    B[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
}

function saturateAll(sat: number, n: number): void {
  const R = sR;
  const G = sG;
  const B = sB;
  const keep = 1 - sat;
  for (let i = 0; i < n; i++) {
    const r = R[i]!;
    const g = G[i]!;
    const b = B[i]!;
    const gray = keep * (WR * r + WG * g + WB * b);
    let v = sat * r + gray;
    R[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    v = sat * g + gray;
    G[i] = v < 0 ? 0 : v > 1 ? 1 : v;
    v = sat * b + gray;
    B[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
}

/**
 * torchvision _rgb2hsv, h = (h + shift) mod 1, then _hsv2rgb in its sector-free form
 * f(n) = v - (v - min) · clamp(min(k, 4 - k), 0, 1) with k = (n + 6h) mod 6: the same values, no six-way
 * branch to mispredict. Gray pixels (s = 0) map back to themselves.
 */
function hueAll(shift: number, n: number): void {
  const R = sR;
  const G = sG;
  const B = sB;
  for (let i = 0; i < n; i++) {
    const r = R[i]!;
    const g = G[i]!;
    const b = B[i]!;
    const maxc = r > g ? (r > b ? r : b) : g > b ? g : b;
    const minc = r < g ? (r < b ? r : b) : g < b ? g : b;
    const cr = maxc - minc;
    if (cr === 0) continue;
    let h = maxc === r ? (g - b) / cr : maxc === g ? 2 + (b - r) / cr : 4 + (r - g) / cr;
    h = h / 6 + shift;
    // floor(h) for h in (-1, 2) by truncation, one less for negative non-integers.
    const f = h | 0;
    h -= f > h ? f - 1 : f;
    const h6 = h * 6;
    R[i] = maxc - cr * sector(5 + h6);
    G[i] = maxc - cr * sector(3 + h6);
    B[i] = maxc - cr * sector(1 + h6);
  }
}

/** clamp(min(t, 4 - t), 0, 1) with t = k mod 6 (k >= 0, so truncation is floor). */
function sector(k: number): number {
  const t = k - 6 * ((k / 6) | 0);
  const u = 4 - t;
  const m = t < u ? t : u;
  return m < 1 ? (m > 0 ? m : 0) : 1;
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
