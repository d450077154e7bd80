// `nx run benchmark:fuzz`: the option fuzz targets of the sweep and the worker for long runs (see
// tools/fuzz/cli.ts for the options, e.g. `-- --seconds 60 --seed 2`).
import { fuzzCli } from '../../../tools/fuzz/cli.js';
import { benchmarkOptionTargets } from '../src/testing/option-targets.test-util.js';

const targets = benchmarkOptionTargets();
await fuzzCli(Object.fromEntries(targets.map((t) => [t.name, () => t])), process.argv[1]);
