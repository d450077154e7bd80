// `nx run data:fuzz`: the image-decoder and dataset-folder fuzz targets for long runs, each in its own process
// with per-case memory peaks (see tools/fuzz/cli.ts for the options, e.g. `-- --seconds 300 --seed 2`).
import path from 'node:path';
import { fuzzCli } from '../../../tools/fuzz/cli.js';
import type { FuzzTarget } from '../../../tools/fuzz/harness.js';
import { DecodePool } from '../src/decode-pool.js';
import { folderTarget } from '../src/testing/folder-fuzz.test-util.js';
import { imageSeeds, jpegTarget, pngTarget, poolTarget } from '../src/testing/image-fuzz.test-util.js';

// The shared reference JPEGs (progressive, grey, EXIF, ICC) join the seeds when ../shared is there.
const seeds = () => imageSeeds(path.resolve('../shared'));

await fuzzCli(
  {
    'png-decode': () => pngTarget(seeds()) as FuzzTarget<unknown>,
    'jpeg-decode': () => jpegTarget(seeds()) as FuzzTarget<unknown>,
    // The pool's idle worker does not keep the child alive; the child exits when its run is done.
    'pool-decode': () => poolTarget(seeds(), new DecodePool(1)) as FuzzTarget<unknown>,
    'dataset-folders': () => folderTarget as FuzzTarget<unknown>,
  },
  process.argv[1],
);
