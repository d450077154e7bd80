// Peak memory of hostile images: every case of the decoder fuzz targets, run in a child process, stays within
// its bound (16 × its bytes + 40 bytes per pixel the limit allows + 48 MiB; see testing/image-fuzz.test-util.ts).
import { canMeasurePeaks } from '../../../tools/fuzz/harness.js';
import { fuzzInChild } from '../../../tools/fuzz/child.js';

const measurable = canMeasurePeaks();
if (!measurable) console.warn('fuzz-memory.spec: skipped, this system cannot reset a process peak memory (/proc/self/clear_refs)');

(measurable ? it : it.skip)('png, jpeg and pool decoding of 100 hostile cases each stay within their memory bound', () => {
  const reports = fuzzInChild('libs/data/fuzz/run.ts', ['png-decode', 'jpeg-decode', 'pool-decode'], 100);
  expect(reports.map((r) => [r.target, r.runs, r.failure])).toEqual([
    ['png-decode', 100, undefined],
    ['jpeg-decode', 100, undefined],
    ['pool-decode', 100, undefined],
  ]);
  for (const r of reports) expect(r.largestPeak!.bytes).toBeLessThanOrEqual(r.largestPeak!.bound!);
});
