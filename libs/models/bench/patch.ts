// `nx run models:bench` (second part; `BENCH_PARTS=patch` alone): PatchDensity at 256 px on the shared bottle
// images with the ImageNet layer1–3 weights — bank build time per sampling, bank size, map scoring images/s and
// peak RSS (random 0.0365 gives magnetic tile's bank size, ≈ 7,000 rows). Falls back to seeded noise images (same
// shapes) when ../shared is absent.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PixelImage } from '@ssad/augment';
import { Rng } from '@ssad/augment';
import { Network, PatchDensity, readSafetensors } from '../src/index.js';
import { readPng } from '../src/testing.test-util.js';
import { peakRssMiB } from './common.js';

const shared = path.resolve(process.cwd(), '../shared');
const bottle = path.join(shared, 'data/mvtec_ad_256/bottle');
const weights = path.join(shared, 'weights/resnet18-imagenet-to-layer3.safetensors');

async function images(dir: string, n: number, seed: number): Promise<PixelImage[]> {
  if (fs.existsSync(dir)) {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.png')).sort().slice(0, n);
    return Promise.all(files.map((f) => readPng(path.join(dir, f))));
  }
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => ({ width: 256, height: 256, channels: 3 as const, data: Uint8Array.from({ length: 256 * 256 * 3 }, () => rng.int(0, 255)) }));
}

export async function benchPatch(): Promise<string[]> {
  const real = fs.existsSync(bottle) && fs.existsSync(weights);
  const train = await images(path.join(bottle, 'train/good'), 188, 1);
  const test = await images(path.join(bottle, 'test/broken_large'), 20, 2);
  const network = new Network();
  if (real) network.loadWeights(readSafetensors(weights), { strict: false });
  const rows = [
    `PatchDensity, ${real ? 'bottle' : 'noise'} images at 256 px, ${train.length} train / ${test.length} scored, layer2+layer3 (384-d)`,
    '| sampling | bank rows | bank MB | build s | maps img/s | peak RSS MiB |',
    '|---|---|---|---|---|---|',
  ];
  for (const [sampling, fraction] of [['coreset', 0.01], ['random', 0.01], ['random', 0.0365], ['random', 0.1]] as const) {
    const t0 = performance.now();
    const d = PatchDensity.fit(network, train, { sampling, fraction });
    const build = (performance.now() - t0) / 1000;
    d.maps(network, test.slice(0, 4)); // warm-up
    const t1 = performance.now();
    d.maps(network, test);
    const rate = test.length / ((performance.now() - t1) / 1000);
    rows.push(`| ${sampling} ${fraction} | ${d.bankSize} | ${(d.state.bank.byteLength / 1e6).toFixed(1)} | ${build.toFixed(1)} | ${rate.toFixed(1)} | ${peakRssMiB().toFixed(0)} |`);
    console.log(rows.at(-1));
    d.dispose();
  }
  network.dispose();
  return rows;
}
