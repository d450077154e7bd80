// `nx run models:fuzz`: the safetensors and detector-loader fuzz targets for long runs, each in its own process
// with per-case memory peaks (see tools/fuzz/cli.ts for the options, e.g. `-- --seconds 300 --seed 2`).
import { fuzzCli } from '../../../tools/fuzz/cli.js';
import type { FuzzTarget } from '../../../tools/fuzz/harness.js';
import { detectorFixture, folderTarget, manifestTarget } from '../src/detector-fuzz.test-util.js';
import { safetensorsHeaders, safetensorsMutated } from '../src/safetensors-fuzz.test-util.js';

// The detector targets need a saved fixture detector, made only in the child that runs them.
const child = process.argv.indexOf('--child');
const needsFixture = child < 0 || process.argv[child + 1].startsWith('detector-');
const fx = needsFixture ? await detectorFixture() : undefined;
const detectorTargets = fx ? [manifestTarget(fx), folderTarget(fx)] : [];

const targets = [safetensorsMutated, safetensorsHeaders, ...detectorTargets] as FuzzTarget<unknown>[];

await fuzzCli(targets, process.argv[1]);
