// `nx run models:fuzz`: the safetensors and detector-loader fuzz targets for long runs, each in its own process
// with per-case memory peaks (see tools/fuzz/cli.ts for the options, e.g. `-- --seconds 300 --seed 2`).
import { fuzzCli } from '../../../tools/fuzz/cli.js';
import type { FuzzTarget } from '../../../tools/fuzz/harness.js';
import { safetensorsHeaders, safetensorsMutated } from '../src/safetensors-fuzz.test-util.js';

// The detector targets need tfjs and a saved fixture detector, so they load only in the child that runs them.
const detector = async (which: 'manifest' | 'folder') => {
  const d = await import('../src/detector-fuzz.test-util.js');
  const fx = await d.detectorFixture();
  return (which === 'manifest' ? d.manifestTarget(fx) : d.folderTarget(fx)) as FuzzTarget<unknown>;
};

await fuzzCli(
  {
    'safetensors-mutated': () => safetensorsMutated as FuzzTarget<unknown>,
    'safetensors-headers': () => safetensorsHeaders as FuzzTarget<unknown>,
    'detector-manifest': () => detector('manifest'),
    'detector-folder': () => detector('folder'),
  },
  process.argv[1],
);
