// Peak memory of hostile safetensors files: every case of the two reader fuzz targets, run in a child process,
// stays within its bound (4 × its bytes + 160 MiB; see safetensors-fuzz.test-util.ts).
import { canMeasurePeaks } from '../../../tools/fuzz/harness.js';
import { fuzzInChild } from '../../../tools/fuzz/child.js';

const measurable = canMeasurePeaks();
if (!measurable) console.warn('fuzz-memory.spec: skipped, this system cannot reset a process peak memory (/proc/self/clear_refs)');

(measurable ? it : it.skip)('reading 200 hostile safetensors files of each target stays within their memory bound', () => {
  const reports = fuzzInChild('libs/models/fuzz/run.ts', ['safetensors-mutated', 'safetensors-headers'], 200);
  expect(reports.map((r) => [r.target, r.runs, r.failure])).toEqual([
    ['safetensors-mutated', 200, undefined],
    ['safetensors-headers', 200, undefined],
  ]);
  for (const r of reports) expect(r.largestPeak!.bytes).toBeLessThanOrEqual(r.largestPeak!.bound!);
});
