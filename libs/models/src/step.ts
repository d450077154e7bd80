// One optimisation step: forward + backward over the trainable variables (optionally in micro-batches whose
// gradients are summed), SGD update, BatchNorm running-statistics update.
import * as tf from '@tensorflow/tfjs';
import type { BatchStat, Network } from './network.js';
import { BN_MOMENTUM } from './network.js';
import { Sgd, type SgdOptions } from './sgd.js';

export interface Batch {
  /** NHWC float32 in [0, 1], length n·h·w·3. */
  x: Float32Array;
  /** Class labels, length n. */
  y: Int32Array;
}

export interface StepResult {
  loss: number;
  accuracy: number;
}

export interface TrainStepOptions extends SgdOptions {
  /**
   * Images per forward/backward pass; a batch larger than this is split and the gradients summed (weighted by
   * micro-batch size, so the update equals the full batch's). BatchNorm then normalises with each micro-batch's own
   * statistics and updates its running statistics once per micro-batch. Default: the whole batch (train() picks
   * defaultMicroBatch when not given).
   */
  microBatch?: number;
}

export class TrainStep {
  readonly sgd: Sgd;
  private readonly microBatch: number;

  constructor(
    private readonly net: Network,
    private readonly height: number,
    private readonly width: number,
    options: TrainStepOptions = {},
  ) {
    this.sgd = new Sgd(options);
    this.microBatch = options.microBatch ?? Infinity;
    if (!(this.microBatch >= 1)) throw new Error(`TrainStepOptions.microBatch must be ≥ 1 (got ${options.microBatch})`);
    if (!Number.isInteger(height) || !Number.isInteger(width) || height < 32 || width < 32)
      throw new Error(`TrainStep: image size must be integers ≥ 32 (got ${height}×${width})`);
  }

  /** Trains on one batch with learning rate `lr`; returns the batch's mean loss and accuracy. */
  run(batch: Batch, lr: number): StepResult {
    const n = batch.y.length;
    const pixels = this.height * this.width * 3;
    if (n < 1 || batch.x.length !== n * pixels)
      throw new Error(`TrainStep: batch.x has ${batch.x.length} values, expected y.length (${n}) × ${this.height}×${this.width}×3 = ${n * pixels}`);
    const classes = this.net.options.numClasses;
    for (let i = 0; i < n; i++)
      if (!(batch.y[i] >= 0 && batch.y[i] < classes)) throw new Error(`TrainStep: batch.y[${i}] = ${batch.y[i]} is outside [0, ${classes - 1}]`);
    const params = this.net.trainableVariables();
    const byVarName = new Map([...params].map(([name, v]) => [v.name, name]));
    const varList = [...params.values()];
    const chunk = Math.min(this.microBatch, n);
    let total: Map<string, tf.Tensor> | undefined;
    const sums: tf.Tensor[] = [];
    for (let start = 0; start < n; start += chunk) {
      const m = Math.min(chunk, n - start);
      const stats: BatchStat[] = [];
      const x = tf.tensor4d(batch.x.subarray(start * pixels, (start + m) * pixels), [m, this.height, this.width, 3]);
      const y = tf.tensor1d(batch.y.subarray(start, start + m), 'int32');
      let correct: tf.Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const { logits } = this.net.forward(x, { training: true, batchStats: stats });
        correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32')));
        // Mean over the micro-batch scaled by its share, so summed gradients equal the full batch's mean.
        return tf.mul(tf.losses.softmaxCrossEntropy(tf.oneHot(y, classes), logits), m / n) as tf.Scalar;
      }, varList);
      sums.push(value, correct!);
      if (!total) total = new Map(Object.entries(grads).map(([k, g]) => [byVarName.get(k)!, g]));
      else
        for (const [k, g] of Object.entries(grads)) {
          const name = byVarName.get(k)!;
          const acc = total.get(name)!;
          total.set(name, tf.add(acc, g));
          tf.dispose([acc, g]);
        }
      this.updateRunningStats(stats);
      tf.dispose([x, y]);
    }
    this.sgd.update(params, total!, lr);
    tf.dispose([...total!.values()]);
    this.net.params.touch(params.keys());
    const out = tf.tidy(() => tf.stack([tf.addN(sums.filter((_, i) => i % 2 === 0)), tf.addN(sums.filter((_, i) => i % 2 === 1))]));
    const [loss, correct] = out.dataSync();
    tf.dispose([out, ...sums]);
    return { loss, accuracy: correct / n };
  }

  /** torch's update: running ← (1 − momentum)·running + momentum·batch, with the unbiased batch variance. */
  private updateRunningStats(stats: BatchStat[]): void {
    tf.tidy(() => {
      for (const s of stats) {
        const rm = this.net.params.get(`${s.bn}.running_mean`);
        const rv = this.net.params.get(`${s.bn}.running_var`);
        const unbiased = s.count > 1 ? s.count / (s.count - 1) : 1;
        rm.assign(tf.add(tf.mul(rm, 1 - BN_MOMENTUM), tf.mul(s.mean, BN_MOMENTUM)));
        rv.assign(tf.add(tf.mul(rv, 1 - BN_MOMENTUM), tf.mul(s.variance, BN_MOMENTUM * unbiased)));
      }
    });
    this.net.params.touch(stats.flatMap((s) => [`${s.bn}.running_mean`, `${s.bn}.running_var`]));
    for (const s of stats) tf.dispose([s.mean, s.variance]);
  }

  dispose(): void {
    this.sgd.dispose();
  }
}
