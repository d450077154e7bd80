// Every embedding the detector could score, from one forward pass per batch: the backbone's pooled layer4
// (512-d), the head output (128-d), and globally pooled layer2 ‖ layer3 (384-d; with ImageNet weights up to
// layer3 this is the strong "pretrained features" baseline, since layer4 starts from random values).
import * as tf from '@tensorflow/tfjs';
import type { PixelImage } from '@ssad/augment';
import type { Network } from '@ssad/models';
import type { EmbeddingName } from './options.js';
import { imagesToTensor } from './tensors.js';

export interface EmbeddingSet {
  n: number;
  dims: Record<EmbeddingName, number>;
  /** Row-major n × dims[name]. */
  values: Record<EmbeddingName, Float32Array>;
}

export async function computeEmbeddings(
  network: Network,
  images: readonly PixelImage[],
  batchSize: number,
  onBatch?: (done: number, total: number) => void,
): Promise<EmbeddingSet> {
  const parts: Record<EmbeddingName, Float32Array[]> = { pooled: [], head: [], layer23: [] };
  const dims = { pooled: 0, head: 0, layer23: 0 } as Record<EmbeddingName, number>;
  for (let start = 0; start < images.length; start += batchSize) {
    const batch = images.slice(start, start + batchSize);
    const outs = tf.tidy(() => {
      const x = imagesToTensor(batch);
      const o = network.forward(x, { training: false });
      const layer23 = tf.concat([tf.mean(o.layer2, [1, 2]), tf.mean(o.layer3, [1, 2])], 1);
      return { pooled: o.pooled, head: o.embedding, layer23 } as Record<EmbeddingName, tf.Tensor2D>;
    });
    for (const k of Object.keys(outs) as EmbeddingName[]) {
      dims[k] = outs[k].shape[1];
      parts[k].push((await outs[k].data()) as Float32Array);
      outs[k].dispose();
    }
    onBatch?.(Math.min(start + batchSize, images.length), images.length);
  }
  const values = {} as Record<EmbeddingName, Float32Array>;
  for (const k of Object.keys(parts) as EmbeddingName[]) {
    const out = new Float32Array(images.length * dims[k]);
    let o = 0;
    for (const p of parts[k]) {
      out.set(p, o);
      o += p.length;
    }
    values[k] = out;
  }
  return { n: images.length, dims, values };
}

/** Rows of an n × d matrix. */
export function selectRows(values: Float32Array, d: number, rows: readonly number[]): Float32Array {
  const out = new Float32Array(rows.length * d);
  rows.forEach((r, i) => out.set(values.subarray(r * d, (r + 1) * d), i * d));
  return out;
}
