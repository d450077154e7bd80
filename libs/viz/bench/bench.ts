// `nx run viz:bench`: t-SNE time for the report's 1,000 points, GradCAM throughput, figure render times.
// `... viz:bench -- --reference` also times tsne-js 1.0.3 on the same data (slow: ~100 s here).
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ssad/augment';
import * as viz from '@ssad/viz';

const time = <T>(fn: () => T): [T, number] => {
  const t0 = performance.now();
  const r = fn();
  return [r, performance.now() - t0];
};
const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

async function main() {
  await tf.ready();
  console.log(`viz bench — tfjs backend ${tf.getBackend()}, font ${viz.fontFamily()}, node ${process.version}`);

  // t-SNE: 1,000 points of 128 dims in 4 clusters → PCA 50 → t-SNE 1,000 iterations.
  const rng = new Rng(1);
  const n = 1000;
  const dims = 128;
  const x = new Float32Array(n * dims);
  for (let i = 0; i < n; i++) for (let c = 0; c < dims; c++) x[i * dims + c] = rng.normal() + (c % 4 === i % 4 ? 3 : 0);
  const [reduced, pcaMs] = time(() => viz.pcaReduce(x, n, dims, 50));
  const [, tsneMs] = time(() => viz.tsne(reduced.data, n, reduced.dims, { rng: new Rng(2) }));
  console.log(`t-SNE ${n} points: PCA ${dims}→50 ${fmtMs(pcaMs)}, t-SNE 50→2 (1000 iterations) ${fmtMs(tsneMs)}, total ${fmtMs(pcaMs + tsneMs)} (target ≤ 12 s, scikit-learn Barnes-Hut)`);
  if (process.argv.includes('--reference')) {
    const { default: TSNE } = await import('tsne-js');
    const rows = Array.from({ length: n }, (_, i) => Array.from(reduced.data.subarray(i * 50, (i + 1) * 50)));
    const model = new TSNE({ dim: 2, perplexity: 30, earlyExaggeration: 4, learningRate: 100, nIter: 500, metric: 'euclidean' });
    const [, refMs] = time(() => {
      model.init({ data: rows, type: 'dense' });
      model.run();
    });
    console.log(`tsne-js 1.0.3 reference, same ${n}×50 input, 500 iterations: ${fmtMs(refMs)}`);
  }

  // GradCAM: a 3-layer stride-2 conv net on 128×128 RGB, batches of 16.
  const w = [
    tf.randomNormal([3, 3, 3, 16], 0, 0.3, 'float32', 1),
    tf.randomNormal([3, 3, 16, 32], 0, 0.1, 'float32', 2),
    tf.randomNormal([3, 3, 32, 64], 0, 0.08, 'float32', 3),
  ] as tf.Tensor4D[];
  const head = tf.randomNormal([64, 4], 0, 0.1, 'float32', 4) as tf.Tensor2D;
  const model: viz.GradCamModel = {
    stage: (input) => w.reduce((a, k) => tf.relu(tf.conv2d(a, k, 2, 'same')) as tf.Tensor4D, input),
    scoreFromStage: (a) => viz.logitTarget(tf.matMul(tf.mean(a, [1, 2]) as tf.Tensor2D, head)),
  };
  const batch = tf.randomUniform([32, 128, 128, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
  await viz.gradCam(model, batch.slice(0, 2) as tf.Tensor4D); // warm-up
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  await viz.gradCam(model, batch, { batchSize: 16, outputSize: { width: 256, height: 256 } });
  const camMs = performance.now() - t0;
  console.log(`GradCAM: 32 images 128×128 → 256×256 maps in ${fmtMs(camMs)} = ${((32 * 1000) / camMs).toFixed(1)} maps/s; tensor leak ${tf.memory().numTensors - before}`);
  tf.dispose([...w, head, batch]);

  // Figures.
  const scores = Float64Array.from({ length: 400 }, (_, i) => rng.normal() + (i % 2) * 2);
  const labels = Uint8Array.from({ length: 400 }, (_, i) => i % 2);
  const fpr = Float64Array.from({ length: 401 }, (_, i) => i / 400);
  const img = { width: 256, height: 256, channels: 3 as const, data: new Uint8Array(256 * 256 * 3).fill(120) };
  const heat = Float32Array.from({ length: 256 * 256 }, (_, i) => ((i % 256) / 255) * (Math.floor(i / 256) / 255));
  const rows = Array.from({ length: 6 }, () => ({ image: img, heatmap: heat, gtMask: viz.heatmapToMask(heat, 0.6), predMask: viz.heatmapToMask(heat, 0.5), score: 1, label: 'x' }));
  const pts = Float64Array.from({ length: 2000 }, () => rng.normal());
  const groups = Uint8Array.from({ length: 1000 }, (_, i) => i % 6);
  const figures: [string, () => Buffer][] = [
    ['ROC', () => viz.renderRoc({ fpr, tpr: fpr.map(Math.sqrt), auroc: 0.9, threshold: { fpr: 0.1, tpr: 0.3, value: 1 } })],
    ['PRO', () => viz.renderPro({ fpr, pro: fpr.map(Math.sqrt), aupro: 0.9 })],
    ['training curves (2 stages, 30 epochs)', () => viz.renderTrainingCurves([{ name: 'a', loss: Array.from({ length: 10 }, (_, e) => 1 / (e + 1)), accuracy: Array(10).fill(0.5) }, { name: 'b', loss: Array(20).fill(0.1), accuracy: Array(20).fill(0.9) }])],
    ['score histogram (400 scores)', () => viz.renderScoreHistogram({ scores, labels, threshold: 1 })],
    ['t-SNE scatter (1,000 points)', () => viz.renderScatter({ points: pts, groups })],
    ['heatmap_and_masks (6 rows of 256×256)', () => viz.renderHeatmapRows(rows)],
    ['pretext grid (4×6 of 256×256)', () => viz.renderPretextGrid(Array.from({ length: 24 }, (_, i) => ({ image: img, mask: rows[0].gtMask, label: i % 4 })))],
  ];
  for (const [name, fn] of figures) {
    fn();
    const [png, ms] = time(fn);
    console.log(`render ${name}: ${fmtMs(ms)} (${(png.length / 1024).toFixed(0)} KiB PNG)`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
