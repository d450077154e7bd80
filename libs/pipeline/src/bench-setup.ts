// What a sweep needs before its first run: the dataset root (the synthetic dataset when none is given) and the
// header of results.json (versions, backend, preset, options).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { ensureSyntheticDataset } from '@ssad/data';
import { initBackend } from '@ssad/models';
import type { OnEvent } from './events.js';
import { PRESETS, type ExperimentOptions } from './options.js';
import type { SweepHeader } from './results.js';

export const PIPELINE_VERSION = '0.1.0';

export interface DatasetChoice {
  root: string;
  synthetic: boolean;
}

/** The cache folder of the synthetic dataset (SSAD_CACHE_DIR or ~/.cache/ssad). */
export function syntheticCacheDir(imageSize: number): string {
  const base = process.env.SSAD_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'ssad');
  return path.join(base, `synthetic-${PIPELINE_VERSION}-${imageSize}`);
}

export async function prepareDataset(
  o: Partial<ExperimentOptions>,
  hooks: { onEvent?: OnEvent } = {},
): Promise<DatasetChoice> {
  if (o.dataRoot !== undefined) {
    if (!fs.existsSync(o.dataRoot) || !fs.statSync(o.dataRoot).isDirectory())
      throw new Error(`--data ${o.dataRoot}: not a directory`);
    return { root: path.resolve(o.dataRoot), synthetic: false };
  }
  const size = o.imageSize ?? PRESETS[o.preset ?? 'paper'].imageSize;
  const root = syntheticCacheDir(size);
  hooks.onEvent?.({ kind: 'phase', phase: 'data', message: `no dataset root: the synthetic dataset (${size} px) in ${root}` });
  await ensureSyntheticDataset(root, {
    size,
    onProgress: (done, total) => hooks.onEvent?.({ kind: 'count', phase: 'generate', done, total }),
  });
  return { root, synthetic: true };
}

export async function benchmarkHeader(dataset: DatasetChoice, preset: string, overrides: Partial<ExperimentOptions>): Promise<SweepHeader> {
  const backend = await initBackend();
  return {
    dataset: dataset.root,
    synthetic: dataset.synthetic,
    preset,
    backend: `${backend.backend} (${backend.package})`,
    versions: { node: process.versions.node, tfjs: tf.version_core, ssad: PIPELINE_VERSION, platform: `${os.platform()}-${os.arch()}`, cpus: String(os.cpus().length) },
    // The preset's values with the overrides applied: what every run of the sweep uses.
    options: { ...PRESETS[overrides.preset ?? 'paper'], ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) },
    startedAt: new Date().toISOString(),
  };
}
