// PixelImage batches → NHWC float32 tensors in [0, 1] (the network normalises internally).
import * as tf from '@tensorflow/tfjs';
import type { PixelImage } from '@ssad/augment';

export function imagesToTensor(images: readonly PixelImage[]): tf.Tensor4D {
  if (images.length === 0) throw new Error('imagesToTensor: no images');
  const { width, height } = images[0];
  const x = new Float32Array(images.length * width * height * 3);
  images.forEach((img, n) => {
    if (img.width !== width || img.height !== height)
      throw new Error(`imagesToTensor: image ${n} is ${img.width}×${img.height}, expected ${width}×${height}`);
    const base = n * width * height * 3;
    const c = img.channels;
    for (let p = 0; p < width * height; p++) {
      const s = p * c;
      const r = img.data[s];
      x[base + p * 3] = r / 255;
      x[base + p * 3 + 1] = (c >= 3 ? img.data[s + 1] : r) / 255;
      x[base + p * 3 + 2] = (c >= 3 ? img.data[s + 2] : r) / 255;
    }
  });
  return tf.tensor4d(x, [images.length, height, width, 3]);
}
