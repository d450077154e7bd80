// Two-stage pretext training through @ssad/models' trainer: stage 1 with the pretrained backbone layers frozen
// (models' 'pretrained' freeze: with ImageNet weights up to layer3, layer4 and the head learn; without weights
// nothing is frozen), stage 2 with everything trainable. Batches come from @ssad/augment, one seeded stream per
// epoch so a resumed run sees the same samples. Per-epoch loss/accuracy are kept beside models' checkpoint.
import fs from 'node:fs';
import path from 'node:path';
import { Rng, type PixelImage } from '@ssad/augment';
import { defaultSamplesPerEpoch, ensureFolder, reparametrizeBatchNorm, train, type Network } from '@ssad/models';
import { pretextBatches } from './batches.js';
import type { OnEvent } from './events.js';
import type { ExperimentOptions } from './options.js';
import { writeJsonAtomic } from './run-metrics.js';

export interface EpochRecord {
  stage: 'frozen' | 'full';
  epoch: number;
  loss: number;
  accuracy: number;
  seconds: number;
}

export class InterruptedError extends Error {
  override name = 'InterruptedError';
  /** Whether a checkpoint was kept for --resume (not when no epoch had finished). */
  readonly resumable: boolean;
  constructor(message: string, options: { resumable?: boolean } = {}) {
    super(message);
    this.resumable = options.resumable ?? true;
  }
}

const STAGE_NAMES = ['frozen', 'full'] as const;
const HISTORY_FILE = 'history.json';

/** Larger batches run as micro-batches of this size (summed gradients) to bound memory; see @ssad/models. */
const MICRO_BATCH = 32;

export function epochSeed(seed: number, stage: number, epoch: number): number {
  return seed * 1_000_003 + stage * 10_007 + epoch;
}

export function readHistory(checkpointDir: string): EpochRecord[] {
  const file = path.join(checkpointDir, HISTORY_FILE);
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as EpochRecord[]) : [];
}

export async function trainTwoStages(
  network: Network,
  images: readonly PixelImage[],
  o: ExperimentOptions,
  hooks: { checkpointDir: string; onEvent?: OnEvent; signal?: AbortSignal },
): Promise<EpochRecord[]> {
  // The caller empties the folder for a fresh run (it records the run's settings there first).
  ensureFolder(hooks.checkpointDir);
  let history = readHistory(hooks.checkpointDir);
  const sums = { loss: 0, correct: 0, seen: 0, t0: Date.now() };
  // Changes only the parametrisation, not the function: stage 1 (loaded layers frozen) is the same either way, and a
  // resumed run's checkpoint overwrites it.
  if (o.frozenBatchNorm === 'measured' && o.fullEpochs > 0) reparametrizeBatchNorm(network, images);
  const result = await train(network, {
    imageSize: images[0].width === images[0].height ? images[0].width : { width: images[0].width, height: images[0].height },
    batchSize: o.batchSize,
    microBatch: Math.min(o.batchSize, MICRO_BATCH),
    samplesPerEpoch: o.samplesPerEpoch ?? defaultSamplesPerEpoch(images.length),
    stages: [
      { lr: o.lrFrozen, epochs: o.frozenEpochs, freezeBackbone: true },
      { lr: o.lrFull, epochs: o.fullEpochs, freezeBackbone: false },
    ],
    frozenBatchNorm: o.frozenBatchNorm === 'measured' ? 'none' : o.frozenBatchNorm,
    checkpointDir: hooks.checkpointDir,
    batches: (info) => {
      Object.assign(sums, { loss: 0, correct: 0, seen: 0, t0: Date.now() });
      return abortable(pretextBatches(images, new Rng(epochSeed(o.seed, info.stage, info.epoch)), o.batchSize, info.steps), hooks.signal, () =>
        `interrupted in ${STAGE_NAMES[info.stage]} epoch ${info.epoch + 1}; checkpoint: ${hooks.checkpointDir}`);
    },
    onStep: (p) => {
      sums.loss += p.loss * o.batchSize;
      sums.correct += p.accuracy * o.batchSize;
      sums.seen += o.batchSize;
      hooks.onEvent?.({
        kind: 'step', stage: STAGE_NAMES[p.stage - 1], epoch: p.epoch, epochs: p.epochs, step: p.step, steps: p.steps,
        loss: p.loss, accuracy: p.accuracy, samplesPerSecond: p.samplesPerSecond, etaSeconds: p.etaSeconds,
      });
      if (p.step < p.steps) return;
      // The epoch's record is written after its last step and before its checkpoint: a crash between the two
      // redoes the epoch on --resume (replacing the record), and a checkpoint never lacks its record.
      const rec: EpochRecord = {
        stage: STAGE_NAMES[p.stage - 1], epoch: p.epoch, loss: sums.loss / sums.seen, accuracy: sums.correct / sums.seen,
        seconds: (Date.now() - sums.t0) / 1000,
      };
      // Keep only epochs before this one (a resumed epoch replaces a stale record).
      const order = (r: EpochRecord) => STAGE_NAMES.indexOf(r.stage) * 1e6 + r.epoch;
      history = [...history.filter((r) => order(r) < order(rec)), rec];
      writeJsonAtomic(path.join(hooks.checkpointDir, HISTORY_FILE), history);
    },
    onEpoch: (info) => {
      const rec = history.at(-1)!;
      const epochs = info.stage === 0 ? o.frozenEpochs : o.fullEpochs;
      hooks.onEvent?.({ kind: 'epoch', stage: rec.stage, epoch: rec.epoch, epochs, loss: rec.loss, accuracy: rec.accuracy, seconds: rec.seconds });
    },
  });
  if (!result.completed) throw new InterruptedError(`training stopped before the last epoch; checkpoint: ${hooks.checkpointDir}`);
  return history;
}

/** Ends the batch stream with an InterruptedError once `signal` aborts (models' trainer keeps the last checkpoint). */
async function* abortable<T>(source: AsyncIterable<T>, signal: AbortSignal | undefined, message: () => string): AsyncGenerator<T> {
  for await (const item of source) {
    if (signal?.aborted) throw new InterruptedError(message());
    yield item;
  }
}
