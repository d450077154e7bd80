// Scar: a thin rotated rectangle pasted where it fits — one random colour, or a jittered patch of the image.
import type { AugmentResult } from './cutpaste.js';
import { assertPixelImage, cloneImage, type PixelImage } from './image.js';
import { applyJitter, drawJitter, resolveJitterOptions, type JitterOptions, type JitterParams } from './jitter.js';
import { cropInto, placeBox, type Box } from './patch.js';
import type { Rng } from './rng.js';
import { checkRange, type Range } from './validate.js';
import { sharedWorkspace, type Workspace } from './workspace.js';
// Module-level aliases: global lookups inside hot loops are slow in sandboxed contexts (jest's vm).
const { abs, ceil, floor, max, min } = Math;

export type ScarFill = 'color' | 'patch';

export interface ScarOptions {
  /** Scar width in pixels ~ U(min, max); > 0. Default [2, 16]. */
  width?: Range;
  /** Scar height in pixels ~ U(min, max); > 0. Default [10, 25]. */
  height?: Range;
  /** Rotation in degrees ~ U(min, max), positive = counter-clockwise as displayed; within [-90, 90]. Default [-45, 45]. */
  angle?: Range;
  /** 'color' (default): one random colour; 'patch': cut from the image and jittered. */
  fill?: ScarFill;
  /** Each channel of the colour ~ U{min..max} (one gray level on 1-channel images); integers in [0, 255]. Default [10, 240]. */
  color?: Range;
  /** Jitter strengths for fill 'patch' (defaults 0.3 each). */
  jitter?: JitterOptions;
}

export interface ScarMeta {
  kind: 'scar';
  /** Drawn size in pixels (fractional) and angle in degrees. */
  width: number;
  height: number;
  angle: number;
  /** The integer bounding box of the rotated scar. */
  target: Box;
  fill: ScarFill;
  /** fill 'color': the colour, one value per colour channel. */
  color?: number[];
  /** fill 'patch': where the patch was cut and its jitter. */
  source?: Box;
  jitter?: JitterParams;
}

export type ResolvedScar = Required<Omit<ScarOptions, 'jitter'>> & { jitter: Required<JitterOptions> };

export const SCAR_DEFAULTS = Object.freeze({
  width: [2, 16] as Range,
  height: [10, 25] as Range,
  angle: [-45, 45] as Range,
  fill: 'color' as ScarFill,
  color: [10, 240] as Range,
});

export function resolveScarOptions(options: ScarOptions, name: string): ResolvedScar {
  const width = checkRange(`${name}.width`, options.width ?? SCAR_DEFAULTS.width, 0, 1e6, { lo: true });
  const height = checkRange(`${name}.height`, options.height ?? SCAR_DEFAULTS.height, 0, 1e6, { lo: true });
  const angle = checkRange(`${name}.angle`, options.angle ?? SCAR_DEFAULTS.angle, -90, 90);
  const color = checkRange(`${name}.color`, options.color ?? SCAR_DEFAULTS.color, 0, 255);
  if (!Number.isInteger(color[0]) || !Number.isInteger(color[1])) {
    throw new Error(`${name}.color must be integers within [0, 255] (got [${color[0]}, ${color[1]}])`);
  }
  const fill = options.fill ?? SCAR_DEFAULTS.fill;
  if (fill !== 'color' && fill !== 'patch') {
    throw new Error(`${name}.fill must be 'color' or 'patch' (got ${JSON.stringify(fill)})`);
  }
  return { width, height, angle, color, fill, jitter: resolveJitterOptions(options.jitter, `${name}.jitter`) };
}

/** The bounding box of the largest scar the options allow: the scar fits anywhere iff this fits the image. */
export function largestScarBox(o: Pick<ResolvedScar, 'width' | 'height' | 'angle'>): { width: number; height: number } {
  const w = o.width[1];
  const h = o.height[1];
  const [a0, a1] = o.angle.map((d) => abs((d * Math.PI) / 180));
  const lo = o.angle[0] <= 0 && o.angle[1] >= 0 ? 0 : min(a0!, a1!);
  const hi = max(a0!, a1!);
  // w·cos φ + h·sin φ peaks at φ = atan2(h, w); over [lo, hi] the maximum is there or at the nearer end.
  const peak = (p: number): number => min(hi, max(lo, p));
  const phiW = peak(Math.atan2(h, w));
  const phiH = peak(Math.atan2(w, h));
  return {
    width: ceil(w * Math.cos(phiW) + h * Math.sin(phiW) - 1e-9),
    height: ceil(w * Math.sin(phiH) + h * Math.cos(phiH) - 1e-9),
  };
}

