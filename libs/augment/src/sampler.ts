// The pretext task: a label drawn first (0 normal, then one class per transform), its transform, then a random
// rotation by a multiple of 90° applied to every sample.
import {
  pasteCutPaste,
  resolveCutPasteOptions,
  type CutPasteMeta,
  type PolygonCutPasteOptions,
  type ResolvedCutPaste,
} from './cutpaste.js';
import { assertPixelImage, type PixelImage } from './image.js';
import type { JitterOptions } from './jitter.js';
import type { Box } from './patch.js';
import { checkRotation, rotateInto, rotationStrides, type Rotation } from './rotate.js';
import type { Rng } from './rng.js';
import { assertScarFits, pasteScar, resolveScarOptions, type ResolvedScar, type ScarMeta, type ScarOptions } from './scar.js';
import { sharedWorkspace, type Workspace } from './workspace.js';

export type PretextKind = 'normal' | 'rect' | 'polygon' | 'scar';

/** Class layouts: label 0 is always 'normal'. */
export type PretextClasses = 'polygon-scar' | 'rect-scar' | 'rect-polygon-scar';

export const PRETEXT_CLASSES: Readonly<Record<PretextClasses, readonly PretextKind[]>> = Object.freeze({
  'polygon-scar': ['normal', 'polygon', 'scar'],
  'rect-scar': ['normal', 'rect', 'scar'],
  'rect-polygon-scar': ['normal', 'rect', 'polygon', 'scar'],
});

export interface PretextOptions {
  /** Which transform each label means. Default 'polygon-scar': 0 normal, 1 polygon CutPaste, 2 scar. */
  classes?: PretextClasses;
  /** Relative label weights, one per class, >= 0 with a positive sum. Default all equal. */
  weights?: readonly number[];
  /** Options of the rectangle and polygon CutPaste (area, aspect, points, antialias, jitter). */
  cutPaste?: PolygonCutPasteOptions;
  /** Options of the scar (width, height, angle, fill, color, jitter). */
  scar?: ScarOptions;
  /** Jitter strengths used where cutPaste.jitter / scar.jitter are not given. Default 0.3 each. */
  jitter?: JitterOptions;
  /** The rotations to draw from, uniformly. Default [0, 90, 180, 270]. */
  rotations?: readonly Rotation[];
}

export type PretextMeta =
  | { kind: 'normal'; rotation: Rotation }
  | (CutPasteMeta & { rotation: Rotation })
  | (ScarMeta & { rotation: Rotation });

/**
 * A pretext sample. `mask` (0/1, image.width × image.height) marks the pixels the transform replaced, in the
 * final rotated frame; positions in `meta` are in the source image's frame, before the rotation.
 */
export interface PretextSample {
  image: PixelImage;
  label: number;
  mask: Uint8Array;
  meta: PretextMeta;
}

/** Validated options, reusable across calls (see resolvePretextOptions). */
export interface ResolvedPretext {
  kinds: readonly PretextKind[];
  cumulative: Float64Array;
  cutPaste: ResolvedCutPaste;
  scar: ResolvedScar;
  rotations: readonly Rotation[];
  usesScar: boolean;
}

