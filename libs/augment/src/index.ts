export { Rng, type WritableArrayLike } from './rng.js';
export { type PixelImage, assertPixelImage, cloneImage } from './image.js';
