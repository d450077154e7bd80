/** An 8-bit image, HWC row-major: pixel (x, y) channel k is `data[(y * width + x) * channels + k]`. */
export interface PixelImage {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  data: Uint8Array | Uint8ClampedArray;
}

/** Throws an Error naming `name` when `image` is not a well-formed PixelImage. */
export function assertPixelImage(image: PixelImage, name = 'image'): void {
  if (image === null || typeof image !== 'object') throw new Error(`${name} must be a PixelImage object`);
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new Error(`${name}: width and height must be integers >= 1 (got ${width}×${height})`);
  }
  if (channels !== 1 && channels !== 3 && channels !== 4) {
    throw new Error(`${name}: channels must be 1, 3 or 4 (got ${String(channels)})`);
  }
  if (!(data instanceof Uint8Array) && !(data instanceof Uint8ClampedArray)) {
    throw new Error(`${name}: data must be a Uint8Array or Uint8ClampedArray`);
  }
  if (data.length !== width * height * channels) {
    throw new Error(
      `${name}: data length must be width*height*channels = ${width * height * channels} (got ${data.length})`,
    );
  }
}

/** A deep copy with a fresh Uint8Array. */
export function cloneImage(image: PixelImage): PixelImage {
  return { width: image.width, height: image.height, channels: image.channels, data: new Uint8Array(image.data) };
}
