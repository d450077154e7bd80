// Seeded fuzzing of the image decoders inside the normal suite; `nx run data:fuzz` runs the same targets longer.
import path from 'node:path';
import { fuzz } from '../../../tools/fuzz/harness.js';
import { DecodePool } from './decode-pool.js';
import { imageSeeds, jpegTarget, pngTarget, poolTarget } from './testing/image-fuzz.test-util.js';

const SEED = 14;
// The shared reference JPEGs (progressive, grey, EXIF, ICC) join the seeds when ../shared is there.
const seeds = imageSeeds(path.resolve(__dirname, '../../../../shared'));
const pool = new DecodePool(1);
afterAll(() => pool.close());

// `accepted`: the least share of cases decoded in full, a sign that the edits reach the decoders.
it.each([
  ['png-decode', () => pngTarget(seeds), 400, 0.05],
  ['jpeg-decode', () => jpegTarget(seeds), 300, 0.2],
  ['pool-decode', () => poolTarget(seeds, pool), 300, 0.1],
] as const)('%s: every case decodes within the pixel limit or is refused naming the file', async (_name, target, runs, accepted) => {
  const report = await fuzz(target(), { seed: SEED, runs, measureMemory: false });
  expect(report.failure).toBeUndefined();
  expect(report.runs).toBe(runs);
  expect(report.outcomes.accepted).toBeGreaterThan(runs * accepted);
  expect(Object.keys(report.outcomes).length).toBeGreaterThan(5);
});
