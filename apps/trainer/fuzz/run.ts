// `nx run trainer:fuzz`: the option fuzz targets of every `ssad` command for long runs (see tools/fuzz/cli.ts for
// the options, e.g. `-- --seconds 60 --seed 2`).
import { fuzzCli } from '../../../tools/fuzz/cli.js';
import { trainerOptionTargets } from '../src/testing/option-targets.test-util.js';

const targets = trainerOptionTargets();
await fuzzCli(Object.fromEntries(targets.map((t) => [t.name, () => t])), process.argv[1]);
