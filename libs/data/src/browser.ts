// @ssad/data in a browser (the package's "browser" export): fitting decoded pixels to a detector's input size
// and resizing masks, the same code Node runs after its decoder. Files, decoders and datasets need Node (index.ts).
export type { PixelImage } from '@ssad/augment';
export { resizeImage, resizeMask } from './resize.js';
export { FIT_MODES, contentBox, cropToContent, fitMask, fitPixels, type ContentBox, type FitMode } from './fit.js';
