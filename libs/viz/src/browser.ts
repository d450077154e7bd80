// @ssad/viz in a browser (the package's "browser" export): the pixel-level parts — colour maps, map normalisation
// and thresholds, heatmap overlays, mask outlines — so a page draws a heatmap exactly as `ssad predict` does.
// Figures (PNG through @napi-rs/canvas), GradCAM and t-SNE stay with Node (index.ts).
export { mapRange, normalizeMap, normalizeMaps, heatmapToMask, type MapRange } from './maps/normalize.js';
export { resizeMap } from './maps/resize.js';
export { colormap, lutIndex, type ColormapName, type ColormapLut } from './color/colormap.js';
export { toRgba, overlayHeatmap, maskOutline, resizeMask, type OverlayOptions, type Rgb } from './image/pixels.js';
