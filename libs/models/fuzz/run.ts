// `nx run models:fuzz`: the safetensors and detector-loader fuzz targets for long runs, each in its own process
// with per-case memory peaks (see tools/fuzz/cli.ts for the options, e.g. `-- --seconds 300 --seed 2`).
import { fuzzCli } from '../../../tools/fuzz/cli.js';
import type { FuzzTarget } from '../../../tools/fuzz/harness.js';
import { safetensorsHeaders, safetensorsMutated } from '../src/safetensors-fuzz.test-util.js';

const targets = [safetensorsMutated, safetensorsHeaders] as FuzzTarget<unknown>[];

await fuzzCli(targets, process.argv[1]);
