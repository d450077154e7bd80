// The two-stage training loop: stages of epochs of steps over caller-made batches, with progress reports,
// per-epoch checkpoints and exact resume.
import type { Batch, StepResult, TrainStepOptions } from './step.js';
import { TrainStep } from './step.js';
import type { Network } from './network.js';
import { loadCheckpoint, saveCheckpoint } from './checkpoint.js';

export interface StageConfig {
  /** Learning rate (peak, with the cosine schedule). */
  lr: number;
  epochs: number;
  /** Freeze the backbone (see TrainOptions.freeze for which part). */
  freezeBackbone: boolean;
}

/** The reference schedule: stage 1 frozen backbone lr 0.003 × 30 epochs, stage 2 all trainable lr 0.001 × 20. */
export const REFERENCE_STAGES: StageConfig[] = [
  { lr: 0.003, epochs: 30, freezeBackbone: true },
  { lr: 0.001, epochs: 20, freezeBackbone: false },
];

export interface EpochInfo {
  /** 0-based stage index. */
  stage: number;
  /** 0-based epoch within the stage. */
  epoch: number;
  steps: number;
  batchSize: number;
}

export interface StepProgress extends StepResult {
  /** 1-based. */
  stage: number;
  stages: number;
  /** 1-based within the stage. */
  epoch: number;
  epochs: number;
  /** 1-based within the epoch. */
  step: number;
  steps: number;
  globalStep: number;
  lr: number;
  samplesPerSecond: number;
  etaSeconds: number;
}

export interface TrainOptions extends TrainStepOptions {
  /** Input height and width of every batch (pixels). */
  imageSize: number | { height: number; width: number };
  /**
   * Makes the batches of one epoch. Called once per epoch, so a resumed run can recreate exactly the batches the
   * uninterrupted run would have seen (derive the producer's seed from `stage` and `epoch`). The trainer asks for
   * the next batch before running the current step, so a producer that works asynchronously (a worker) overlaps.
   */
  batches: (info: EpochInfo) => AsyncIterable<Batch> | Iterable<Batch>;
  /** Default 96. */
  batchSize?: number;
  /** Pretext samples per epoch. Default 1000 (see defaultSamplesPerEpoch). */
  samplesPerEpoch?: number;
  /** Default REFERENCE_STAGES. */
  stages?: StageConfig[];
  /** Cosine decay of the learning rate over each stage's steps. Default false. */
  cosine?: boolean;
  /**
   * What a frozen stage freezes: 'pretrained' = the backbone parameters loaded from weights (the layers the file
   * lacks stay trainable; nothing if no weights were loaded), 'backbone' = all of conv1…layer4. Default 'pretrained'.
   */
  freeze?: 'pretrained' | 'backbone';
  /**
   * Which BatchNorms stay in inference mode (running statistics, not updated) in stages that train them ("frozen
   * BN" fine-tuning; their conv and affine weights still train): 'pretrained' = those loaded from weights, whose
   * statistics describe the features the pretrained convs were trained for (the shared ImageNet file has BN folded
   * into the convs, so batch statistics would change those layers' activations completely); 'none' = every
   * BatchNorm uses batch statistics (torch's train()). Default 'pretrained'.
   */
  frozenBatchNorm?: 'pretrained' | 'none';
  /** Directory for the end-of-epoch checkpoint; resumes from it when it holds one. */
  checkpointDir?: string;
  onStep?: (p: StepProgress) => void;
  onEpoch?: (info: EpochInfo & { checkpoint?: string }) => void;
  /** Stops (as if interrupted) after this many epochs in this call; for tests and time-boxed runs. */
  maxEpochs?: number;
  /** Clock for samples/s and ETA (ms). Default performance.now. */
  now?: () => number;
}

export interface TrainResult {
  steps: number;
  /** Whether every configured epoch has run (false when stopped by maxEpochs). */
  completed: boolean;
  resumedFrom?: { stage: number; epochsDone: number; globalStep: number };
  last?: StepProgress;
}

/** Pixels per forward/backward pass above which the trainer splits a batch by default (32 images at 256×256). */
export const MICRO_BATCH_PIXELS = 32 * 256 * 256;

/**
 * The whole batch when batch·h·w ≤ MICRO_BATCH_PIXELS, else the largest micro-batch within it: the reference batch
 * of 96 at 256 px runs as 3 × 32 (~7 GB peak instead of ~20 GB).
 */
export function defaultMicroBatch(batchSize: number, height: number, width: number): number {
  return Math.max(1, Math.min(batchSize, Math.floor(MICRO_BATCH_PIXELS / (height * width))));
}

/** Training images repeated to at least 1,000 samples (the reference's epoch). */
export function defaultSamplesPerEpoch(trainImages: number, minimum = 1000): number {
  if (!Number.isInteger(trainImages) || trainImages < 1) throw new Error(`defaultSamplesPerEpoch: trainImages must be a positive integer (got ${trainImages})`);
  return trainImages * Math.ceil(minimum / trainImages);
}

function check(name: string, v: number, ok: boolean, range: string): void {
  if (!ok) throw new Error(`TrainOptions.${name} must be ${range} (got ${v})`);
}

