// Seeded fuzzing of the safetensors reader inside the normal suite; `nx run models:fuzz` runs the same targets
// for longer, with per-case memory peaks.
import * as fc from 'fast-check';
import { fuzz } from '../../../tools/fuzz/harness.js';
import { checkParsed, safetensorsHeaders, safetensorsMutated, validFile } from './safetensors-fuzz.test-util.js';
import { parseSafetensors } from './safetensors.js';

const SEED = 14;

it('reads every generated valid file back with its names, dtypes and shapes', () => {
  fc.assert(
    fc.property(validFile, ({ bytes, tensors }) => {
      const parsed = parseSafetensors(bytes, 'valid.safetensors');
      checkParsed(parsed, bytes);
      const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
      expect([...parsed.tensors].map(([name, t]) => ({ name, dtype: t.dtype, shape: t.shape })).sort(byName)).toEqual([...tensors].sort(byName));
    }),
    { seed: SEED, numRuns: 200 },
  );
});

// `accepted`: the share of cases read in full, a sign that cases get past the first checks (most edits of a
// small file hit its header and break it; generated headers are built to be mostly right).
it.each([
  [safetensorsMutated.name, safetensorsMutated, 300, 0.005],
  [safetensorsHeaders.name, safetensorsHeaders, 400, 0.05],
] as const)('%s: every case is read or refused with an error naming the file', async (_name, target, runs, accepted) => {
  const report = await fuzz(target as typeof safetensorsHeaders, { seed: SEED, runs, measureMemory: false });
  expect(report.failure).toBeUndefined();
  expect(report.runs).toBe(runs);
  expect(report.outcomes.accepted).toBeGreaterThan(runs * accepted);
  expect(Object.keys(report.outcomes).length).toBeGreaterThan(8);
});
