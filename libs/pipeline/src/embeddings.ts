// Every embedding the detector could score, from one forward pass per batch (models' embeddingOf: pooled layer4,
// head output, pooled layer2 ‖ layer3).
import * as tf from '@tensorflow/tfjs';
import type { PixelImage } from '@ssad/augment';
import { embeddingOf, imagesToTensor, type Network } from '@ssad/models';
import { EMBEDDINGS, type EmbeddingName } from './options.js';
import { MODEL_EMBEDDING } from './saved-detector.js';

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
      return Object.fromEntries(EMBEDDINGS.map((e) => [e, embeddingOf(o, MODEL_EMBEDDING[e])])) as Record<EmbeddingName, tf.Tensor2D>;
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