export async function train(net: Network, options: TrainOptions): Promise<TrainResult> {
  const size = typeof options.imageSize === 'number' ? { height: options.imageSize, width: options.imageSize } : options.imageSize;
  const batchSize = options.batchSize ?? 96;
  const samplesPerEpoch = options.samplesPerEpoch ?? 1000;
  const stages = options.stages ?? REFERENCE_STAGES;
  check('batchSize', batchSize, Number.isInteger(batchSize) && batchSize >= 1, 'an integer ≥ 1');
  check('samplesPerEpoch', samplesPerEpoch, Number.isInteger(samplesPerEpoch) && samplesPerEpoch >= 1, 'an integer ≥ 1');
  stages.forEach((s, i) => {
    check(`stages[${i}].lr`, s.lr, s.lr > 0, '> 0');
    check(`stages[${i}].epochs`, s.epochs, Number.isInteger(s.epochs) && s.epochs >= 0, 'an integer ≥ 0');
  });
  const steps = Math.ceil(samplesPerEpoch / batchSize);
  const now = options.now ?? (() => performance.now());
  const microBatch = options.microBatch ?? defaultMicroBatch(batchSize, size.height, size.width);
  const step = new TrainStep(net, size.height, size.width, { ...options, microBatch });
  const frozenBatchNorm = options.frozenBatchNorm ?? 'pretrained';
  if (frozenBatchNorm !== 'pretrained' && frozenBatchNorm !== 'none')
    throw new Error(`TrainOptions.frozenBatchNorm must be 'pretrained' or 'none' (got ${JSON.stringify(frozenBatchNorm)})`);
  const fingerprint = JSON.stringify({ batchSize, samplesPerEpoch, stages, cosine: !!options.cosine, freeze: options.freeze ?? 'pretrained', frozenBatchNorm, micro: microBatch, m: step.sgd.momentum, wd: step.sgd.weightDecay });
  const result: TrainResult = { steps: 0, completed: false };
  let globalStep = 0;
  let start = { stage: 0, epoch: 0 };
  if (options.checkpointDir) {
    const pos = loadCheckpoint(options.checkpointDir, net, step.sgd, fingerprint);
    if (pos) {
      result.resumedFrom = pos;
      globalStep = pos.globalStep;
      start = pos.epochsDone >= stages[pos.stage].epochs ? { stage: pos.stage + 1, epoch: 0 } : { stage: pos.stage, epoch: pos.epochsDone };
    }
  }
  const totalSteps = stages.reduce((a, s) => a + s.epochs * steps, 0);
  let epochsRun = 0;
  let rate = 0;
  try {
    for (let s = start.stage; s < stages.length; s++) {
      const cfg = stages[s];
      net.setFrozen(cfg.freezeBackbone ? frozenNames(net, options.freeze ?? 'pretrained') : []);
      net.setInferenceBatchNorm(frozenBatchNorm === 'pretrained' ? [...net.pretrained].filter((n) => n.endsWith('.running_mean')) : []);
      for (let e = s === start.stage ? start.epoch : 0; e < cfg.epochs; e++) {
        if (options.maxEpochs !== undefined && epochsRun >= options.maxEpochs) return result;
        const info: EpochInfo = { stage: s, epoch: e, steps, batchSize };
        const source = options.batches(info);
        const it = Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : (source as Iterable<Batch>)[Symbol.iterator]();
        try {
          let pending = Promise.resolve(it.next());
          for (let k = 0; k < steps; k++) {
            const r = await pending;
            if (r.done) throw new Error(`TrainOptions.batches: stage ${s} epoch ${e} ended after ${k} batches, ${steps} needed`);
            if (k + 1 < steps) pending = Promise.resolve(it.next());
            const t0 = now();
            const stageStep = e * steps + k;
            const lr = options.cosine ? 0.5 * cfg.lr * (1 + Math.cos((Math.PI * stageStep) / (cfg.epochs * steps))) : cfg.lr;
            const res = step.run(r.value, lr);
            globalStep++;
            result.steps++;
            const dt = (now() - t0) / 1000;
            const sps = r.value.y.length / Math.max(dt, 1e-9);
            rate = rate === 0 ? sps : 0.9 * rate + 0.1 * sps;
            const progress: StepProgress = {
              ...res,
              stage: s + 1,
              stages: stages.length,
              epoch: e + 1,
              epochs: cfg.epochs,
              step: k + 1,
              steps,
              globalStep,
              lr,
              samplesPerSecond: rate,
              etaSeconds: ((totalSteps - globalStep) * batchSize) / rate,
            };
            result.last = progress;
            options.onStep?.(progress);
          }
        } finally {
          await it.return?.();
        }
        epochsRun++;
        const checkpoint = options.checkpointDir
          ? saveCheckpoint(options.checkpointDir, net, step.sgd, { stage: s, epochsDone: e + 1, globalStep }, fingerprint)
          : undefined;
        options.onEpoch?.({ ...info, checkpoint });
      }
    }
    result.completed = true;
    return result;
  } finally {
    net.setFrozen([]);
    net.setInferenceBatchNorm([]);
    step.dispose();
  }
}

function frozenNames(net: Network, mode: 'pretrained' | 'backbone'): string[] {
  const backbone = net.backboneParamNames();
  if (mode === 'backbone') return backbone;
  const loaded = net.pretrained;
  return backbone.filter((n) => loaded.has(n));
}
