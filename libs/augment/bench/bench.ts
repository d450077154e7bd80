// Throughput of the pretext sampler and the batch filler at 256×256 RGB on one core.
import { fillPretextBatch, pretextSample, resolvePretextOptions, Rng, type PixelImage } from '../src/index.js';
import { bottleTrainDir, loadRgbImages, noiseImage, sharedRoot } from '../testing/images.js';
import fs from 'node:fs';
import path from 'node:path';

// The machine is shared: CPU time of this (single-threaded) process gives the one-core rate; wall time is shown
// too. Median of `repeats` runs after one warm-up run.
function timeIt(label: string, samples: number, fn: () => void, repeats = 5): void {
  fn();
  const cpu: number[] = [];
  const wall: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    fn();
    const w = Number(process.hrtime.bigint() - t0) / 1e9;
    const c = process.cpuUsage(c0);
    cpu.push(samples / ((c.user + c.system) / 1e6));
    wall.push(samples / w);
  }
  const median = (a: number[]): number => a.sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
  console.log(
    `${label.padEnd(52)} ${median(cpu).toFixed(0).padStart(6)} samples/s CPU  ${median(wall).toFixed(0).padStart(6)} samples/s wall` +
      `  (median of ${repeats} × ${samples})`,
  );
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
