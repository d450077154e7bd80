// The whole public API of @ssad/data.
export type { PixelImage } from '@ssad/augment';
export type {
  Dataset,
  DatasetItem,
  DatasetOptions,
  DatasetWarning,
  LoadAllOptions,
  Sample,
  Split,
} from './types.js';
export { DataFileError } from './errors.js';
export { DEFAULT_MAX_PIXELS, decodeImage, decodeMask, type DecodeOptions, type ImageSource } from './decode.js';
export { checkImageContainer, imageDimensions, type ImageFormat } from './container.js';
export { resizeImage, resizeMask } from './resize.js';
export { FIT_MODES, contentBox, cropToContent, fitMask, fitPixels, type ContentBox, type FitMode } from './fit.js';
export { encodePng, writePng, writeMaskPng } from './encode.js';
export { MVTEC_CATEGORIES, type MvtecCategory, listMvtecCategories, openMvtec } from './mvtec.js';
export { openFolderDataset, type FolderDatasetOptions } from './folder.js';
export { IMAGE_EXTENSIONS } from './scan.js';
export {
  SYNTHETIC_CATEGORIES,
  type SyntheticCategory,
  type SyntheticSample,
  renderSyntheticSample,
} from './synthetic/render.js';
export {
  SYNTHETIC_MANIFEST,
  type SyntheticManifest,
  type SyntheticOptions,
  ensureSyntheticDataset,
  generateSyntheticDataset,
} from './synthetic/generate.js';
