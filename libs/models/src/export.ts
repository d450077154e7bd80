// Export to tfjs's own LayersModel format (model.json + one weights shard) so a trained network is served with
// plain tfjs: `tf.loadLayersModel('file://dir/model.json')` (tfjs-node) or over HTTP. Eval mode: every BatchNorm
// is folded into its conv / Dense; the input normalisation is an exact 1×1 depthwise conv with bias.
// Outputs, in order: logits, embedding (head output), pooled.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { replaceFolder, writeFileAtomic } from './atomic-write.js';
import * as tf from '@tensorflow/tfjs';
import type { ConvBn } from './architecture.js';
import { CLASSIFIER, STEM, headBn, headLinear, resnet18Blocks } from './architecture.js';
import { BN_EPS, type Network } from './network.js';

export const EXPORT_FILES = { model: 'model.json', weights: 'weights.bin' } as const;

function foldedValues(net: Network, layer: string, bn: string, hasBias: boolean): { w: tf.Tensor; b: tf.Tensor1D } {
  return tf.tidy(() => {
    const p = (k: string) => net.params.get(k);
    const scale = tf.div(p(`${bn}.weight`), tf.sqrt(tf.add(p(`${bn}.running_var`), BN_EPS)));
    const b0 = hasBias ? tf.sub(p(`${layer}.bias`), p(`${bn}.running_mean`)) : tf.neg(p(`${bn}.running_mean`));
    return { w: tf.mul(p(`${layer}.weight`), scale), b: tf.add(tf.mul(b0, scale), p(`${bn}.bias`)) as tf.Tensor1D };
  });
}

/** An equivalent tf.layers model (eval mode) holding copies of the network's folded weights. */
export function toLayersModel(net: Network, inputShape: [number | null, number | null] = [null, null]): tf.LayersModel {
  const pending: [tf.layers.Layer, tf.Tensor[]][] = [];
  const input = tf.input({ shape: [inputShape[0], inputShape[1], 3], name: 'image' });
  let h: tf.SymbolicTensor = input;
  const norm = net.options.normalize;
  if (norm) {
    const layer = tf.layers.depthwiseConv2d({ kernelSize: 1, useBias: true, name: 'normalize' });
    h = layer.apply(h) as tf.SymbolicTensor;
    pending.push([layer, [tf.tensor4d(norm.std.map((s) => 1 / s), [1, 1, 3, 1]), tf.tensor1d(norm.mean.map((m, i) => -m / norm.std[i]))]]);
  }
  const convBn = (x: tf.SymbolicTensor, u: ConvBn, relu: boolean) => {
    const same = u.pad > 0 && u.stride === 1 && 2 * u.pad === u.kernel - 1;
    if (u.pad > 0 && !same) x = tf.layers.zeroPadding2d({ padding: u.pad, name: `${u.conv}.pad` }).apply(x) as tf.SymbolicTensor;
    const c = net.params.get(`${u.conv}.weight`).shape[3] as number;
    const layer = tf.layers.conv2d({ filters: c, kernelSize: u.kernel, strides: u.stride, padding: same ? 'same' : 'valid', activation: relu ? 'relu' : 'linear', name: u.conv });
    const y = layer.apply(x) as tf.SymbolicTensor;
    const f = foldedValues(net, u.conv, u.bn, false);
    pending.push([layer, [f.w, f.b]]);
    return y;
  };
  h = convBn(h, STEM, true);
  h = tf.layers.zeroPadding2d({ padding: 1, name: 'maxpool.pad' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'valid', name: 'maxpool' }).apply(h) as tf.SymbolicTensor;
  for (const blocks of resnet18Blocks())
    for (const b of blocks) {
      const identity = b.downsample ? convBn(h, b.downsample, false) : h;
      const y = convBn(convBn(h, b.a, true), b.b, false);
      h = tf.layers.add({ name: `${b.prefix}.add` }).apply([y, identity]) as tf.SymbolicTensor;
      h = tf.layers.activation({ activation: 'relu', name: `${b.prefix}.relu` }).apply(h) as tf.SymbolicTensor;
    }
  const pooled = tf.layers.globalAveragePooling2d({ name: 'pooled' }).apply(h) as tf.SymbolicTensor;
  let e = pooled;
  net.options.headWidths.forEach((w, i) => {
    const layer = tf.layers.dense({ units: w, activation: 'relu', name: headLinear(i) });
    e = layer.apply(e) as tf.SymbolicTensor;
    const f = foldedValues(net, headLinear(i), headBn(i), true);
    pending.push([layer, [f.w, f.b]]);
  });
  const embedding = tf.layers.activation({ activation: 'linear', name: 'embedding' }).apply(e) as tf.SymbolicTensor;
  const fc = tf.layers.dense({ units: net.options.numClasses, name: CLASSIFIER });
  const logits = fc.apply(embedding) as tf.SymbolicTensor;
  pending.push([fc, [net.params.get(`${CLASSIFIER}.weight`).clone(), net.params.get(`${CLASSIFIER}.bias`).clone()]]);
  const model = tf.model({ inputs: input, outputs: [logits, embedding, pooled], name: 'ssad_resnet18' });
  for (const [layer, values] of pending) {
    layer.setWeights(values);
    tf.dispose(values);
  }
  return model;
}

/**
 * Writes model.json + weights.bin as the folder `dir`, atomically (a temporary sibling folder replaces it, see
 * atomic-write.ts); an existing `dir` holding other files is refused.
 */
export function exportLayersModel(net: Network, dir: string): void {
  const model = toLayersModel(net);
  try {
    // Weights are encoded here rather than by model.save: tfjs's encoder rejects typed arrays from another realm
    // (tfjs-node's native arrays under jest's vm), and the format is just the float32 values in manifest order.
    const weights = model.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[], values: w.read().dataSync() }));
    const bytes = new Float32Array(weights.reduce((a, w) => a + w.values.length, 0));
    let o = 0;
    for (const w of weights) {
      bytes.set(w.values, o);
      o += w.values.length;
    }
    const json = {
      format: 'layers-model',
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
      convertedBy: '@ssad/models',
      modelTopology: model.toJSON(null, false),
      weightsManifest: [{ paths: [EXPORT_FILES.weights], weights: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: 'float32' })) }],
    };
    replaceFolder(
      dir,
      (tmp) => {
        writeFileAtomic(path.join(tmp, EXPORT_FILES.weights), new Uint8Array(bytes.buffer));
        writeFileAtomic(path.join(tmp, EXPORT_FILES.model), JSON.stringify(json));
      },
      { names: Object.values(EXPORT_FILES), what: 'tfjs LayersModel folder' },
    );
  } finally {
    model.dispose();
  }
}

/** Loads an exported directory with plain tfjs (no file:// handler needed). */
export async function loadExportedModel(dir: string): Promise<tf.LayersModel> {
  const file = path.join(dir, EXPORT_FILES.model);
  let json: { modelTopology: object; weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: cannot read the exported model (${(e as Error).message})`);
  }
  const specs = json.weightsManifest.flatMap((g) => g.weights);
  const buffers = json.weightsManifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(dir, p))));
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength);
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData }));
}
