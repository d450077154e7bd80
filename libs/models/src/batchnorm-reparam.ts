// Re-parametrising BatchNorm-folded weights. Weights exported with BatchNorm folded into the convolutions keep
// each BatchNorm as the identity plus a shift, so the convs carry the normalisation's scale: training them at the
// reference learning rate diverges, and a BatchNorm on batch statistics is far from the loaded function. Measuring
// each BatchNorm's input statistics on the training images and moving them into the running statistics (the conv
// divided by the input's standard deviation, γ and β adjusted) leaves the inference function unchanged while the
// convs and BatchNorms return to torchvision's normalised parametrisation: running mean/variance ≈ the batch's.
import * as tf from '@tensorflow/tfjs';
import type { PixelImage } from '@ssad/augment';
import { STAGES, STEM, resnet18Blocks, type ConvBn, type Stage } from './architecture.js';
import { imagesToTensor } from './images.js';
import { BN_EPS, type BatchStat, type Network } from './network.js';

export interface BatchNormReparamOptions {
  /** Which conv+BatchNorm pairs: those loaded from a weights file ('pretrained', default) or every backbone pair. */
  modules?: 'pretrained' | 'all';
  /** Images per forward pass. Default 16. */
  batchSize?: number;
}

export interface BatchNormReparamReport {
  /** The BatchNorm modules re-parametrised, in forward order. */
  modules: string[];
  /** Images the statistics were measured on. */
  images: number;
}

/** Running per-channel mean and M2 (Chan et al.'s parallel update), in float64. */
class ChannelMoments {
  count = 0;
  readonly mean: Float64Array;
  readonly m2: Float64Array;
  constructor(channels: number) {
    this.mean = new Float64Array(channels);
    this.m2 = new Float64Array(channels);
  }
  add(mean: Float32Array, variance: Float32Array, n: number): void {
    const total = this.count + n;
    for (let c = 0; c < this.mean.length; c++) {
      const delta = mean[c] - this.mean[c];
      this.mean[c] += (delta * n) / total;
      this.m2[c] += variance[c] * n + (delta * delta * this.count * n) / total;
    }
    this.count = total;
  }
  variance(): Float64Array {
    return this.m2.map((m) => m / this.count);
  }
}

function backbonePairs(): ConvBn[] {
  return [STEM, ...resnet18Blocks().flat().flatMap((b) => [b.a, b.b, ...(b.downsample ? [b.downsample] : [])])];
}

/**
 * Measures, on `images` (normal training images), each selected BatchNorm's input mean μ and variance σ² under the
 * current inference function, then sets conv W ← W/σ, running mean ← μ/σ, running variance ← 1,
 * γ ← γ·σ·√(1+ε)/√(v₀+ε) and β ← β + γ₀(μ − m₀)/√(v₀+ε) (m₀, v₀, γ₀ the old values): the same function in
 * inference mode, up to float rounding. Every pair is measured in one pass because none of the changes alters the
 * function the next pair's statistics are taken under.
 */
export function reparametrizeBatchNorm(network: Network, images: readonly PixelImage[], options: BatchNormReparamOptions = {}): BatchNormReparamReport {
  const modules = options.modules ?? 'pretrained';
  if (modules !== 'pretrained' && modules !== 'all') throw new Error(`BatchNormReparamOptions.modules must be 'pretrained' or 'all' (got ${String(modules)})`);
  const batchSize = options.batchSize ?? 16;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`BatchNormReparamOptions.batchSize must be a positive integer (got ${batchSize})`);
  if (images.length === 0) throw new Error('reparametrizeBatchNorm: images must hold at least one image');
  const pairs = backbonePairs().filter((u) => modules === 'all' || (network.pretrained.has(`${u.conv}.weight`) && network.pretrained.has(`${u.bn}.running_var`)));
  if (pairs.length === 0) return { modules: [], images: images.length };
  const wanted = new Set(pairs.map((u) => u.bn));
  // Only as deep as the last selected pair (the stem counts as layer1): no deeper stage, head or classifier.
  const last: Stage = STAGES.findLast((s) => pairs.some((u) => u.conv.startsWith(`${s}.`))) ?? 'layer1';
  const moments = new Map<string, ChannelMoments>();
  const size = { height: images[0].height, width: images[0].width };
  for (let i = 0; i < images.length; i += batchSize) {
    const stats: BatchStat[] = [];
    tf.tidy(() => {
      network.forwardTo(imagesToTensor(images.slice(i, i + batchSize), size), last, { inputStats: stats });
    });
    for (const s of stats) {
      if (wanted.has(s.bn)) {
        const mean = s.mean.dataSync() as Float32Array;
        let m = moments.get(s.bn);
        if (!m) moments.set(s.bn, (m = new ChannelMoments(mean.length)));
        m.add(mean, s.variance.dataSync() as Float32Array, s.count);
      }
      tf.dispose([s.mean, s.variance]);
    }
  }
  const p = (name: string) => network.params.get(name);
  const values = (name: string) => p(name).dataSync() as Float32Array;
  for (const u of pairs) {
    const m = moments.get(u.bn)!;
    const mu = m.mean;
    const sigma = m.variance().map((v) => Math.sqrt(Math.max(v, BN_EPS)));
    const [gamma0, beta0, mean0, var0] = ['weight', 'bias', 'running_mean', 'running_var'].map((k) => values(`${u.bn}.${k}`));
    const c = mu.length;
    const gamma = new Float32Array(c);
    const beta = new Float32Array(c);
    const runningMean = new Float32Array(c);
    for (let j = 0; j < c; j++) {
      const scale0 = 1 / Math.sqrt(var0[j] + BN_EPS);
      gamma[j] = gamma0[j] * sigma[j] * Math.sqrt(1 + BN_EPS) * scale0;
      beta[j] = beta0[j] + gamma0[j] * (mu[j] - mean0[j]) * scale0;
      runningMean[j] = mu[j] / sigma[j];
    }
    tf.tidy(() => {
      // HWIO: the output channel is the last axis.
      p(`${u.conv}.weight`).assign(tf.div(p(`${u.conv}.weight`), tf.tensor1d(Float32Array.from(sigma))));
      p(`${u.bn}.weight`).assign(tf.tensor1d(gamma));
      p(`${u.bn}.bias`).assign(tf.tensor1d(beta));
      p(`${u.bn}.running_mean`).assign(tf.tensor1d(runningMean));
      p(`${u.bn}.running_var`).assign(tf.ones([c]));
    });
    network.params.touch([`${u.conv}.weight`, ...['weight', 'bias', 'running_mean', 'running_var'].map((k) => `${u.bn}.${k}`)]);
  }
  return { modules: pairs.map((u) => u.bn), images: images.length };
}
