// Speed of the metrics on a category-sized input: 150 anomaly maps of 256×256 (~9.8 M pixels) with blob-shaped
// ground truth, and image AUROC on 1e5 scores. Run: NX_DAEMON=false npx nx run metrics:bench
import { aupro, auroc, f1Max, imageScores, pixelAuroc, pixelMetrics, proCurve } from '@ssad/metrics';

/** mulberry32: a small seeded generator so that the bench input is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COUNT = 150;
const SIZE = 256;

/** Defect blobs (unions of a few jittered ellipses) in 2/3 of the images; maps = noise + bumps on and off them. */
function makeCategory(seed: number) {
  const rand = seeded(seed);
  const per = SIZE * SIZE;
  const maps = new Float32Array(COUNT * per);
  const masks = new Uint8Array(COUNT * per);
  for (let n = 0; n < COUNT; n++) {
    const map = maps.subarray(n * per, (n + 1) * per);
    const mask = masks.subarray(n * per, (n + 1) * per);
    for (let i = 0; i < per; i++) map[i] = 0.4 * rand() + 0.2 * rand();
    const bumps: [number, number, number, number][] = [];
    const blobs = n % 3 === 0 ? 0 : 1 + Math.floor(rand() * 3);
    for (let b = 0; b < blobs; b++) {
      const cx = 30 + rand() * (SIZE - 60);
      const cy = 30 + rand() * (SIZE - 60);
      for (let e = 0; e < 3; e++) {
        const ex = cx + (rand() - 0.5) * 20;
        const ey = cy + (rand() - 0.5) * 20;
        const rx = 3 + rand() * 22;
        const ry = 3 + rand() * 22;
        for (let y = Math.max(0, Math.floor(ey - ry)); y <= Math.min(SIZE - 1, Math.ceil(ey + ry)); y++)
          for (let x = Math.max(0, Math.floor(ex - rx)); x <= Math.min(SIZE - 1, Math.ceil(ex + rx)); x++)
            if (((x - ex) / rx) ** 2 + ((y - ey) / ry) ** 2 <= 1 + 0.2 * (rand() - 0.5)) mask[y * SIZE + x] = 1;
        bumps.push([ex, ey, Math.max(rx, ry), 0.3 + 0.7 * rand()]);
      }
    }
    // Spurious responses on normal areas, as real detectors produce.
    for (let s = 0; s < 2; s++) bumps.push([rand() * SIZE, rand() * SIZE, 5 + rand() * 20, 0.5 * rand()]);
    for (const [bx, by, r, h] of bumps)
      for (let y = Math.max(0, Math.floor(by - 2 * r)); y <= Math.min(SIZE - 1, Math.ceil(by + 2 * r)); y++)
        for (let x = Math.max(0, Math.floor(bx - 2 * r)); x <= Math.min(SIZE - 1, Math.ceil(bx + 2 * r)); x++)
          map[y * SIZE + x] += h * Math.exp(-((x - bx) ** 2 + (y - by) ** 2) / (r * r));
  }
  return {
    maps: { data: maps, count: COUNT, height: SIZE, width: SIZE },
    masks: { data: masks, count: COUNT, height: SIZE, width: SIZE },
  };
}

/** Median wall and CPU time over `runs` after a warm-up; CPU time is what one core spends, whatever the load. */
function time<T>(label: string, runs: number, f: () => T): T {
  let result = f();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    result = f();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[xs.length >> 1].toFixed(0).padStart(5);
  const shown = typeof result === 'number' ? ` → ${result.toFixed(6)}` : '';
  console.log(`${label.padEnd(46)} wall ${median(wall)} ms   cpu ${median(cpu)} ms${shown}`);
  return result;
}

const t0 = performance.now();
const { maps, masks } = makeCategory(7);
let defects = 0;
for (let i = 0; i < masks.data.length; i++) defects += masks.data[i];
console.log(
  `input: ${COUNT} maps of ${SIZE}×${SIZE} = ${maps.data.length} pixels, ${defects} defect pixels ` +
    `(generated in ${(performance.now() - t0).toFixed(0)} ms)`,
);

const RUNS = 5;
console.log(`median of ${RUNS} runs after a warm-up`);
time('aupro (fprLimit 0.3)', RUNS, () => aupro(maps, masks));
time('pixelAuroc', RUNS, () => pixelAuroc(maps, masks));
time('pixelMetrics (pixel AUROC + AU-PRO, one pass)', RUNS, () => pixelMetrics(maps, masks).aupro);
time('proCurve (points; whole curve materialised)', RUNS, () => proCurve(maps, masks).fpr.length);
time('imageScores (max)', RUNS, () => imageScores(maps)[1]);
time('imageScores (topk-mean, k=100)', RUNS, () => imageScores(maps, { reduce: 'topk-mean', k: 100 })[1]);

const rand = seeded(11);
const N = 100_000;
const labels = new Uint8Array(N);
const scores64 = new Float64Array(N);
for (let i = 0; i < N; i++) {
  labels[i] = rand() < 0.3 ? 1 : 0;
  scores64[i] = rand() + 0.5 * labels[i];
}
const scores32 = Float32Array.from(scores64);
time('auroc, 1e5 Float64 scores', RUNS, () => auroc(scores64, labels));
time('auroc, 1e5 Float32 scores', RUNS, () => auroc(scores32, labels));
time('f1Max, 1e5 Float64 scores', RUNS, () => f1Max(scores64, labels).f1);
