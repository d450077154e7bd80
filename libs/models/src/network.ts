// ResNet-18 (torchvision layout) + projection head + classifier as plain functions of the parameter store, so a
// training step is one differentiable function of exactly the variables being trained.
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@ssad/augment';
import type { BlockDef, ConvBn, Stage } from './architecture.js';
import { CLASSIFIER, STAGES, STEM, backboneSpecs, headBn, headLinear, headSpecs, initialValues, resnet18Blocks } from './architecture.js';
import type { LoadReport } from './params.js';
import { ParamStore } from './params.js';
import { batchNormTrain, relu } from './batchnorm.js';
import type { NamedTensor, SafetensorsFile } from './safetensors.js';

export const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.1;
export const IMAGENET_NORMALIZATION = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } as const;

export interface Normalization {
  mean: readonly number[];
  std: readonly number[];
}

export interface NetworkOptions {
  /** Widths of the head's Dense → BatchNorm → ReLU layers. Default: 5 × 512 then 128 (the reference). */
  headWidths?: number[];
  /** Classifier outputs. Default 3 (normal, CutPaste, scar). */
  numClasses?: number;
  /** Per-channel input normalisation applied inside the network; null feeds the input unchanged. Default ImageNet. */
  normalize?: Normalization | null;
  /** Seed of the initialisation. Default 0. */
  seed?: number;
}

export interface ForwardOptions {
  /** BatchNorm uses batch statistics (except in frozen modules and setInferenceBatchNorm's). Default false. */
  training?: boolean;
  /**
   * Where training-mode BatchNorm layers put their batch statistics (kept tensors, the caller disposes them); the
   * trainer turns them into running-statistics updates after the gradient step.
   */
  batchStats?: BatchStat[];
  /** Inference with BatchNorm folded into the preceding conv / Dense (faster). Default true. */
  fold?: boolean;
  /**
   * Where inference-mode BatchNorm layers put the batch mean and (biased) variance of their *input* (kept tensors,
   * the caller disposes them): statistics of the function as it stands, for re-parametrising folded weights.
   * Turns folding off.
   */
  inputStats?: BatchStat[];
}

export interface BatchStat {
  bn: string;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
  count: number;
}

export interface StageOutputs {
  layer1: tf.Tensor4D;
  layer2: tf.Tensor4D;
  layer3: tf.Tensor4D;
  layer4: tf.Tensor4D;
  pooled: tf.Tensor2D;
  embedding: tf.Tensor2D;
  logits: tf.Tensor2D;
}

export type TailOutputs = Pick<StageOutputs, 'pooled' | 'embedding' | 'logits'>;

export interface ResolvedNetworkOptions {
  headWidths: number[];
  numClasses: number;
  normalize: Normalization | null;
  seed: number;
}

interface Ctx {
  training: boolean;
  fold: boolean;
  stats?: BatchStat[];
  inputStats?: BatchStat[];
}

interface Folded {
  filter: tf.Tensor;
  bias: tf.Tensor1D;
  stamp: string;
}

export function resolveNetworkOptions(options: NetworkOptions = {}): ResolvedNetworkOptions {
  const headWidths = options.headWidths ?? [512, 512, 512, 512, 512, 128];
  const numClasses = options.numClasses ?? 3;
  if (!Array.isArray(headWidths) || headWidths.some((w) => !Number.isInteger(w) || w < 1))
    throw new Error(`NetworkOptions.headWidths must be an array of positive integers (got ${JSON.stringify(headWidths)})`);
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`NetworkOptions.numClasses must be an integer ≥ 1 (got ${numClasses})`);
  const normalize = options.normalize === undefined ? IMAGENET_NORMALIZATION : options.normalize;
  if (normalize && (normalize.mean.length !== 3 || normalize.std.length !== 3 || normalize.std.some((s) => !(s > 0))))
    throw new Error(`NetworkOptions.normalize needs 3 means and 3 positive stds (got ${JSON.stringify(normalize)})`);
  const seed = options.seed ?? 0;
  return { headWidths: [...headWidths], numClasses, normalize: normalize ? { mean: [...normalize.mean], std: [...normalize.std] } : null, seed };
}

