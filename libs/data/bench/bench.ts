// nx run data:bench — decode+resize throughput on real MVTec files and synthetic dataset generation time.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateSyntheticDataset, openMvtec, type Dataset } from '@ssad/data';

const shared = path.resolve(process.cwd(), '../shared/data');

async function throughput(ds: Dataset, rounds: number): Promise<number> {
  const items = [...ds.train, ...ds.validation, ...ds.test];
  await ds.loadAll(items, { concurrency: 4 }); // warm-up (JIT, workers started)
  const t = performance.now();
  for (let r = 0; r < rounds; r++) await ds.loadAll(items, { concurrency: 4 });
  return (rounds * items.length) / ((performance.now() - t) / 1000);
}

async function decodeBench(root: string, label: string, rounds: number): Promise<void> {
  if (!fs.existsSync(path.join(root, 'bottle'))) {
    console.log(`${label}: skipped (${root} absent)`);
    return;
  }
  for (const decodeThreads of [0, 2, 0, 2]) {
    // cacheSize 0: every load really reads, decodes and resizes.
    const ds = await openMvtec(root, 'bottle', { cacheSize: 0, decodeThreads, validationFraction: 0 });
    const rate = await throughput(ds, rounds);
    await ds.close();
    console.log(`${label}: decode+resize → 256×256, decodeThreads=${decodeThreads}: ${rate.toFixed(1)} images/s`);
  }
}

async function main(): Promise<void> {
  console.log(`node ${process.version}, ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  await decodeBench(path.join(shared, 'mvtec_ad_fullres_sample'), '900×900 PNG (7 files)', 8);
  await decodeBench(path.join(shared, 'mvtec_ad_256'), '256×256 PNG (292 files)', 1);
  for (const size of [256, 64]) {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-data-bench-'));
    const t = performance.now();
    const m = await generateSyntheticDataset(out, { size });
    const s = (performance.now() - t) / 1000;
    const images = m.categories.length * (m.trainCount + m.testGoodCount + 3 * m.defectCount);
    console.log(`synthetic dataset ${size}px: ${images} images + ${m.categories.length * 3 * m.defectCount} masks in ${s.toFixed(2)} s`);
    fs.rmSync(out, { recursive: true, force: true });
  }
  console.log(`load average after: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

void main();
