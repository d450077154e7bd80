// Patch features as the reference dense maps build them (../shared/fixtures/dense, matched to 3e-5): intermediate
// stages of the backbone, the coarser ones bilinearly resized to the finest grid (torch's align_corners=False)
// first, then each patch averaged over its 3×3 neighbourhood with the zero padding counted (torch's AvgPool2d
// default), concatenated along channels. Pooling before resizing instead lands 12% away from the reference.
import * as tf from '@tensorflow/tfjs';
import type { Stage } from '../architecture.js';
import type { StageOutputs } from '../network.js';

export interface PatchFeatureOptions {
  /** Stages read, finest first or not (the grid is the finest one's). Default ['layer2', 'layer3']. */
  stages?: Stage[];
  /** Side of the local neighbourhood averaged around each patch (odd; 1 = none). Default 3. */
  neighbourhood?: number;
}

export interface ResolvedPatchFeatureOptions {
  stages: Stage[];
  neighbourhood: number;
}

const STAGE_ORDER: Record<Stage, number> = { layer1: 1, layer2: 2, layer3: 3, layer4: 4 };

export function resolvePatchFeatureOptions(o: PatchFeatureOptions = {}): ResolvedPatchFeatureOptions {
  const stages = o.stages ?? ['layer2', 'layer3'];
  if (!Array.isArray(stages) || stages.length === 0 || stages.some((s) => !(s in STAGE_ORDER)) || new Set(stages).size !== stages.length)
    throw new Error(`patch features: stages must be distinct names among layer1..layer4 (got ${JSON.stringify(stages)})`);
  const neighbourhood = o.neighbourhood ?? 3;
  if (!Number.isInteger(neighbourhood) || neighbourhood < 1 || neighbourhood % 2 === 0 || neighbourhood > 15)
    throw new Error(`patch features: neighbourhood must be an odd integer in [1, 15] (got ${neighbourhood})`);
  return { stages: [...stages].sort((a, b) => STAGE_ORDER[a] - STAGE_ORDER[b]), neighbourhood };
}

function localMean(x: tf.Tensor4D, size: number): tf.Tensor4D {
  if (size === 1) return x;
  const p = (size - 1) / 2;
  // Pad with zeros and pool 'valid', so every window divides by size² as torch does (TF's 'same' would not).
  return tf.avgPool(tf.pad(x, [[0, 0], [p, p], [p, p], [0, 0]]), size, 1, 'valid');
}

/** [batch, h, w, Σ channels] on the finest stage's grid (inside the caller's tidy). */
export function patchFeatures(outputs: Partial<Pick<StageOutputs, Stage>>, o: ResolvedPatchFeatureOptions): tf.Tensor4D {
  const stage = (s: Stage) => {
    const t = outputs[s];
    if (!t) throw new Error(`patch features: the network outputs lack ${s}`);
    return t;
  };
  const [, h, w] = stage(o.stages[0]).shape;
  const parts = o.stages.map((s) => {
    const x = stage(s);
    const [, hs, ws] = x.shape;
    return localMean(hs === h && ws === w ? x : tf.image.resizeBilinear(x, [h, w], false, true), o.neighbourhood);
  });
  return parts.length === 1 ? parts[0] : tf.concat(parts, 3);
}
