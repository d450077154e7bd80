// GradCAM (Selvaraju et al. 2017) for any model split at a convolutional stage. The model is a plain interface
// so this file knows nothing about the ResNet in @ssad/models: the pipeline adapts its network (class logit,
// largest non-normal logit or density score) into a GradCamModel.
import * as tf from '@tensorflow/tfjs';

/** A network cut at one stage: `stage` runs up to it, `scoreFromStage` maps its activation to one score per image. */
export interface GradCamModel {
  stage(x: tf.Tensor4D): tf.Tensor4D;
  scoreFromStage(activation: tf.Tensor4D): tf.Tensor1D;
}

export interface GradCamOptions {
  /** Images per forward/backward pass (default 8). */
  batchSize?: number;
  /** Frame of the returned maps, e.g. the original image size before the test-time resize (default: input size). */
  outputSize?: { width: number; height: number };
}

export interface GradCamResult {
  /** One raw (unnormalised, ≥ 0) map per image, row-major outputSize.width × outputSize.height. */
  maps: Float32Array[];
  /** The target score of each image (the value that was differentiated). */
  scores: Float32Array;
  width: number;
  height: number;
}

/**
 * Maps for a batch x (NHWC). Channel weights are the spatial mean of d score / d activation; the map is
 * ReLU(Σ_c weight_c · activation_c), bilinearly resized (half-pixel centres) to outputSize. x is not disposed.
 */
export async function gradCam(
  model: GradCamModel,
  x: tf.Tensor4D,
  options: GradCamOptions = {},
): Promise<GradCamResult> {
  if (!(x instanceof tf.Tensor) || x.rank !== 4) throw new Error('gradCam: x must be a rank-4 NHWC tf.Tensor');
  const [n, inH, inW] = x.shape;
  const batchSize = options.batchSize ?? 8;
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new Error(`gradCam: options.batchSize must be an integer ≥ 1, got ${batchSize}`);
  const width = options.outputSize?.width ?? inW;
  const height = options.outputSize?.height ?? inH;
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1)
    throw new Error(`gradCam: options.outputSize must have integer width and height ≥ 1, got ${width}×${height}`);

  const maps: Float32Array[] = [];
  const scores = new Float32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const count = Math.min(batchSize, n - start);
    const [camT, scoreT] = camBatch(model, x, start, count, height, width);
    try {
      const [cam, score] = await Promise.all([camT.data(), scoreT.data()]);
      scores.set(score, start);
      for (let i = 0; i < count; i++) {
        const map = Float32Array.from(cam.subarray(i * width * height, (i + 1) * width * height));
        if (!map.every(Number.isFinite))
          throw new Error(`gradCam: map of image ${start + i} is not finite (NaN/Inf gradients from the model)`);
        maps.push(map);
      }
    } finally {
      camT.dispose();
      scoreT.dispose();
    }
  }
  return { maps, scores, width, height };
}

function camBatch(
  model: GradCamModel,
  x: tf.Tensor4D,
  start: number,
  count: number,
  height: number,
  width: number,
): [tf.Tensor, tf.Tensor1D] {
  let score: tf.Tensor1D | undefined;
  try {
    const cam = tf.tidy(() => {
      const xb = count === x.shape[0] ? x : tf.slice(x, [start, 0, 0, 0], [count, -1, -1, -1]);
      const activation = model.stage(xb);
      if (activation.rank !== 4 || activation.shape[0] !== count)
        throw new Error(`gradCam: model.stage returned shape [${activation.shape}], expected [${count}, h, w, c]`);
      // Images are independent, so the gradient of the summed scores holds each image's own gradient.
      // Never throw inside tf.grad: tfjs 4.22 then leaves its tape open and leaks tensors.
      const grads = tf.grad((a: tf.Tensor) => {
        const s = model.scoreFromStage(a as tf.Tensor4D);
        score = tf.keep(s);
        return tf.sum(s);
      })(activation);
      const shape = (score as unknown as tf.Tensor1D).shape;
      if (shape.length !== 1 || shape[0] !== count)
        throw new Error(`gradCam: model.scoreFromStage returned shape [${shape}], expected [${count}]`);
      const weights = tf.mean(grads, [1, 2], true);
      const cam = tf.relu(tf.sum(tf.mul(activation, weights), 3, true)) as tf.Tensor4D;
      return tf.image.resizeBilinear(cam, [height, width], false, true);
    });
    return [cam, score as unknown as tf.Tensor1D];
  } catch (err) {
    (score as tf.Tensor1D | undefined)?.dispose();
    throw err;
  }
}