export function resolvePretextOptions(options: PretextOptions = {}): ResolvedPretext {
  const classes = options.classes ?? 'polygon-scar';
  const kinds = PRETEXT_CLASSES[classes];
  if (!kinds) {
    throw new Error(`options.classes must be one of ${Object.keys(PRETEXT_CLASSES).join(', ')} (got ${String(classes)})`);
  }
  const weights = options.weights ?? kinds.map(() => 1);
  if (
    weights.length !== kinds.length ||
    !weights.every((w) => typeof w === 'number' && Number.isFinite(w) && w >= 0) ||
    !weights.some((w) => w > 0)
  ) {
    throw new Error(
      `options.weights must be ${kinds.length} finite numbers >= 0 with a positive sum, one per class ` +
        `(${kinds.join(', ')}) (got ${JSON.stringify(weights)})`,
    );
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const cumulative = new Float64Array(kinds.length);
  let acc = 0;
  weights.forEach((w, i) => {
    acc += w / total;
    cumulative[i] = acc;
  });
  cumulative[kinds.length - 1] = 1;
  const rotations = options.rotations ?? [0, 90, 180, 270];
  if (!Array.isArray(rotations) || rotations.length === 0) {
    throw new Error(`options.rotations must be a non-empty array of 0, 90, 180, 270 (got ${JSON.stringify(rotations)})`);
  }
  rotations.forEach((r, i) => checkRotation(`options.rotations[${i}]`, r));
  const cutPaste = resolveCutPasteOptions({ jitter: options.jitter, ...options.cutPaste }, 'options.cutPaste');
  const scar = resolveScarOptions({ jitter: options.jitter, ...options.scar }, 'options.scar');
  const usesScar = kinds.some((k, i) => k === 'scar' && weights[i]! > 0);
  return { kinds, cumulative, cutPaste, scar, rotations: rotations.slice(), usesScar };
}

/** Checks what depends on the image size: a scar that can be drawn must fit. */
export function assertPretextFits(o: ResolvedPretext, width: number, height: number): void {
  if (o.usesScar) assertScarFits(o.scar, width, height, 'options.scar');
}

export function drawLabel(rng: Rng, o: ResolvedPretext): number {
  const u = rng.uniform();
  let label = 0;
  while (u >= o.cumulative[label]!) label++;
  return label;
}

/**
 * Draws label, transform and rotation for `src`, writing the unrotated result into `work` (overwritten with a
 * copy of `src` first) and, if given, the unrotated mask into `mask` (zeroed first).
 */
export function drawPretextInto(
  src: PixelImage,
  rng: Rng,
  o: ResolvedPretext,
  work: Uint8Array,
  mask: Uint8Array | null,
  ws: Workspace,
): { label: number; meta: PretextMeta } {
  const label = drawLabel(rng, o);
  const kind = o.kinds[label]!;
  work.set(src.data);
  if (mask) mask.fill(0);
  let meta: PretextMeta;
  if (kind === 'normal') meta = { kind: 'normal', rotation: 0 };
  else if (kind === 'scar') meta = { ...pasteScar(src, work, mask, rng, o.scar, ws), rotation: 0 };
  else meta = { ...pasteCutPaste(kind, src, work, mask, rng, o.cutPaste, ws), rotation: 0 };
  meta.rotation = o.rotations.length === 1 ? o.rotations[0]! : rng.pick(o.rotations);
  return { label, meta };
}

/** One pretext sample from `image`; `options` may be a ResolvedPretext to skip validation in loops. */
export function pretextSample(image: PixelImage, rng: Rng, options: PretextOptions | ResolvedPretext = {}): PretextSample {
  assertPixelImage(image);
  const o = isResolved(options) ? options : resolvePretextOptions(options);
  assertPretextFits(o, image.width, image.height);
  const { width: W, height: H, channels: c } = image;
  const ws = sharedWorkspace();
  const work = ws.image(W * H * c);
  const mask0 = ws.mask(W * H);
  const { label, meta } = drawPretextInto(image, rng, o, work, mask0, ws);
  const r = meta.rotation;
  const mask = new Uint8Array(W * H);
  // Only the target box can hold changed pixels: it alone is carried over into the final frame.
  if (meta.kind !== 'normal') copyBoxRotated(mask0, W, H, meta.target, r, mask);
  if (r === 0) return { image: { width: W, height: H, channels: c, data: work.slice() }, label, mask, meta };
  const swap = r === 90 || r === 270;
  return {
    image: {
      width: swap ? H : W,
      height: swap ? W : H,
      channels: c,
      data: rotateInto(work, W, H, c, r, new Uint8Array(work.length)),
    },
    label,
    mask,
    meta,
  };
}

/** Writes the 1s of `box` in `mask` (width × height) to `out` through the rotation's index mapping. */
function copyBoxRotated(mask: Uint8Array, width: number, height: number, box: Box, rotation: Rotation, out: Uint8Array): void {
  const { base, dx, dy } = rotationStrides(width, height, rotation);
  for (let y = box.y; y < box.y + box.height; y++) {
    let s = y * width + box.x;
    let d = base + y * dy + box.x * dx;
    for (let x = 0; x < box.width; x++, s++, d += dx) if (mask[s] !== 0) out[d] = 1;
  }
}

function isResolved(o: PretextOptions | ResolvedPretext): o is ResolvedPretext {
  return (o as ResolvedPretext).cumulative instanceof Float64Array;
}
