// Phase timings of one small experiment (written 64 px category, 2 × 256 samples of stage 1) on the active backend.
// Run: SSAD_BACKEND=tensorflow NX_DAEMON=false npx nx run pipeline:bench
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initBackend } from '@ssad/models';
import { resolveOptions, runExperiment, writeTinyCategory } from '../src/index.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-pipeline-bench-'));
try {
  const backend = await initBackend();
  await writeTinyCategory(tmp, 'bench', { size: 64, train: 60, testGood: 10, testDefect: 10 });
  const o = resolveOptions({
    preset: 'quick', dataRoot: tmp, category: 'bench', outDir: path.join(tmp, 'run'), imageSize: 64, batchSize: 32,
    frozenEpochs: 2, fullEpochs: 0, samplesPerEpoch: 256,
  });
  const m = await runExperiment(o);
  console.log(`backend ${backend.backend}; 64 px, 54 train / 20 test images, 2 × 256 pretext samples (stage 1, nothing pretrained = all trainable)`);
  for (const [k, v] of Object.entries(m.timings)) console.log(`${k.padEnd(10)} ${v.toFixed(2)} s`);
  console.log(`train     ${(512 / m.timings.train).toFixed(1)} samples/s`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
