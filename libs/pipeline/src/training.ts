// Two-stage pretext training of the network: stage 1 with the backbone frozen (BatchNorm in inference mode),
// stage 2 with everything trainable. SGD, momentum 0.9, weight decay added to the gradient (as torch does).
// A checkpoint (weights + position) is written after every epoch; `resume` continues from it.
import fs from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Rng, type PixelImage } from '@ssad/augment';
import { BN_MOMENTUM, type BatchStat, type Network } from '@ssad/models';
import { saveNetworkWeights } from './weights-file.js';
import { pretextBatches } from './batches.js';
import type { OnEvent } from './events.js';
import type { ExperimentOptions } from './options.js';

export interface EpochRecord {
  stage: 'frozen' | 'full';
  epoch: number;
  loss: number;
  accuracy: number;
  seconds: number;
}

export class InterruptedError extends Error {
  override name = 'InterruptedError';
}

interface CheckpointState {
  /** Epochs finished over both stages. */
  done: number;
  history: EpochRecord[];
}

const WEIGHT_DECAY = 3e-5;

export function stepsPerEpoch(o: ExperimentOptions, trainImages: number): number {
  const samples = o.samplesPerEpoch ?? Math.max(1000, trainImages);
  return Math.max(1, Math.ceil(samples / o.batchSize));
}

export async function trainTwoStages(
  network: Network,
  images: readonly PixelImage[],
  o: ExperimentOptions,
  hooks: { checkpointDir: string; resume: boolean; onEvent?: OnEvent; signal?: AbortSignal },
): Promise<EpochRecord[]> {
  const statePath = path.join(hooks.checkpointDir, 'state.json');
  const weightsPath = path.join(hooks.checkpointDir, 'weights.safetensors');
  let state: CheckpointState = { done: 0, history: [] };
  if (hooks.resume && fs.existsSync(statePath)) {
    state = JSON.parse(fs.readFileSync(statePath, 'utf8')) as CheckpointState;
    network.loadWeights(weightsPath, { strict: true });
  }
  const plan: { stage: 'frozen' | 'full'; epoch: number; epochs: number; lr: number }[] = [];
  for (let e = 1; e <= o.frozenEpochs; e++) plan.push({ stage: 'frozen', epoch: e, epochs: o.frozenEpochs, lr: o.lrFrozen });
  for (let e = 1; e <= o.fullEpochs; e++) plan.push({ stage: 'full', epoch: e, epochs: o.fullEpochs, lr: o.lrFull });
  const steps = stepsPerEpoch(o, images.length);
  const startAll = Date.now();
  let stepsRun = 0;
  for (let p = state.done; p < plan.length; p++) {
    const { stage, epoch, epochs, lr } = plan[p];
    network.setFrozen(stage === 'frozen' ? network.backboneParamNames() : []);
    const vars = network.trainableVariables();
    const optimizer = tf.train.momentum(lr, 0.9);
    // Each epoch has its own stream so a resumed run draws the same samples as an uninterrupted one.
    const rng = new Rng(o.seed * 1000 + p);
    const t0 = Date.now();
    let lossSum = 0;
    let correct = 0;
    let seen = 0;
    let step = 0;
    for await (const batch of pretextBatches(images, rng, o.batchSize, steps)) {
      if (hooks.signal?.aborted) throw new InterruptedError(`interrupted in ${stage} epoch ${epoch}; checkpoint: ${hooks.checkpointDir}`);
      const [loss, acc] = trainStep(network, vars, optimizer, batch, images[0].width, images[0].height);
      step++;
      stepsRun++;
      lossSum += loss * batch.y.length;
      correct += acc * batch.y.length;
      seen += batch.y.length;
      const elapsed = (Date.now() - startAll) / 1000;
      const remaining = (plan.length - p) * steps - step;
      hooks.onEvent?.({
        kind: 'step', stage, epoch, epochs, step, steps, loss, accuracy: acc,
        samplesPerSecond: (step * o.batchSize) / ((Date.now() - t0) / 1000),
        etaSeconds: (elapsed / stepsRun) * remaining,
      });
    }
    optimizer.dispose();
    const rec: EpochRecord = { stage, epoch, loss: lossSum / seen, accuracy: correct / seen, seconds: (Date.now() - t0) / 1000 };
    state = { done: p + 1, history: [...state.history, rec] };
    fs.mkdirSync(hooks.checkpointDir, { recursive: true });
    saveNetworkWeights(weightsPath, network);
    fs.writeFileSync(statePath, JSON.stringify(state));
    hooks.onEvent?.({ kind: 'epoch', stage, epoch, epochs, loss: rec.loss, accuracy: rec.accuracy, seconds: rec.seconds });
  }
  network.setFrozen([]);
  return state.history;
}

function trainStep(
  network: Network,
  vars: Map<string, tf.Variable>,
  optimizer: tf.Optimizer,
  batch: { x: Float32Array; y: Int32Array },
  width: number,
  height: number,
): [number, number] {
  const n = batch.y.length;
  const stats: BatchStat[] = [];
  const [lossT, accT] = tf.tidy(() => {
    const x = tf.tensor4d(batch.x, [n, height, width, 3]);
    const labels = tf.oneHot(tf.tensor1d(batch.y, 'int32'), network.options.numClasses);
    let acc: tf.Scalar | undefined;
    const { value, grads } = tf.variableGrads(() => {
      const logits = network.forward(x, { training: true, batchStats: stats }).logits;
      acc = tf.keep(tf.mean(tf.cast(tf.equal(tf.argMax(logits, 1), tf.tensor1d(batch.y, 'int32')), 'float32')) as tf.Scalar);
      return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
    }, [...vars.values()]);
    const byName = new Map([...vars.values()].map((v) => [v.name, v]));
    const decayed: tf.NamedTensorMap = {};
    for (const [name, g] of Object.entries(grads)) decayed[name] = tf.add(g, tf.mul(byName.get(name)!, WEIGHT_DECAY));
    optimizer.applyGradients(decayed);
    return [value, acc!];
  });
  tf.tidy(() => {
    for (const s of stats) {
      const mean = network.params.get(`${s.bn}.running_mean`);
      const variance = network.params.get(`${s.bn}.running_var`);
      const unbiased = tf.mul(s.variance, s.count / Math.max(1, s.count - 1));
      mean.assign(tf.add(tf.mul(mean, 1 - BN_MOMENTUM), tf.mul(s.mean, BN_MOMENTUM)));
      variance.assign(tf.add(tf.mul(variance, 1 - BN_MOMENTUM), tf.mul(unbiased, BN_MOMENTUM)));
    }
  });
  tf.dispose(stats.flatMap((s) => [s.mean, s.variance]));
  network.params.version++;
  const out: [number, number] = [lossT.dataSync()[0], accT.dataSync()[0]];
  tf.dispose([lossT, accT]);
  return out;
}
