// Every option of the sweep and the worker that takes a value, fuzzed through the command's parse-and-check step
// (tools/fuzz/cli-options.ts): valid values accepted, every other one refused with a one-line error naming the
// option. `nx run benchmark:fuzz` runs the same targets for longer.
import { fuzz } from '../../../tools/fuzz/harness.js';
import { benchmarkOptionTargets } from './testing/option-targets.test-util.js';

const SEED = 14;
const RUNS = 1500;

describe('ssad-benchmark options (fuzzed)', () => {
  it.each(benchmarkOptionTargets().map((t) => [t.name, t] as const))('%s: each value accepted when valid, else refused naming the option', async (_name, target) => {
    const report = await fuzz(target, { seed: SEED, runs: RUNS, measureMemory: false });
    expect(report.failure).toBeUndefined();
    expect(report.runs).toBe(RUNS);
    // Both sides are reached: valid values get through, and bad ones are refused for many different reasons.
    expect(report.outcomes.accepted).toBeGreaterThan(RUNS * 0.05);
    expect(Object.keys(report.outcomes).length).toBeGreaterThan(5);
  });
});
