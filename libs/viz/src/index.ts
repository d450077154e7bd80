// Public API of @ssad/viz.
export { gradCam, type GradCamModel, type GradCamOptions, type GradCamResult } from './gradcam/gradcam.js';
export { logitTarget, mahalanobisTarget, type GaussianParams } from './gradcam/targets.js';
export { mapRange, normalizeMap, normalizeMaps, heatmapToMask, type MapRange } from './maps/normalize.js';
export { resizeMap } from './maps/resize.js';
export { colormap, lutIndex, type ColormapName, type ColormapLut } from './color/colormap.js';
export { tsne, type TsneOptions } from './embed/tsne.js';
export { embed2d, pcaReduce, type EmbedOptions } from './embed/embed.js';
export { toRgba, overlayHeatmap, maskOutline, resizeMask, type OverlayOptions, type Rgb } from './image/pixels.js';
export { fontFamily, savePng, PALETTE } from './plot/canvas.js';
export { niceTicks } from './plot/axes.js';
export type { FigureOptions } from './figures/common.js';
export { renderRoc, type RocSeries } from './figures/roc.js';
export { renderPro, type ProSeries, type ProOptions } from './figures/pro.js';
export { renderTrainingCurves, type TrainingStage } from './figures/training.js';
export {
  renderScoreHistogram,
  GOOD_FILL,
  DEFECT_FILL,
  type ScoreHistogramInput,
  type HistogramOptions,
} from './figures/histogram.js';
export { renderScatter, EMBEDDING_GROUPS, type ScatterInput } from './figures/scatter.js';
export {
  renderHeatmapRows,
  GT_COLOR,
  PRED_COLOR,
  type HeatmapRow,
  type HeatmapRowsOptions,
} from './figures/heatmap-rows.js';
export { renderPrediction, type PredictionFigure } from './figures/prediction.js';
export { renderPretextGrid, OUTLINE_COLOR, type PretextGridSample, type PretextGridOptions } from './figures/pretext-grid.js';
