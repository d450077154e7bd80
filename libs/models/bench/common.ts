// Shared by bench.ts and doctor.ts: time training steps and inference of the real network on synthetic input.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ssad/augment';
import { Network, TrainStep } from '../src/index.js';

export function randomBatch(n: number, size: number, seed: number) {
  const rng = new Rng(seed);
  const x = new Float32Array(n * size * size * 3);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform();
  const y = Int32Array.from({ length: n }, (_, i) => i % 3);
  return { x, y };
}

/** Mean seconds per training step over `steps` after one warm-up step. */
export function timeTrainSteps(size: number, batch: number, opts: { frozen: boolean; steps: number; microBatch?: number }): number {
  const net = new Network();
  if (opts.frozen) net.setFrozen(net.backboneParamNames());
  const step = new TrainStep(net, size, size, { microBatch: opts.microBatch });
  const data = randomBatch(batch, size, 1);
  step.run(data, 0.001);
  const t0 = performance.now();
  for (let i = 0; i < opts.steps; i++) step.run(data, 0.001);
  const s = (performance.now() - t0) / 1000 / opts.steps;
  step.dispose();
  net.dispose();
  return s;
}

/** Images per second of eval-mode forward passes (folded BatchNorm). */
export function timeInference(size: number, batch: number, reps: number): number {
  const net = new Network();
  const x = tf.tensor4d(randomBatch(batch, size, 2).x, [batch, size, size, 3]);
  const run = () => tf.tidy(() => net.forward(x).logits.dataSync());
  run();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) run();
  const s = (performance.now() - t0) / 1000;
  x.dispose();
  net.dispose();
  return (batch * reps) / s;
}

export const peakRssMiB = () => process.resourceUsage().maxRSS / 1024;
