// CutPaste: a patch cut from the image, colour-jittered, pasted elsewhere in the same image — either the whole
// rectangle or only through a random convex polygon.
import { assertPixelImage, cloneImage, type PixelImage } from './image.js';
import { drawJitter, jitterPatch, resolveJitterOptions, type JitterOptions, type JitterParams } from './jitter.js';
import { cropInto, drawPatchSize, placeBox, resolvePatchSize, type Box, type PatchSizeOptions } from './patch.js';
import { polygonSpans, randomConvexPolygon, rasterizePolygon } from './polygon.js';
import type { Rng } from './rng.js';
import { checkRange, type Range } from './validate.js';
import { sharedWorkspace, type Workspace } from './workspace.js';
// Module-level aliases: global lookups inside hot loops are slow in sandboxed contexts (jest's vm).
const { round } = Math;

export interface CutPasteOptions extends PatchSizeOptions {
  /** Jitter strengths for the patch (defaults 0.3 each). */
  jitter?: JitterOptions;
}

export interface PolygonCutPasteOptions extends CutPasteOptions {
  /** Number of random points whose hull is the polygon, ~ U{min..max}; integers >= 3. Default [3, 15]. */
  points?: Range;
  /** Blend the polygon's edge by pixel coverage instead of a hard pixel-centre test. Default false. */
  antialias?: boolean;
}

export interface CutPasteMeta {
  kind: 'rect' | 'polygon';
  /** Drawn area ratio and aspect ratio (before rounding to whole pixels). */
  areaRatio: number;
  aspect: number;
  /** Where the patch was cut from and where it was pasted (same width and height). */
  source: Box;
  target: Box;
  jitter: JitterParams;
  /** Polygon only: hull vertices x0, y0, x1, y1, … relative to the target box's top-left corner. */
  vertices?: number[];
}

/** An augmented copy, the 0/1 mask of the pixels it replaced (width × height) and what was drawn. */
export interface AugmentResult<M> {
  image: PixelImage;
  mask: Uint8Array;
  meta: M;
}

export type ResolvedCutPaste = Required<Omit<PolygonCutPasteOptions, 'jitter'>> & { jitter: Required<JitterOptions> };

export function resolveCutPasteOptions(options: PolygonCutPasteOptions, name: string): ResolvedCutPaste {
  const size = resolvePatchSize(options, name);
  const points = checkRange(`${name}.points`, options.points ?? [3, 15], 3, 1e6);
  if (!Number.isInteger(points[0]) || !Number.isInteger(points[1])) {
    throw new Error(`${name}.points must be integers >= 3 (got [${points[0]}, ${points[1]}])`);
  }
  if (options.antialias !== undefined && typeof options.antialias !== 'boolean') {
    throw new Error(`${name}.antialias must be a boolean (got ${String(options.antialias)})`);
  }
  return {
    ...size,
    points,
    antialias: options.antialias ?? false,
    jitter: resolveJitterOptions(options.jitter, `${name}.jitter`),
  };
}

/**
 * Draws the patch (size, source, [polygon], jitter, target — in that order) from `src` and pastes it into `dst`
 * (same size as `src`, already holding the pixels to paste onto). Sets `mask` to 1 where pixels were replaced.
 */
export function pasteCutPaste(
  kind: 'rect' | 'polygon',
  src: PixelImage,
  dst: Uint8Array | Uint8ClampedArray,
  mask: Uint8Array | null,
  rng: Rng,
  o: ResolvedCutPaste,
  ws: Workspace,
): CutPasteMeta {
  const { width: W, height: H, channels: c } = src;
  const size = drawPatchSize(rng, W, H, o);
  const source = placeBox(rng, W, H, size.width, size.height);
  const w = size.width;
  const h = size.height;
  const vertices = kind === 'polygon' ? randomConvexPolygon(rng, w, h, rng.int(o.points[0], o.points[1])) : null;
  const patch = ws.bytes(w * h * c);
  cropInto(src, source, patch);
  const jitter = drawJitter(rng, o.jitter);
  const spans = vertices !== null && !o.antialias ? ws.spans(2 * h) : null;
  if (spans) polygonSpans(vertices!, w, h, spans);
  jitterPatch(patch, c, jitter, w, spans);
  const target = placeBox(rng, W, H, w, h);
  const rowLen = w * c;
  if (vertices === null) {
    for (let r = 0; r < h; r++) {
      dst.set(patch.subarray(r * rowLen, (r + 1) * rowLen), ((target.y + r) * W + target.x) * c);
      if (mask) mask.fill(1, (target.y + r) * W + target.x, (target.y + r) * W + target.x + w);
    }
  } else if (spans) {
    for (let r = 0; r < h; r++) {
      const a = spans[2 * r]!;
      const b = spans[2 * r + 1]!;
      if (b === a) continue;
      const row = (target.y + r) * W + target.x;
      dst.set(patch.subarray((r * w + a) * c, (r * w + b) * c), (row + a) * c);
      if (mask) mask.fill(1, row + a, row + b);
    }
  } else {
    const alpha = ws.alpha(w * h);
    rasterizePolygon(vertices, w, h, true, alpha);
    for (let r = 0; r < h; r++) {
      for (let q = 0; q < w; q++) {
        const a = alpha[r * w + q]!;
        if (a === 0) continue;
        const d = ((target.y + r) * W + target.x + q) * c;
        const p = (r * w + q) * c;
        if (a === 1) for (let k = 0; k < c; k++) dst[d + k] = patch[p + k]!;
        else for (let k = 0; k < c; k++) dst[d + k] = round(a * patch[p + k]! + (1 - a) * dst[d + k]!);
        if (mask) mask[(target.y + r) * W + target.x + q] = 1;
      }
    }
  }
  const meta: CutPasteMeta = { kind, areaRatio: size.areaRatio, aspect: size.aspect, source, target, jitter };
  if (vertices) meta.vertices = Array.from(vertices);
  return meta;
}

/** Rectangle CutPaste on a copy of `image`. */
export function cutPaste(image: PixelImage, rng: Rng, options: CutPasteOptions = {}): AugmentResult<CutPasteMeta> {
  return run('rect', image, rng, resolveCutPasteOptions(options, 'cutPaste'));
}

/** Polygon-mask CutPaste on a copy of `image`: only pixels inside the random convex polygon change. */
export function cutPastePolygon(
  image: PixelImage,
  rng: Rng,
  options: PolygonCutPasteOptions = {},
): AugmentResult<CutPasteMeta> {
  return run('polygon', image, rng, resolveCutPasteOptions(options, 'cutPastePolygon'));
}

function run(kind: 'rect' | 'polygon', image: PixelImage, rng: Rng, o: ResolvedCutPaste): AugmentResult<CutPasteMeta> {
  assertPixelImage(image);
  const out = cloneImage(image);
  const mask = new Uint8Array(image.width * image.height);
  const meta = pasteCutPaste(kind, image, out.data, mask, rng, o, sharedWorkspace());
  return { image: out, mask, meta };
}
