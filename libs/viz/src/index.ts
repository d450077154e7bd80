// Public API of @ssad/viz.
export { gradCam, type GradCamModel, type GradCamOptions, type GradCamResult } from './gradcam/gradcam.js';
export { logitTarget, mahalanobisTarget, type GaussianParams } from './gradcam/targets.js';
export { mapRange, normalizeMap, normalizeMaps, heatmapToMask, type MapRange } from './maps/normalize.js';
export { resizeMap } from './maps/resize.js';
export { colormap, lutIndex, type ColormapName, type ColormapLut } from './color/colormap.js';
export { tsne, type TsneOptions } from './embed/tsne.js';
export { embed2d, pcaReduce, type EmbedOptions } from './embed/embed.js';