/** ResNet-18 backbone + projection head + classifier. Input: NHWC float32 in [0, 1], any size ≥ 32. */
export class Network {
  readonly options: ResolvedNetworkOptions;
  readonly params = new ParamStore();
  private readonly blocks: BlockDef[][] = resnet18Blocks();
  /** Modules (conv/bn/linear names) kept fixed: their BatchNorms stay in inference mode even when training. */
  private frozen = new Set<string>();
  /**
   * BatchNorm modules kept in inference mode in training although their parameters train ("frozen BN"): they
   * normalise with their running statistics and do not update them; gradients still reach the preceding conv and
   * the BatchNorm's weight and bias.
   */
  private inferenceBn = new Set<string>();
  /** Parameter names whose values came from a weights file (what a 'pretrained' freeze keeps fixed). */
  readonly pretrained = new Set<string>();
  private foldCache = new Map<string, Folded>();

  constructor(options: NetworkOptions = {}) {
    this.options = resolveNetworkOptions(options);
    const specs = [...backboneSpecs(), ...headSpecs(this.options.headWidths, this.options.numClasses)];
    // torch's Linear bias bound uses the layer's fan-in.
    const fanIn = new Map<string, number>();
    for (const s of specs) if (s.kind === 'linear') fanIn.set(s.name.replace(/weight$/, 'bias'), s.shape[0]);
    const rng = new Rng(this.options.seed);
    for (const s of specs) this.params.add(s, initialValues(s, rng, fanIn));
  }

  /** Loads torchvision-named weights (torch layout); see ParamStore.load for strict / non-strict. */
  loadWeights(source: SafetensorsFile | Map<string, NamedTensor>, options: { strict?: boolean; origin?: string } = {}): LoadReport {
    const report = this.params.load(source, options);
    for (const name of report.loaded) this.pretrained.add(name);
    return report;
  }

  /** Backbone parameter names (conv1 … layer4). */
  backboneParamNames(): string[] {
    return this.params.names().filter((n) => /^(conv1|bn1|layer\d)\./.test(n));
  }

  /** Freezes the modules owning the given parameter names (BatchNorm in inference mode); [] unfreezes all. */
  setFrozen(paramNames: Iterable<string>): void {
    this.frozen = new Set([...paramNames].map((n) => n.slice(0, n.lastIndexOf('.'))));
  }

  /** Keeps the BatchNorm modules owning the given parameter names in inference mode while training; [] releases all. */
  setInferenceBatchNorm(paramNames: Iterable<string>): void {
    this.inferenceBn = new Set([...paramNames].map((n) => n.slice(0, n.lastIndexOf('.'))));
  }

  /** Whether a training forward pass normalises `bn` with its running statistics (frozen module or frozen BN). */
  isInferenceBatchNorm(bn: string): boolean {
    return this.frozen.has(bn) || this.inferenceBn.has(bn);
  }

  isFrozen(module: string): boolean {
    return this.frozen.has(module);
  }

  /** Learnable variables of the modules that are not frozen. */
  trainableVariables(): Map<string, tf.Variable> {
    const out = new Map<string, tf.Variable>();
    for (const [name, spec] of this.params.specs)
      if (spec.learnable && !this.frozen.has(name.slice(0, name.lastIndexOf('.')))) out.set(name, this.params.get(name));
    return out;
  }

  forward(x: tf.Tensor4D, options: ForwardOptions = {}): StageOutputs {
    const ctx = this.ctx(options);
    const out = this.backbone(ctx, x, STAGES.length - 1) as Pick<StageOutputs, Stage>;
    return { ...out, ...this.tail(ctx, out.layer4) };
  }

  /** The stage outputs up to and including `last` (patch features need no deeper stage, head or classifier). */
  forwardTo(x: tf.Tensor4D, last: Stage, options: ForwardOptions = {}): Partial<Pick<StageOutputs, Stage>> {
    const index = STAGES.indexOf(last);
    if (index < 0) throw new Error(`forwardTo: last must be one of ${STAGES.join(', ')} (got ${String(last)})`);
    return this.backbone(this.ctx(options), x, index);
  }

