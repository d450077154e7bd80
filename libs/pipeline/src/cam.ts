// Adapts the models network + a fitted density into @ssad/viz's GradCamModel, so localisation maps follow the
// score the detector actually uses: the squared Mahalanobis distance of the chosen embedding
// (GaussianDensity.scoreTensor, L2-normalised as in the fit). The network is cut at `camStage`: layer3 (2× finer
// than layer4, the last stage the ImageNet weights cover) or layer2 (4× finer). layer23 is always cut at layer3,
// because forwardFrom returns only the tail (pooled/embedding/logits), not layer3 itself.
import * as tf from '@tensorflow/tfjs';
import type { PixelImage } from '@ssad/augment';
import { imagesToTensor, type GaussianDensity, type Network } from '@ssad/models';
import { gradCam, type GradCamModel } from '@ssad/viz';
import type { CamStage, EmbeddingName } from './options.js';

export function densityCamModel(network: Network, embedding: EmbeddingName, gaussian: GaussianDensity, camStage: CamStage): GradCamModel {
  const cut = embedding === 'layer23' ? 'layer3' : camStage;
  // layer23 needs the (constant w.r.t. layer3) pooled layer2 of the same batch.
  let layer2Pooled: tf.Tensor2D | undefined;
  return {
    stage(x) {
      const o = network.forward(x, { training: false });
      if (embedding === 'layer23') layer2Pooled = tf.mean(o.layer2, [1, 2]) as tf.Tensor2D;
      return o[cut];
    },
    scoreFromStage(a) {
      let e: tf.Tensor2D;
      if (embedding === 'layer23') e = tf.concat([layer2Pooled!, tf.mean(a, [1, 2]) as tf.Tensor2D], 1);
      else {
        const t = network.forwardFrom(cut, a, { training: false });
        e = embedding === 'pooled' ? t.pooled : t.embedding;
      }
      return gaussian.scoreTensor(e);
    },
  };
}

/** Raw (unnormalised) GradCAM maps, one per image, at the images' size (the mask's frame). */
export async function localisationMaps(
  network: Network,
  embedding: EmbeddingName,
  gaussian: GaussianDensity,
  camStage: CamStage,
  images: readonly PixelImage[],
  batchSize: number,
  onBatch?: (done: number, total: number) => void,
): Promise<Float32Array[]> {
  const model = densityCamModel(network, embedding, gaussian, camStage);
  const maps: Float32Array[] = [];
  for (let start = 0; start < images.length; start += batchSize) {
    const x = imagesToTensor(images.slice(start, start + batchSize));
    try {
      maps.push(...(await gradCam(model, x, { batchSize })).maps);
    } finally {
      x.dispose();
    }
    onBatch?.(Math.min(start + batchSize, images.length), images.length);
  }
  return maps;
}