export function assertScarFits(o: ResolvedScar, imageWidth: number, imageHeight: number, name: string): void {
  const box = largestScarBox(o);
  if (box.width > imageWidth || box.height > imageHeight) {
    throw new Error(
      `${name}: the largest scar (width ${o.width[1]}, height ${o.height[1]}, angle within [${o.angle[0]}, ${o.angle[1]}]°) ` +
        `needs a ${box.width}×${box.height} box but the image is ${imageWidth}×${imageHeight}; ` +
        `reduce ${name}.width / ${name}.height / ${name}.angle so the rotated scar fits`,
    );
  }
}

/**
 * Draws a scar (size, angle, fill, target — in that order) and paints it into `dst` (same size as `src`).
 * The caller has checked that the largest scar fits (assertScarFits).
 */
export function pasteScar(
  src: PixelImage,
  dst: Uint8Array | Uint8ClampedArray,
  mask: Uint8Array | null,
  rng: Rng,
  o: ResolvedScar,
  ws: Workspace,
): ScarMeta {
  const { width: W, height: H, channels: c } = src;
  const sw = rng.uniform(o.width[0], o.width[1]);
  const sh = rng.uniform(o.height[0], o.height[1]);
  const angle = rng.uniform(o.angle[0], o.angle[1]);
  const theta = (angle * Math.PI) / 180;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const meta: ScarMeta = { kind: 'scar', width: sw, height: sh, angle, target: { x: 0, y: 0, width: 0, height: 0 }, fill: o.fill };

  const colour = new Uint8Array(c);
  let patch: Uint8Array | null = null;
  let pw = 0;
  let ph = 0;
  if (o.fill === 'color') {
    const colourChannels = c === 1 ? 1 : 3;
    for (let k = 0; k < colourChannels; k++) colour[k] = rng.int(o.color[0], o.color[1]);
    if (c === 4) colour[3] = 255;
    meta.color = Array.from(colour.subarray(0, colourChannels));
  } else {
    pw = min(W, ceil(sw));
    ph = min(H, ceil(sh));
    const source = placeBox(rng, W, H, pw, ph);
    const bytes = ws.bytes(pw * ph * c);
    cropInto(src, source, bytes);
    const jitter = drawJitter(rng, o.jitter);
    applyJitter(bytes, c, jitter);
    patch = bytes;
    meta.source = source;
    meta.jitter = jitter;
  }

  const bw = min(W, ceil(sw * abs(cos) + sh * abs(sin) - 1e-9));
  const bh = min(H, ceil(sw * abs(sin) + sh * abs(cos) - 1e-9));
  const target = placeBox(rng, W, H, bw, bh);
  meta.target = target;
  const cx = target.x + bw / 2;
  const cy = target.y + bh / 2;
  const hw = sw / 2;
  const hh = sh / 2;
  for (let py = target.y; py < target.y + bh; py++) {
    const dy = py + 0.5 - cy;
    for (let px = target.x; px < target.x + bw; px++) {
      const dx = px + 0.5 - cx;
      // Inverse of the counter-clockwise rotation (y axis pointing down).
      const u = dx * cos - dy * sin;
      const v = dx * sin + dy * cos;
      if (u < -hw || u >= hw || v < -hh || v >= hh) continue;
      const d = (py * W + px) * c;
      if (patch === null) {
        for (let k = 0; k < c; k++) dst[d + k] = colour[k]!;
      } else {
        const qx = min(pw - 1, floor(u + hw));
        const qy = min(ph - 1, floor(v + hh));
        const p = (qy * pw + qx) * c;
        for (let k = 0; k < c; k++) dst[d + k] = patch[p + k]!;
      }
      if (mask) mask[py * W + px] = 1;
    }
  }
  return meta;
}

/** A scar on a copy of `image`. */
export function scar(image: PixelImage, rng: Rng, options: ScarOptions = {}): AugmentResult<ScarMeta> {
  assertPixelImage(image);
  const o = resolveScarOptions(options, 'scar');
  assertScarFits(o, image.width, image.height, 'scar');
  const out = cloneImage(image);
  const mask = new Uint8Array(image.width * image.height);
  const meta = pasteScar(image, out.data, mask, rng, o, sharedWorkspace());
  return { image: out, mask, meta };
}