  private backbone(ctx: Ctx, x: tf.Tensor4D, lastIndex: number): Partial<Pick<StageOutputs, Stage>> {
    this.checkInput(x);
    const stem = this.convBn(ctx, this.normalize(x), STEM, true) as tf.Tensor4D;
    // Zero padding equals torch's -inf padding here: the input is post-ReLU, hence ≥ 0.
    let h: tf.Tensor = tf.maxPool(tf.pad(stem, [[0, 0], [1, 1], [1, 1], [0, 0]]), 3, 2, 'valid');
    const out: Partial<Pick<StageOutputs, Stage>> = {};
    for (let s = 0; s <= lastIndex; s++) {
      h = this.stage(ctx, h, s);
      out[STAGES[s]] = h as tf.Tensor4D;
    }
    return out;
  }

  /** Runs the network from the output of `stage` on (for GradCAM and patch features). */
  forwardFrom(stage: Stage, activation: tf.Tensor4D, options: ForwardOptions = {}): TailOutputs {
    const index = STAGES.indexOf(stage);
    if (index < 0) throw new Error(`forwardFrom: stage must be one of ${STAGES.join(', ')} (got ${String(stage)})`);
    const ctx = this.ctx(options);
    let h: tf.Tensor4D = activation;
    for (let s = index + 1; s < STAGES.length; s++) h = this.stage(ctx, h, s) as tf.Tensor4D;
    return this.tail(ctx, h);
  }

  dispose(): void {
    this.clearFoldCache();
    this.params.dispose();
  }

  private ctx(options: ForwardOptions): Ctx {
    const inputStats = options.inputStats;
    return { training: options.training ?? false, fold: (options.fold ?? true) && !inputStats, stats: options.batchStats, inputStats };
  }

  private checkInput(x: tf.Tensor): void {
    const [, h, w, c] = x.shape as number[];
    if (x.rank !== 4 || c !== 3 || h < 32 || w < 32)
      throw new Error(`Network.forward: x must be NHWC [n, h ≥ 32, w ≥ 32, 3] float32 (got [${x.shape.join(', ')}])`);
  }

  private normalize(x: tf.Tensor4D): tf.Tensor4D {
    const n = this.options.normalize;
    if (!n) return x;
    return tf.tidy(() => tf.div(tf.sub(x, tf.tensor1d(n.mean as number[])), tf.tensor1d(n.std as number[])));
  }

  private stage(ctx: Ctx, x: tf.Tensor, s: number): tf.Tensor {
    let h = x;
    for (const b of this.blocks[s]) {
      const identity = b.downsample ? this.convBn(ctx, h, b.downsample, false) : h;
      const a = this.convBn(ctx, h, b.a, true);
      h = relu(tf.add(this.convBn(ctx, a, b.b, false), identity));
    }
    return h;
  }

  private tail(ctx: Ctx, h: tf.Tensor4D): TailOutputs {
    const pooled = tf.mean(h, [1, 2]) as tf.Tensor2D;
    let e: tf.Tensor2D = pooled;
    this.options.headWidths.forEach((_, i) => {
      e = this.denseBnRelu(ctx, e, headLinear(i), headBn(i));
    });
    const logits = tf.add(tf.matMul(e, this.params.get(`${CLASSIFIER}.weight`)), this.params.get(`${CLASSIFIER}.bias`)) as tf.Tensor2D;
    return { pooled, embedding: e, logits };
  }

  private bnTraining(ctx: Ctx, bn: string): boolean {
    return ctx.training && !this.isInferenceBatchNorm(bn);
  }

  /**
   * Folded BatchNorm in eval mode, and in training for frozen layer pairs (constants then: the backbone's forward
   * in stage 1 is one fused conv+bias+ReLU kernel per layer). Not for a trainable layer in training, whose gradient
   * must reach its weights.
   */
  private useFolded(ctx: Ctx, layer: string, bn: string): boolean {
    return ctx.fold && !this.bnTraining(ctx, bn) && (!ctx.training || (this.frozen.has(layer) && this.frozen.has(bn)));
  }

