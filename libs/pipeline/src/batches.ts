// Pretext batches for the trainer: an async iterable of { x, y } filled by @ssad/augment from the normal
// training images. Fresh buffers per batch, because the consumer may still hold the previous one.
import { fillPretextBatch, type PixelImage, type Rng } from '@ssad/augment';

export interface PretextBatch {
  x: Float32Array;
  y: Int32Array;
}

export async function* pretextBatches(images: readonly PixelImage[], rng: Rng, batchSize: number, count: number): AsyncGenerator<PretextBatch> {
  const { width, height } = images[0];
  for (let i = 0; i < count; i++) {
    const out = { x: new Float32Array(batchSize * width * height * 3), y: new Int32Array(batchSize) };
    fillPretextBatch(images, rng, out);
    yield out;
    // Let I/O and signal handlers run between batches.
    await new Promise((r) => setImmediate(r));
  }
}
