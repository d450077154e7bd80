// Fills a preallocated NHWC float32 batch and its labels with pretext samples, without per-sample allocations.
import { assertPixelImage, type PixelImage } from './image.js';
import type { Rng } from './rng.js';
import {
  assertPretextFits,
  drawPretextInto,
  resolvePretextOptions,
  type PretextKind,
  type PretextOptions,
} from './sampler.js';
import { Workspace } from './workspace.js';

export interface BatchOptions extends PretextOptions {
  /** Per-channel (R, G, B) normalisation: x = (v / 255 - mean) / std. Default none: x = v / 255 in [0, 1]. */
  normalize?: { mean: readonly number[]; std: readonly number[] };
  /** 'random' (default): each sample's image ~ U{images}; 'cycle': sample i uses images[i % images.length]. */
  imageOrder?: 'random' | 'cycle';
  /** Called with each sample's index, label and kind (e.g. to collect statistics). */
  onSample?: (index: number, label: number, kind: PretextKind) => void;
}

/**
 * Writes `out.y.length` samples: labels into `out.y`, images into `out.x` as NHWC float32 with 3 channels (gray
 * replicated, alpha dropped). All images must share width, height and channels; 90° and 270° rotations need
 * square images.
 */
export function fillPretextBatch(
  images: readonly PixelImage[],
  rng: Rng,
  out: { x: Float32Array; y: Int32Array },
  options: BatchOptions = {},
): void {
  if (!Array.isArray(images) || images.length === 0) throw new Error('images must be a non-empty array of PixelImage');
  images.forEach((im, i) => assertPixelImage(im, `images[${i}]`));
  const { width: W, height: H, channels: c } = images[0]!;
  images.forEach((im, i) => {
    if (im.width !== W || im.height !== H || im.channels !== c) {
      throw new Error(
        `images[${i}] is ${im.width}×${im.height}×${im.channels} but images[0] is ${W}×${H}×${c}; all images must match`,
      );
    }
  });
  if (!(out?.x instanceof Float32Array) || !(out.y instanceof Int32Array)) {
    throw new Error('out must be { x: Float32Array; y: Int32Array }');
  }
  const n = out.y.length;
  if (out.x.length !== n * H * W * 3) {
    throw new Error(`out.x length must be y.length × height × width × 3 = ${n * H * W * 3} (got ${out.x.length})`);
  }
  const o = resolvePretextOptions(options);
  assertPretextFits(o, W, H);
  if (W !== H && o.rotations.some((r) => r === 90 || r === 270)) {
    throw new Error(`options.rotations: 90° and 270° need square images (got ${W}×${H}); use [0, 180]`);
  }
  const order = options.imageOrder ?? 'random';
  if (order !== 'random' && order !== 'cycle') {
    throw new Error(`options.imageOrder must be 'random' or 'cycle' (got ${String(order)})`);
  }
  const lut = normalisationTable(options.normalize);
  const ws = new Workspace();
  const work = new Uint8Array(W * H * c);
  const plane = W * H * 3;
  for (let i = 0; i < n; i++) {
    const image = order === 'cycle' ? images[i % images.length]! : rng.pick(images);
    const { label, meta } = drawPretextInto(image, rng, o, work, null, ws);
    out.y[i] = label;
    writeFloats(work, W, H, c, meta.rotation, lut, out.x, i * plane);
    options.onSample?.(i, label, o.kinds[label]!);
  }
}

// 3 × 256 table: value → normalised float for channel k at [k * 256 + v].
function normalisationTable(normalize: BatchOptions['normalize']): Float32Array {
  const lut = new Float32Array(3 * 256);
  const mean = normalize?.mean ?? [0, 0, 0];
  const std = normalize?.std ?? [1, 1, 1];
  for (const [name, arr, positive] of [['mean', mean, false], ['std', std, true]] as const) {
    if (!Array.isArray(arr) || arr.length !== 3 || !arr.every((v) => Number.isFinite(v) && (!positive || v > 0))) {
      throw new Error(
        `options.normalize.${name} must be 3 finite numbers${positive ? ' > 0' : ''} (got ${JSON.stringify(arr)})`,
      );
    }
  }
  for (let k = 0; k < 3; k++) for (let v = 0; v < 256; v++) lut[k * 256 + v] = (v / 255 - mean[k]!) / std[k]!;
  return lut;
}

function writeFloats(
  src: Uint8Array,
  W: number,
  H: number,
  c: number,
  rotation: 0 | 90 | 180 | 270,
  lut: Float32Array,
  x: Float32Array,
  offset: number,
): void {
  // Walks the output in order (sequential float stores dominate the cost) and reads the source through the
  // rotation: output pixel (ox, oy) is source pixel first + ox · step.
  const swap = rotation === 90 || rotation === 270;
  const outW = swap ? H : W;
  const outH = swap ? W : H;
  let d = offset;
  for (let oy = 0; oy < outH; oy++) {
    const first =
      rotation === 0 ? oy * W : rotation === 90 ? W - 1 - oy : rotation === 180 ? (H - 1 - oy) * W + W - 1 : (H - 1) * W + oy;
    const step = rotation === 0 ? 1 : rotation === 90 ? W : rotation === 180 ? -1 : -W;
    if (c === 1) {
      for (let ox = 0, s = first; ox < outW; ox++, s += step, d += 3) {
        const v = src[s]!;
        x[d] = lut[v]!;
        x[d + 1] = lut[256 + v]!;
        x[d + 2] = lut[512 + v]!;
      }
    } else {
      const st = step * c;
      for (let ox = 0, s = first * c; ox < outW; ox++, s += st, d += 3) {
        x[d] = lut[src[s]!]!;
        x[d + 1] = lut[256 + src[s + 1]!]!;
        x[d + 2] = lut[512 + src[s + 2]!]!;
      }
    }
  }
}
