// Throughput of the pretext sampler and the batch filler at 256×256 RGB on one core.
import { fillPretextBatch, pretextSample, resolvePretextOptions, Rng, type PixelImage } from '../src/index.js';
import { bottleTrainDir, loadRgbImages, noiseImage, sharedRoot } from '../testing/images.js';
import fs from 'node:fs';
import path from 'node:path';

function timeIt(label: string, samples: number, fn: () => void, repeats = 5): void {
  fn();
  const rates: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    rates.push(samples / s);
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)]!;
  console.log(`${label.padEnd(58)} median ${median.toFixed(0).padStart(6)} samples/s  (best ${rates.at(-1)!.toFixed(0)}, worst ${rates[0]!.toFixed(0)}, ${repeats} runs × ${samples})`);
}

async function main(): Promise<void> {
  const dir = bottleTrainDir(sharedRoot(path.resolve(process.cwd(), 'libs/augment/bench')));
  let images: PixelImage[];
  if (fs.existsSync(dir)) {
    images = await loadRgbImages(dir, 16);
    console.log(`images: 16 MVTec bottle train images, 256×256 RGB (${dir})`);
  } else {
    images = Array.from({ length: 16 }, (_, i) => noiseImage(256, 256, 3, i));
    console.log(`images: 16 synthetic 256×256 RGB (${dir} not found)`);
  }
  const rng = new Rng(1);
  const n = 2000;
  for (const classes of ['polygon-scar', 'rect-scar', 'rect-polygon-scar'] as const) {
    const o = resolvePretextOptions({ classes });
    timeIt(`pretextSample, ${classes}`, n, () => {
      for (let i = 0; i < n; i++) pretextSample(images[i % images.length]!, rng, o);
    });
  }
  for (const kind of [['normal only', [1, 0, 0]], ['polygon only', [0, 1, 0]], ['scar only', [0, 0, 1]]] as const) {
    const o = resolvePretextOptions({ weights: kind[1] });
    timeIt(`pretextSample, ${kind[0]}`, n, () => {
      for (let i = 0; i < n; i++) pretextSample(images[i % images.length]!, rng, o);
    });
  }
  const batch = 96;
  const out = { x: new Float32Array(batch * 256 * 256 * 3), y: new Int32Array(batch) };
  const rounds = 20;
  timeIt(`fillPretextBatch, batch ${batch}, [0,1] floats`, batch * rounds, () => {
    for (let r = 0; r < rounds; r++) fillPretextBatch(images, rng, out);
  });
  const normalize = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
  timeIt(`fillPretextBatch, batch ${batch}, ImageNet-normalised`, batch * rounds, () => {
    for (let r = 0; r < rounds; r++) fillPretextBatch(images, rng, out, { normalize });
  });
}

void main();
