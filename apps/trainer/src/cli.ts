// ssad trainer: train / evaluate / predict / export one category. Argument parsing and printing only (one file per
// command); the experiment itself is @ssad/pipeline, shared with the benchmark.
import { InterruptedError, ProgressRenderer, UsageError, errorMessage, softwareVersions } from '@ssad/pipeline';
import { evaluateCommand } from './evaluate-command.js';
import { exportCommand } from './export-command.js';
import type { Io } from './io.js';
import { predictCommand } from './predict-command.js';
import { TRAIN_USAGE, trainCommand } from './train-command.js';

export type { Io } from './io.js';

const USAGE = `usage: ssad <command> [options]

Commands:
  train     ${TRAIN_USAGE.replace('ssad train ', '')}
  evaluate  --run <train output folder> [--save | --out <dir>] [--embedding …] [--image-score …]
  predict   --detector <run or detector folder> [--out dir] <images or folders>...
  export    --detector <run or detector folder> [--out <bundle dir>]

Run "ssad <command> --help" (or -h) for the options of a command, with their defaults and ranges; "ssad --version".`;

const COMMANDS = { train: trainCommand, evaluate: evaluateCommand, predict: predictCommand, export: exportCommand };

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  const r = new ProgressRenderer(io.write, io.tty);
  try {
    if (command === '--version' || command === '-v') {
      const v = softwareVersions();
      io.write(`ssad ${v.ssad} (tfjs ${v.tfjs}, node ${v.node})\n`);
      return 0;
    }
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    if (!Object.hasOwn(COMMANDS, command)) throw new UsageError(`unknown command "${command}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
    return await COMMANDS[command as keyof typeof COMMANDS](rest, io, r);
  } catch (err) {
    if (err instanceof UsageError) {
      r.line(`error: ${err.message}`);
      return 2;
    }
    if (err instanceof InterruptedError) {
      r.line(err.resumable ? `${err.message}; continue with --resume` : err.message);
      return 130;
    }
    r.line(`error: ${errorMessage(err)}`);
    if (process.env.SSAD_DEBUG && err instanceof Error) io.write(`${err.stack}\n`);
    return 1;
  }
}
