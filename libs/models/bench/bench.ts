// `nx run models:bench`: inference images/s and training step time (batch 16 and 96; full and frozen backbone)
// at 64, 128, 224 and 256 px on the active backend, with the process's peak RSS after each measurement; then the
// patch density (bench/patch.ts). Batch 96 runs as micro-batches of 32 at ≥ 224 px (gradient accumulation) to
// bound memory. `BENCH_PARTS=network` or `BENCH_PARTS=patch` runs one part.
import { initBackend } from '../src/index.js';
import { peakRssMiB, timeInference, timeTrainSteps } from './common.js';
import { benchPatch } from './patch.js';

const choice = await initBackend();
console.log(`backend: ${choice.backend} — ${choice.reason}`);
const native = choice.backend === 'tensorflow';
const sizes = native ? (process.env.BENCH_SIZES ?? '64,128,224,256').split(',').map(Number) : [32];
const batches = native ? [16, 96] : [2];
if (!native) console.log('cpu backend: only 32 px, batch 2 (larger sizes take minutes per step)');

const parts = (process.env.BENCH_PARTS ?? 'network,patch').split(',');
const rows: string[] = ['| size | batch | inference img/s | full step s | frozen step s | peak RSS MiB |', '|---|---|---|---|---|---|'];
for (const size of parts.includes('network') ? sizes : []) {
  for (const batch of batches) {
    const micro = batch > 32 && size >= 224 ? 32 : undefined;
    const steps = native ? (batch * size * size > 96 * 128 * 128 ? 1 : 2) : 1;
    const inf = timeInference(size, Math.min(batch, 32), native ? 3 : 1);
    const full = timeTrainSteps(size, batch, { frozen: false, steps, microBatch: micro });
    const frozen = timeTrainSteps(size, batch, { frozen: true, steps, microBatch: micro });
    rows.push(`| ${size} | ${batch}${micro ? ` (micro ${micro})` : ''} | ${inf.toFixed(1)} | ${full.toFixed(3)} | ${frozen.toFixed(3)} | ${peakRssMiB().toFixed(0)} |`);
    console.log(rows[rows.length - 1]);
  }
}
if (parts.includes('network')) console.log(`\n${rows.join('\n')}`);
if (parts.includes('patch') && native) console.log(`\n${(await benchPatch()).join('\n')}`);
