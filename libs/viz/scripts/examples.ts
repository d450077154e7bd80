// Renders every @ssad/viz figure from the shared MVTec AD bottle images (../shared): `nx run viz:examples`.
// Output goes to libs/viz/examples/ (git-ignored: the images are CC BY-NC-SA and must not be committed).
// The detector here is deliberately small and self-contained (viz does not depend on @ssad/models), and it has
// to run in about a minute on the pure-JS cpu backend: a seeded random 3-layer conv net (frozen: conv backprop on
// the cpu backend takes ~30 s per batch here), a shrunk-covariance Gaussian on its pooled features, GradCAM of the
// Mahalanobis score, and a pretext classifier trained on the frozen features in two stages (linear head, then
// hidden layer + head) for the training curves. The figures show real numbers from real images — but not the
// quality of the real ResNet-18 detector, whose figures come from the pipeline's report.
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { pretextSample, Rng, type PixelImage } from '@ssad/augment';
import { aupro, auroc, f1Max, proCurve, rocCurve } from '@ssad/metrics';
import * as viz from '@ssad/viz';

const shared = path.resolve(process.cwd(), '../shared/data/mvtec_ad_256/bottle');
const outDir = path.resolve(process.cwd(), process.argv[2] ?? 'libs/viz/examples');
const NET = 128; // network input; maps come back in the 256×256 frame of the images and masks
const started = performance.now();
const log = (msg: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${msg}`);

async function load(file: string, size: number): Promise<PixelImage> {
  const img = await loadImage(fs.readFileSync(file));
  const canvas = createCanvas(size, size);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0, size, size);
  const rgba = ctx.getImageData(0, 0, size, size).data;
  const data = new Uint8Array(size * size * 3);
  for (let i = 0; i < size * size; i++) data.set(rgba.subarray(i * 4, i * 4 + 3), i * 3);
  return { width: size, height: size, channels: 3, data };
}

const pngs = (dir: string) => fs.readdirSync(dir).filter((f) => f.endsWith('.png')).sort();

function toTensor(images: PixelImage[], size = NET): tf.Tensor4D {
  const { width, height } = images[0];
  const buf = new Float32Array(images.length * width * height * 3);
  images.forEach((im, i) => buf.set(im.data, i * width * height * 3));
  return tf.tidy(() => {
    const x = tf.tensor4d(buf, [images.length, height, width, 3]).div(255) as tf.Tensor4D;
    return images[0].width === size ? x : tf.image.resizeBilinear(x, [size, size], false, true);
  });
}

/** Inverse of (1 − α)·Σ + α·(tr Σ / d)·I by Gauss-Jordan elimination (d is small here). */
function shrunkPrecision(x: Float32Array, n: number, d: number, mu: Float32Array, alpha: number): Float32Array {
  const a = new Float64Array(d * 2 * d);
  let trace = 0;
  for (let i = 0; i < d; i++)
    for (let j = 0; j < d; j++) {
      let c = 0;
      for (let k = 0; k < n; k++) c += (x[k * d + i] - mu[i]) * (x[k * d + j] - mu[j]);
      a[i * 2 * d + j] = ((1 - alpha) * c) / (n - 1);
      if (i === j) trace += c / (n - 1);
    }
  for (let i = 0; i < d; i++) {
    a[i * 2 * d + i] += (alpha * trace) / d;
    a[i * 2 * d + d + i] = 1;
  }
  for (let col = 0; col < d; col++) {
    const pivot = a[col * 2 * d + col]; // symmetric positive definite: no row swaps needed
    for (let j = 0; j < 2 * d; j++) a[col * 2 * d + j] /= pivot;
    for (let r = 0; r < d; r++) {
      if (r === col) continue;
      const f = a[r * 2 * d + col];
      for (let j = 0; j < 2 * d; j++) a[r * 2 * d + j] -= f * a[col * 2 * d + j];
    }
  }
  const out = new Float32Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i * d + j] = a[i * 2 * d + d + j];
  return out;
}

/** Frozen seeded conv net: three stride-2 3×3 conv + ReLU layers (the GradCAM stage is the last), then GAP. */
function network(rng: Rng) {
  const he = (shape: [number, number, number, number], fanIn: number) =>
    tf.tensor4d(Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal() * Math.sqrt(2 / fanIn)), shape);
  const convs = [he([3, 3, 3, 16], 27), he([3, 3, 16, 32], 144), he([3, 3, 32, 64], 288)];
  const stage = (x: tf.Tensor4D): tf.Tensor4D => convs.reduce((a, w) => tf.relu(tf.conv2d(a, w, 2, 'same')) as tf.Tensor4D, x);
  const pool = (a: tf.Tensor4D) => tf.mean(a, [1, 2]) as tf.Tensor2D;
  return { stage, pool };
}

/** Pretext classifier on frozen features: stage 1 trains a linear head, stage 2 a hidden layer plus the head. */
function classifier(rng: Rng, d: number) {
  const init = (shape: [number, number]) =>
    tf.variable(tf.tensor2d(Float32Array.from({ length: shape[0] * shape[1] }, () => rng.normal() * Math.sqrt(2 / shape[0])), shape));
  const hidden = { w: init([d, d]), b: tf.variable(tf.zeros([d])) };
  const head = { w: init([d, 4]), b: tf.variable(tf.zeros([4])) };
  const logits = (f: tf.Tensor2D, useHidden: boolean) => {
    const h = useHidden ? tf.add(f, tf.relu(tf.add(tf.matMul(f, hidden.w), hidden.b))) : f;
    return tf.add(tf.matMul(h, head.w), head.b) as tf.Tensor2D;
  };
  return { logits, headVars: [head.w, head.b], allVars: [hidden.w, hidden.b, head.w, head.b] };
}

async function main() {
  if (!fs.existsSync(shared)) throw new Error(`examples: ${shared} not found (run from the repo root, with ../shared present)`);
  fs.mkdirSync(outDir, { recursive: true });
  const save = async (name: string, png: Buffer) => {
    await viz.savePng(path.join(outDir, name), png);
    log(`wrote ${path.join(path.relative(process.cwd(), outDir), name)}`);
  };
  const rng = new Rng(2024);
  await tf.ready();
  log(`tfjs backend ${tf.getBackend()}, font ${viz.fontFamily()}`);

  const train = await Promise.all(pngs(`${shared}/train/good`).map((f) => load(`${shared}/train/good/${f}`, 256)));
  const testItems: { name: string; defect: string; image: PixelImage; mask: Uint8Array }[] = [];
  for (const defect of fs.readdirSync(`${shared}/test`).sort())
    for (const f of pngs(`${shared}/test/${defect}`)) {
      const image = await load(`${shared}/test/${defect}/${f}`, 256);
      let mask = new Uint8Array(256 * 256);
      if (defect !== 'good') {
        const m = await load(`${shared}/ground_truth/${defect}/${f.replace('.png', '_mask.png')}`, 256);
        mask = Uint8Array.from({ length: 256 * 256 }, (_, i) => (m.data[i * 3] > 127 ? 1 : 0));
      }
      testItems.push({ name: `${defect}/${f}`, defect, image, mask });
    }
  const labels = Uint8Array.from(testItems, (t) => (t.defect === 'good' ? 0 : 1));
  log(`loaded ${train.length} train, ${testItems.length} test images`);

  // Pretext samples: one kind per row of the grid (label = kind index in 'rect-polygon-scar').
  const kindSample = (label: number) =>
    pretextSample(rng.pick(train), rng, { classes: 'rect-polygon-scar', weights: [0, 1, 2, 3].map((j) => (j === label ? 1 : 0)) });
  await save('pretext_samples.png', viz.renderPretextGrid([0, 1, 2, 3].flatMap((l) => Array.from({ length: 6 }, () => kindSample(l)))));

  const net = network(rng);
  const features = (images: PixelImage[]) =>
    tf.tidy(() => {
      const parts: tf.Tensor2D[] = [];
      for (let i = 0; i < images.length; i += 32) parts.push(net.pool(net.stage(toTensor(images.slice(i, i + 32)))));
      return tf.concat(parts) as tf.Tensor2D;
    });
  // Standardise features with train statistics so the classifier trains at one learning rate.
  const trainEmb = features(train);
  const { mean, variance } = tf.moments(trainEmb, 0);
  const standard = (f: tf.Tensor2D) => tf.tidy(() => tf.div(tf.sub(f, mean), tf.sqrt(tf.add(variance, 1e-6))) as tf.Tensor2D);

  // Two-stage pretext training on frozen features (fresh pretext samples every batch).
  const d = trainEmb.shape[1];
  const clf = classifier(rng, d);
  const stages: viz.TrainingStage[] = [];
  for (const [name, vars, epochs, lr, useHidden] of [
    ['stage 1: linear head', clf.headVars, 5, 0.02, false],
    ['stage 2: hidden layer + head', clf.allVars, 8, 0.01, true],
  ] as const) {
    const opt = tf.train.adam(lr);
    const loss: number[] = [];
    const accuracy: number[] = [];
    for (let e = 0; e < epochs; e++) {
      const samples = Array.from({ length: 96 }, () => pretextSample(rng.pick(train), rng, { classes: 'rect-polygon-scar' }));
      const f = standard(features(samples.map((s) => s.image)));
      const y = tf.oneHot(tf.tensor1d(samples.map((s) => s.label), 'int32'), 4);
      let correct = 0;
      const cost = opt.minimize(() => {
        const logits = clf.logits(f, useHidden);
        const pred = tf.argMax(logits, 1).dataSync();
        correct = samples.filter((s, i) => s.label === pred[i]).length;
        return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
      }, true, [...vars]);
      loss.push(cost!.dataSync()[0]);
      accuracy.push(correct / samples.length);
      tf.dispose([f, y, cost!]);
    }
    stages.push({ name, loss, accuracy });
    opt.dispose();
    log(`${name}: loss ${loss.at(-1)!.toFixed(3)}, accuracy ${accuracy.at(-1)!.toFixed(2)}`);
  }
  await save('training_curves.png', viz.renderTrainingCurves(stages, { title: 'bottle (example net): pretext training' }));

  // Gaussian on the pooled features of the train images: covariance shrunk towards a scaled identity, inverted.
  const meanArr = mean.dataSync() as Float32Array;
  const precision = shrunkPrecision(trainEmb.dataSync() as Float32Array, train.length, d, meanArr, 0.1);
  const gaussian = { mean: meanArr, precision };

  // GradCAM of the density score, maps in the 256×256 frame of the masks.
  const camModel: viz.GradCamModel = {
    stage: net.stage,
    scoreFromStage: (a) => viz.mahalanobisTarget(net.pool(a), gaussian),
  };
  const x = toTensor(testItems.map((t) => t.image));
  const cam = await viz.gradCam(camModel, x, { outputSize: { width: 256, height: 256 }, batchSize: 16 });
  x.dispose();
  const scores = cam.scores;
  log(`GradCAM: ${cam.maps.length} maps, image AUROC ${auroc(scores, labels).toFixed(3)}`);

  const roc = rocCurve(scores, labels);
  const best = f1Max(scores, labels);
  const at = roc.thresholds.findIndex((t) => t <= best.threshold);
  await save('roc.png', viz.renderRoc(
    { fpr: roc.fpr, tpr: roc.tpr, auroc: auroc(scores, labels), label: 'example net', threshold: { fpr: roc.fpr[at], tpr: roc.tpr[at], value: best.threshold } },
    { title: 'bottle (example net): image ROC' },
  ));
  const size = { width: 256, height: 256 };
  const defective = testItems.flatMap((_, i) => (labels[i] ? [i] : []));
  const pro = proCurve(cam.maps, testItems.map((t) => t.mask), { size });
  const auPro = aupro(cam.maps, testItems.map((t) => t.mask), { size, fprLimit: 0.3 });
  await save('pro.png', viz.renderPro({ fpr: pro.fpr, pro: pro.pro, aupro: auPro, label: 'GradCAM' }, { title: 'bottle (example net): PRO curve' }));
  await save('score_histogram.png', viz.renderScoreHistogram({ scores, labels, threshold: best.threshold }, { title: 'bottle (example net): anomaly scores' }));

  const range = viz.mapRange(cam.maps); // one range for the whole test set, not per image
  const norm = viz.normalizeMaps(cam.maps, range);
  const good = testItems.flatMap((_, i) => (labels[i] ? [] : [i]));
  const picks = [good[0], good[5], ...defective.filter((_, k) => k % 16 === 3)];
  const rows: viz.HeatmapRow[] = picks.map((i) => ({
    image: testItems[i].image,
    heatmap: norm[i],
    gtMask: testItems[i].mask,
    predMask: viz.heatmapToMask(norm[i], 0.5),
    score: scores[i],
    label: testItems[i].defect,
    name: testItems[i].name,
  }));
  await save('heatmap_and_masks.png', viz.renderHeatmapRows(rows, { title: 'bottle (example net): image | ground truth | GradCAM | prediction', range }));

  // t-SNE of embeddings: train good, test good, test defect, and artificial samples of each kind.
  const artificial = [1, 2, 3].flatMap((l) => Array.from({ length: 40 }, () => kindSample(l)));
  const testEmb = features(testItems.map((t) => t.image));
  const artEmb = features(artificial.map((s) => s.image));
  const all = tf.concat([trainEmb, testEmb, artEmb]);
  const groups = Uint8Array.from([
    ...train.map(() => 0),
    ...testItems.map((t) => (t.defect === 'good' ? 1 : 2)),
    ...artificial.map((s) => 2 + s.label),
  ]);
  const t0 = performance.now();
  const points = viz.embed2d(all.dataSync() as Float32Array, groups.length, d, { rng: new Rng(7) });
  log(`t-SNE of ${groups.length} points: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await save('tsne.png', viz.renderScatter({ points, groups }, { title: 'bottle (example net): t-SNE of pooled features' }));
  tf.dispose([trainEmb, mean, variance, testEmb, artEmb, all]);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
