import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './backend.js';
import { exportLayersModel, loadExportedModel } from './export.js';
import { Network } from './network.js';
import { TrainStep } from './step.js';
import { Rng } from '@ssad/augment';

it('exports to model.json + weights.bin that plain tfjs loads with the same outputs', async () => {
  await initBackend();
  const net = new Network({ headWidths: [16, 8], seed: 3 });
  // A few steps so running statistics and BatchNorm affine parameters are not at their initial values.
  net.setFrozen(net.backboneParamNames().filter((n) => !n.startsWith('layer4')));
  const step = new TrainStep(net, 32, 32);
  const rng = new Rng(1);
  for (let i = 0; i < 2; i++) step.run({ x: Float32Array.from({ length: 4 * 32 * 32 * 3 }, () => rng.uniform()), y: new Int32Array([0, 1, 2, 0]) }, 0.05);
  step.dispose();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'export-'));
  exportLayersModel(net, dir);
  expect(fs.readdirSync(dir).sort()).toEqual(['model.json', 'weights.bin']);
  const model = await loadExportedModel(dir);
  const x = tf.tensor4d(Float32Array.from({ length: 2 * 48 * 40 * 3 }, () => rng.uniform()), [2, 48, 40, 3]);
  const [logits, embedding, pooled] = model.predict(x) as tf.Tensor[];
  const want = net.forward(x);
  const rel = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.norm(tf.sub(a, b)).dataSync()[0] / tf.norm(b).dataSync()[0]);
  expect(rel(logits, want.logits)).toBeLessThan(1e-4);
  expect(rel(embedding, want.embedding)).toBeLessThan(1e-4);
  expect(rel(pooled, want.pooled)).toBeLessThan(1e-4);
  tf.dispose([x, logits, embedding, pooled, ...Object.values(want)]);
  model.dispose();
  net.dispose();
  fs.rmSync(dir, { recursive: true });
  await expect(loadExportedModel(dir)).rejects.toThrow(/model\.json: cannot read the exported model/);
});
