import * as tf from '@tensorflow/tfjs';
import { gradCam, type GradCamModel } from './gradcam.js';
import { logitTarget, mahalanobisTarget } from './targets.js';

// 32×32 RGB images: a red 8×8 square in the top-left quadrant, a green one in the bottom-right. The "stage" is a
// colour detector (ReLU(colour − 0.5)) pooled 4×4 → 8×8×3, so GradCAM has to upsample.
const SIZE = 32;
function image(): Float32Array {
  const x = new Float32Array(SIZE * SIZE * 3).fill(0.2);
  for (let y = 0; y < SIZE; y++)
    for (let c = 0; c < SIZE; c++) {
      if (y >= 4 && y < 12 && c >= 4 && c < 12) x[(y * SIZE + c) * 3] = 1; // red
      if (y >= 20 && y < 28 && c >= 20 && c < 28) x[(y * SIZE + c) * 3 + 1] = 1; // green
    }
  return x;
}
const stage = (x: tf.Tensor4D): tf.Tensor4D => tf.avgPool(tf.relu(tf.sub(x, 0.5)) as tf.Tensor4D, 4, 4, 'valid') as tf.Tensor4D;

// The score depends only on one region of the stage grid (rows/cols r0..r1 of the 8×8 activation), quadratically,
// so the channel weights come from what that region contains.
function regionModel(r0: number, r1: number): GradCamModel {
  const mask = new Float32Array(8 * 8);
  for (let y = r0; y < r1; y++) for (let x = r0; x < r1; x++) mask[y * 8 + x] = 1;
  return {
    stage,
    scoreFromStage: (a) =>
      tf.tidy(() => tf.sum(tf.mul(tf.square(a), tf.tensor4d(mask, [1, 8, 8, 1])), [1, 2, 3]) as tf.Tensor1D),
  };
}

function argmax(map: Float32Array): { x: number; y: number } {
  let best = 0;
  for (let i = 1; i < map.length; i++) if (map[i] > map[best]) best = i;
  return { x: best % SIZE, y: Math.floor(best / SIZE) };
}

describe('gradCam', () => {
  const x = tf.tensor4d(new Float32Array([...image(), ...image()]), [2, SIZE, SIZE, 3]);
  afterAll(() => x.dispose());

  it('puts the maximum in the region the score depends on (both regions, batched)', async () => {
    const topLeft = await gradCam(regionModel(0, 4), x, { batchSize: 1 });
    const bottomRight = await gradCam(regionModel(4, 8), x);
    for (const m of topLeft.maps) {
      const p = argmax(m);
      expect(p.x).toBeLessThan(16);
      expect(p.y).toBeLessThan(16);
    }
    for (const m of bottomRight.maps) {
      const p = argmax(m);
      expect(p.x).toBeGreaterThanOrEqual(16);
      expect(p.y).toBeGreaterThanOrEqual(16);
    }
    // The red square is invisible to the bottom-right score: nothing there.
    expect(bottomRight.maps[0][8 * SIZE + 8]).toBe(0);
    expect(topLeft.scores[0]).toBeGreaterThan(0);
    expect(topLeft.scores[0]).toBeCloseTo(topLeft.scores[1], 5);
  });

  it('returns finite, non-negative maps of the input shape, or of outputSize', async () => {
    const r = await gradCam(regionModel(0, 8), x);
    expect(r.maps).toHaveLength(2);
    expect([r.width, r.height]).toEqual([SIZE, SIZE]);
    for (const m of r.maps) {
      expect(m).toHaveLength(SIZE * SIZE);
      expect(m.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
      expect(Math.max(...m)).toBeGreaterThan(0);
    }
    const big = await gradCam(regionModel(0, 4), x, { outputSize: { width: 90, height: 60 } });
    expect([big.width, big.height, big.maps[0].length]).toEqual([90, 60, 90 * 60]);
    const p = argmax(big.maps[0]);
    expect(p.x % 90).toBeLessThan(45);
  });

  it('leaks no tensors, also when the model throws', async () => {
    await gradCam(regionModel(0, 4), x); // warm-up kernels
    const before = tf.memory().numTensors;
    await gradCam(regionModel(0, 4), x, { batchSize: 1 });
    expect(tf.memory().numTensors).toBe(before);
    const bad: GradCamModel = { stage, scoreFromStage: (a) => tf.sum(a, [1, 2]) as unknown as tf.Tensor1D };
    await expect(gradCam(bad, x)).rejects.toThrow(/scoreFromStage returned shape \[2,3\]/);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options with the option name', async () => {
    await expect(gradCam(regionModel(0, 4), x, { batchSize: 0 })).rejects.toThrow(/batchSize/);
    await expect(gradCam(regionModel(0, 4), x, { outputSize: { width: 0, height: 3 } })).rejects.toThrow(/outputSize/);
  });
});

describe('GradCAM targets', () => {
  it("logitTarget picks a class or the largest non-normal logit", () => {
    const logits = tf.tensor2d([[5, 1, 3], [0, 4, 2]]);
    expect(Array.from(logitTarget(logits).dataSync())).toEqual([3, 4]);
    expect(Array.from(logitTarget(logits, 'anomalous', 1).dataSync())).toEqual([5, 2]);
    expect(Array.from(logitTarget(logits, 0).dataSync())).toEqual([5, 0]);
    expect(() => logitTarget(logits, 3)).toThrow(/class index in \[0, 2\]/);
    logits.dispose();
  });

  it('mahalanobisTarget matches the closed form and is differentiable', () => {
    const e = tf.tensor2d([[1, 2], [0, 0]]);
    const gaussian = { mean: new Float32Array([1, 0]), precision: new Float32Array([2, 0, 0, 0.5]) };
    // (0,2): 0·2·0 + 2·0.5·2 = 2 ; (−1,0): 2
    expect(Array.from(mahalanobisTarget(e, gaussian).dataSync())).toEqual([2, 2]);
    expect(mahalanobisTarget(e, gaussian, false).dataSync()[0]).toBeCloseTo(Math.SQRT2, 5);
    const g = tf.grad((t: tf.Tensor) => tf.sum(mahalanobisTarget(t as tf.Tensor2D, gaussian)))(e);
    expect(Array.from(g.dataSync())).toEqual([0, 2, -4, 0]); // 2 P (e − μ)
    expect(() => mahalanobisTarget(e, { mean: new Float32Array(3), precision: new Float32Array(9) })).toThrow(/mean/);
    tf.dispose([e, g]);
  });
});
