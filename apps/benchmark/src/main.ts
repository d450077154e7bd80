#!/usr/bin/env -S npx tsx
// Entry point: wires the process (argv, stdout, Ctrl-C / SIGTERM, exit code) to the benchmark CLI.
import { abortOnStopSignals, installWriteHooks, SIGNAL_EXIT_CODES } from '@ssad/pipeline';
import { main, stopNotice } from './cli.js';

// Quiets TensorFlow's C++ info/warning logs once the native backend is up. libtensorflow 2.21 prints its start-up
// banner (oneDNN, CPU features) before it reads this variable, so those lines still appear.
process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';

// Crash tests only (SSAD_TRACE_WRITES / SSAD_KILL_AT_WRITE, see @ssad/pipeline fault-hooks.ts).
installWriteHooks(process.env, { print: (s) => process.stderr.write(s), kill: () => process.kill(process.pid, 'SIGKILL') });

const argv = process.argv.slice(2);
const { controller, stoppedBy } = abortOnStopSignals((signal) => process.stderr.write(`\n${signal}: ${stopNotice(argv)}; send it again to quit now\n`));

main(argv, { write: (s) => process.stdout.write(s), tty: process.stdout.isTTY === true, signal: controller.signal }).then(
  (code) => {
    const signal = stoppedBy();
    process.exit(signal ? SIGNAL_EXIT_CODES[signal] : code);
  },
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
