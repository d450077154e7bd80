export { Rng, type WritableArrayLike } from './rng.js';
export { type PixelImage, assertPixelImage, cloneImage } from './image.js';
export type { Range } from './validate.js';
export {
  JITTER_DEFAULTS,
  applyJitter,
  colorJitter,
  sampleJitter,
  type JitterOp,
  type JitterOptions,
  type JitterParams,
} from './jitter.js';
export { PATCH_DEFAULTS, type Box, type PatchSizeOptions } from './patch.js';
export { convexHull, randomConvexPolygon, rasterizePolygon } from './polygon.js';
export {
  cutPaste,
  cutPastePolygon,
  type AugmentResult,
  type CutPasteMeta,
  type CutPasteOptions,
  type PolygonCutPasteOptions,
} from './cutpaste.js';
export { SCAR_DEFAULTS, largestScarBox, scar, type ScarFill, type ScarMeta, type ScarOptions } from './scar.js';
export { rotate90, type Rotation } from './rotate.js';
export {
  PRETEXT_CLASSES,
  pretextSample,
  resolvePretextOptions,
  type PretextClasses,
  type PretextKind,
  type PretextMeta,
  type PretextOptions,
  type PretextSample,
  type ResolvedPretext,
} from './sampler.js';
export { fillPretextBatch, type BatchOptions } from './batch.js';
