// Run as its own process by decode-pool-close.spec.ts: opens a pool, starts small decodes on its workers, closes it
// as soon as the first has answered (what a dataset does when a strict loadAll fails while other loads are in
// flight) and awaits the close, ROUNDS times. Before the fix a worker whose last task answered during close() was
// unref'd again, so the process could end in the middle of the await and never print the last line.
import { DecodePool } from '../decode-pool.js';
import { jpegSeeds } from './image-seeds.test-util.js';

const ROUNDS = Number(process.argv[2] ?? 200);
const seeds = jpegSeeds();
for (let round = 0; round < ROUNDS; round++) {
  const pool = new DecodePool(2);
  const decodes = Array.from({ length: 8 }, (_, i) => pool.decode(seeds[i % seeds.length], `seed-${i}.jpg`));
  await Promise.race(decodes);
  await pool.close();
  await Promise.allSettled(decodes);
}
process.stdout.write(`closed ${ROUNDS} pools with decodes in flight\n`);
