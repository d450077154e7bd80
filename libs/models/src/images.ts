// Pixels → the network's input tensor.
import * as tf from '@tensorflow/tfjs';
import type { PixelImage } from '@ssad/augment';

/**
 * PixelImages (1, 3 or 4 channels, any size) → NHWC float32 in [0, 1] at `size` (default: the first image's).
 * Images already at that size are written straight into one typed array; others go through a bilinear resize.
 */
export function imagesToTensor(images: readonly PixelImage[], size?: { height: number; width: number }): tf.Tensor4D {
  if (images.length === 0) throw new Error('imagesToTensor: images is empty');
  const { height, width } = size ?? images[0]!;
  const plane = height * width * 3;
  const x = new Float32Array(images.length * plane);
  images.forEach((img, i) => {
    const { channels, data } = img;
    if (![1, 3, 4].includes(channels) || data.length !== img.width * img.height * channels)
      throw new Error(`images[${i}]: expected ${img.width}×${img.height}×${channels} pixels with channels 1, 3 or 4 (got ${data.length} values, channels ${channels})`);
    if (img.height === height && img.width === width) writeRgb(img, x, i * plane);
    else x.set(resizedRgb(img, height, width), i * plane);
  });
  return tf.tensor4d(x, [images.length, height, width, 3]);
}

function writeRgb({ channels: c, data }: PixelImage, out: Float32Array, offset: number): void {
  const end = offset + (data.length / c) * 3;
  for (let p = 0, o = offset; o < end; p += c, o += 3) {
    out[o] = data[p]! / 255;
    out[o + 1] = data[c >= 3 ? p + 1 : p]! / 255;
    out[o + 2] = data[c >= 3 ? p + 2 : p]! / 255;
  }
}

function resizedRgb(img: PixelImage, height: number, width: number): Float32Array {
  const rgb = new Float32Array(img.width * img.height * 3);
  writeRgb(img, rgb, 0);
  return tf.tidy(() =>
    tf.image.resizeBilinear(tf.tensor3d(rgb, [img.height, img.width, 3]), [height, width], false, true).dataSync() as Float32Array,
  );
}
