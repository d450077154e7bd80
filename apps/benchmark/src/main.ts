#!/usr/bin/env -S npx tsx
// Entry point: wires the process (argv, stdout, Ctrl-C, exit code) to the benchmark CLI.
import { main } from './cli.js';

// Quiets TensorFlow's C++ info/warning logs once the native backend is up. libtensorflow 2.21 prints its start-up
// banner (oneDNN, CPU features) before it reads this variable, so those lines still appear.
process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';

const controller = new AbortController();
process.on('SIGINT', () => {
  if (controller.signal.aborted) process.exit(130);
  process.stderr.write('\nstopping after the current step (finished runs are kept; rerun to resume); Ctrl-C again to quit now\n');
  controller.abort();
});

main(process.argv.slice(2), { write: (s) => process.stdout.write(s), tty: process.stdout.isTTY === true, signal: controller.signal }).then(
  (code) => process.exit(controller.signal.aborted && code === 0 ? 130 : code),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