  private convBn(ctx: Ctx, x: tf.Tensor, u: ConvBn, relu: boolean): tf.Tensor {
    const padded = u.pad > 0 && !(u.stride === 1 && 2 * u.pad === u.kernel - 1);
    // tfjs-node's conv gradients support only 'same'/'valid': torch's symmetric padding becomes an explicit pad.
    const input = padded ? tf.pad(x, [[0, 0], [u.pad, u.pad], [u.pad, u.pad], [0, 0]]) : x;
    const mode = u.pad > 0 && !padded ? 'same' : 'valid';
    if (this.useFolded(ctx, u.conv, u.bn)) {
      const f = this.folded(u.conv, u.bn, 'conv');
      return tf.fused.conv2d({ x: input as tf.Tensor4D, filter: f.filter as tf.Tensor4D, strides: u.stride, pad: mode, bias: f.bias, activation: relu ? 'relu' : 'linear' });
    }
    const y = tf.conv2d(input as tf.Tensor4D, this.params.get(`${u.conv}.weight`) as tf.Tensor4D, u.stride, mode);
    return this.batchNorm(ctx, y, u.bn, relu);
  }

  private denseBnRelu(ctx: Ctx, x: tf.Tensor2D, linear: string, bn: string): tf.Tensor2D {
    if (this.useFolded(ctx, linear, bn)) {
      const f = this.folded(linear, bn, 'linear');
      return tf.fused.matMul({ a: x, b: f.filter as tf.Tensor2D, bias: f.bias, activation: 'relu' }) as tf.Tensor2D;
    }
    const y = tf.add(tf.matMul(x, this.params.get(`${linear}.weight`)), this.params.get(`${linear}.bias`));
    return this.batchNorm(ctx, y, bn, true) as tf.Tensor2D;
  }

  private batchNorm(ctx: Ctx, x: tf.Tensor, bn: string, withRelu: boolean): tf.Tensor {
    const p = (k: string) => this.params.get(`${bn}.${k}`) as tf.Tensor1D;
    if (!this.bnTraining(ctx, bn)) {
      if (ctx.inputStats) {
        const { mean, variance } = tf.moments(x, [...Array(x.rank - 1).keys()]);
        ctx.inputStats.push({ bn, mean: tf.keep(mean as tf.Tensor1D), variance: tf.keep(variance as tf.Tensor1D), count: x.size / x.shape[x.rank - 1] });
      }
      const z = tf.batchNorm(x, p('running_mean'), p('running_var'), p('bias'), p('weight'), BN_EPS);
      return withRelu ? relu(z) : z;
    }
    const { y, mean, variance } = batchNormTrain(x, p('weight'), p('bias'), BN_EPS, withRelu);
    if (ctx.stats) {
      const count = x.size / x.shape[x.rank - 1];
      ctx.stats.push({ bn, mean, variance, count });
    } else tf.dispose([mean, variance]);
    return y;
  }

  /** BatchNorm(running stats) folded into the preceding conv / Dense: W·s and (b − mean)·s + beta, s = γ/√(var+ε). */
  private folded(layer: string, bn: string, kind: 'conv' | 'linear'): Folded {
    const inputs = [`${layer}.weight`, `${bn}.weight`, `${bn}.bias`, `${bn}.running_mean`, `${bn}.running_var`];
    if (kind === 'linear') inputs.push(`${layer}.bias`);
    const stamp = this.params.stamp(inputs);
    const hit = this.foldCache.get(layer);
    if (hit?.stamp === stamp) return hit;
    if (hit) tf.dispose([hit.filter, hit.bias]);
    const p = (k: string) => this.params.get(k);
    // Kept: the cache outlives the caller's tidy. Only eval mode and frozen layers use it, so no gradient flows here.
    const f = tf.tidy(() => {
      const scale = tf.div(p(`${bn}.weight`), tf.sqrt(tf.add(p(`${bn}.running_var`), BN_EPS)));
      const bias0 = kind === 'linear' ? tf.sub(p(`${layer}.bias`), p(`${bn}.running_mean`)) : tf.neg(p(`${bn}.running_mean`));
      return { filter: tf.keep(tf.mul(p(`${layer}.weight`), scale)), bias: tf.keep(tf.add(tf.mul(bias0, scale), p(`${bn}.bias`)) as tf.Tensor1D), stamp };
    });
    this.foldCache.set(layer, f);
    return f;
  }

  private clearFoldCache(): void {
    for (const f of this.foldCache.values()) tf.dispose([f.filter, f.bias]);
    this.foldCache.clear();
  }
}
