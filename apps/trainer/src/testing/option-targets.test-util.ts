// The option fuzz targets of `ssad`'s commands (tools/fuzz/cli-options.ts): each command's parse-and-check step,
// with valid base arguments the fuzzed option is added to. Run by cli-options-fuzz.spec.ts and `nx run trainer:fuzz`.
import path from 'node:path';
import { parseArgs, type ArgSpec } from '@ssad/pipeline';
import { optionTarget, pathFixture } from '../../../../tools/fuzz/cli-options.js';
import type { FuzzTarget } from '../../../../tools/fuzz/harness.js';
import { EVALUATE_ARGS } from '../evaluate-command.js';
import { EXPORT_ARGS } from '../export-command.js';
import { PREDICT_ARGS } from '../predict-command.js';
import { parseTrain, TRAIN_ARGS } from '../train-command.js';

export function trainerOptionTargets(): FuzzTarget<unknown>[] {
  const fx = pathFixture();
  const plain = (specs: readonly ArgSpec[]) => (argv: string[]) => parseArgs(argv, specs).options;
  return [
    optionTarget({
      name: 'trainer-train',
      specs: TRAIN_ARGS,
      base: ['--data', fx.dir, '--category', 'tiny', '--preset', 'quick', '--out', path.join(fx.root, 'out')],
      parse: (argv) => {
        const r = parseTrain(argv);
        if (r.help) throw new Error('help');
        return r.options;
      },
    }, fx),
    optionTarget({ name: 'trainer-evaluate', specs: EVALUATE_ARGS, base: ['--run', fx.dir], parse: plain(EVALUATE_ARGS) }, fx),
    optionTarget({ name: 'trainer-predict', specs: PREDICT_ARGS, base: ['--detector', fx.dir, 'image.png'], parse: plain(PREDICT_ARGS) }, fx),
    optionTarget({ name: 'trainer-export', specs: EXPORT_ARGS, base: ['--detector', fx.dir], parse: plain(EXPORT_ARGS) }, fx),
  ] as FuzzTarget<unknown>[];
}
