// @ssad/metrics public API.
export type { Scores } from './internal/binary-counts.js';
export { auroc, rocCurve, type RocCurve } from './roc.js';
export { f1AtThreshold, f1Max, precisionRecallCurve, type F1Result, type PrecisionRecallCurve } from './pr.js';
export type { AnomalyMaps, GroundTruthMasks, MaskMap, ScoreMap, SizeOptions, Stack } from './images.js';
export { aupro, proCurve, type AuproOptions, type ProCurve } from './pro.js';
export { pixelAuroc, pixelMetrics, type PixelMetrics } from './pixel-auroc.js';
export { imageScores, type ImageScoreOptions } from './image-scores.js';
export { summarize, type SummarizeOptions, type Summary } from './summarize.js';
