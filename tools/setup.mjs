#!/usr/bin/env node
// The README's set-up: install the workspace exactly from the lockfile, then make the native TensorFlow backend
// load. Install scripts are skipped on purpose: the only ones that matter are tfjs-node's (and tfjs-node-gpu's),
// which download libtensorflow from a host outside the package registries; setup-native.mjs builds it instead.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`[setup] "${cmd} ${args.join(' ')}" failed with exit code ${r.status}`);
    process.exit(r.status ?? 1);
  }
};
run('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund']);
run(process.execPath, [path.join(root, 'tools', 'setup-native.mjs')]);
