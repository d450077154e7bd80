#!/usr/bin/env -S npx tsx
// Entry point: wires the process (argv, stdout, Ctrl-C / SIGTERM, exit code) to the CLI.
import { abortOnStopSignals, installWriteHooks, SIGNAL_EXIT_CODES } from '@ssad/pipeline';
import { main } from './cli.js';

// Quiets TensorFlow's C++ info/warning logs once the native backend is up (the bin launcher sets it too, for runs
// that do not start here). libtensorflow 2.21 prints its start-up banner (oneDNN) before it reads this variable.
process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';

// Crash tests only (SSAD_TRACE_WRITES / SSAD_KILL_AT_WRITE, see @ssad/pipeline fault-hooks.ts).
installWriteHooks(process.env, { print: (s) => process.stderr.write(s), kill: () => process.kill(process.pid, 'SIGKILL') });

// SIGTERM stops the run exactly like a terminal Ctrl-C: after the current step, with the checkpoint kept.
const { controller, stoppedBy } = abortOnStopSignals((signal) =>
  process.stderr.write(`\n${signal}: stopping after the current step (a training checkpoint is kept for --resume); send it again to quit now\n`),
);

main(process.argv.slice(2), { write: (s) => process.stdout.write(s), tty: process.stdout.isTTY === true, signal: controller.signal }).then(
  // A run that still finished after the signal (it came during the last writes) reports success.
  (code) => {
    const signal = stoppedBy();
    process.exit(signal && code !== 0 ? SIGNAL_EXIT_CODES[signal] : code);
  },
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
