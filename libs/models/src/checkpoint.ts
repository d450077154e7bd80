// Training checkpoints: one safetensors file with the parameters (torch layout, torchvision names), the momentum
// buffers (`momentum.<name>`) and the loop position as JSON metadata. Written atomically (a temporary file beside
// it, flushed, renamed over it), so a crash mid-write leaves the previous checkpoint intact.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ensureFolder } from './atomic-write.js';
import type { Network, ResolvedNetworkOptions } from './network.js';
import { fromTorch, toTorch } from './params.js';
import type { TensorMap } from './safetensors.js';
import { readSafetensors, writeSafetensors } from './safetensors-files.js';
import type { Sgd } from './sgd.js';
import * as tf from '@tensorflow/tfjs';

export const CHECKPOINT_FILE = 'checkpoint.safetensors';
export const CHECKPOINT_FORMAT = 1;

export interface CheckpointPosition {
  /** Index of the stage the last completed epoch belongs to (0-based). */
  stage: number;
  /** Epochs of that stage completed. */
  epochsDone: number;
  /** Optimisation steps done so far, all stages. */
  globalStep: number;
}

interface Meta extends CheckpointPosition {
  formatVersion: number;
  network: ResolvedNetworkOptions;
  /** Training options that must match for a resume to reproduce the run. */
  fingerprint: string;
  /** Network.pretrained at save time (decides what a 'pretrained' freeze keeps fixed). */
  pretrained: string[];
}

export function saveCheckpoint(dir: string, net: Network, sgd: Sgd, position: CheckpointPosition, fingerprint: string): string {
  ensureFolder(dir);
  const tensors: TensorMap = net.params.toTorchState();
  for (const [name, buf] of sgd.buffers) {
    const spec = net.params.specs.get(name)!;
    tensors.set(`momentum.${name}`, { shape: [...buf.shape], data: toTorch(spec, buf.dataSync() as Float32Array) });
  }
  const meta: Meta = { formatVersion: CHECKPOINT_FORMAT, ...position, network: net.options, fingerprint, pretrained: [...net.pretrained] };
  const file = path.join(dir, CHECKPOINT_FILE);
  writeSafetensors(file, tensors, { ssad: JSON.stringify(meta) });
  return file;
}

/** Restores parameters and momentum buffers; returns where the run stopped, or undefined if there is no checkpoint. */
export function loadCheckpoint(dir: string, net: Network, sgd: Sgd, fingerprint: string): CheckpointPosition | undefined {
  const file = path.join(dir, CHECKPOINT_FILE);
  if (!fs.existsSync(file)) return undefined;
  const { tensors, metadata } = readSafetensors(file);
  let meta: Meta;
  try {
    meta = JSON.parse(metadata.ssad ?? '');
  } catch {
    throw new Error(`${file}: not an ssad checkpoint (no "ssad" metadata)`);
  }
  if (meta.formatVersion !== CHECKPOINT_FORMAT) throw new Error(`${file}: checkpoint formatVersion ${meta.formatVersion}, this version reads ${CHECKPOINT_FORMAT}`);
  // The seed only chose the initial values, which the checkpoint replaces.
  const arch = (o: ResolvedNetworkOptions) => JSON.stringify({ ...o, seed: undefined });
  if (arch(meta.network) !== arch(net.options))
    throw new Error(`${file}: written for network ${JSON.stringify(meta.network)}, not ${JSON.stringify(net.options)}`);
  if (meta.fingerprint !== fingerprint) throw new Error(`${file}: written with other training options (${meta.fingerprint}), resume needs ${fingerprint}`);
  const params = new Map([...tensors].filter(([k]) => !k.startsWith('momentum.')));
  net.params.load(params, { origin: file });
  net.pretrained.clear();
  for (const name of meta.pretrained ?? []) net.pretrained.add(name);
  for (const [key, t] of tensors) {
    if (!key.startsWith('momentum.')) continue;
    const name = key.slice('momentum.'.length);
    const spec = net.params.specs.get(name);
    if (!spec) throw new Error(`${file}: momentum buffer for unknown parameter "${name}"`);
    const p = net.params.get(name);
    const values = tf.tensor(fromTorch(spec, t.data as Float32Array), spec.shape);
    const existing = sgd.buffers.get(name);
    if (existing) existing.assign(values);
    else sgd.buffers.set(name, tf.variable(values, false, `${p.name}/momentum`));
    if (existing) values.dispose();
  }
  return { stage: meta.stage, epochsDone: meta.epochsDone, globalStep: meta.globalStep };
}
