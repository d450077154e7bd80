#!/usr/bin/env node
// The README's test command: jest for every project through Nx (one project at a time: the machines have two
// cores and the model tests use both), then one closing line with the totals over all projects (written per
// project by tools/jest-totals-reporter.cjs). Extra arguments go to `nx run-many` (`npm test -- --projects=metrics`).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const totalsDir = path.join(root, 'coverage', 'jest');
fs.rmSync(totalsDir, { recursive: true, force: true });

const nx = path.join(root, 'node_modules', '.bin', 'nx');
const args = ['run-many', '-t', 'test', '--parallel=1', '--outputStyle=stream', ...process.argv.slice(2)];
const run = spawnSync(nx, args, { cwd: root, stdio: 'inherit' });

const totals = { passed: 0, failed: 0, skipped: 0 };
for (const file of fs.existsSync(totalsDir) ? fs.readdirSync(totalsDir) : []) {
  const t = JSON.parse(fs.readFileSync(path.join(totalsDir, file), 'utf8'));
  for (const k of Object.keys(totals)) totals[k] += t[k];
}
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(run.status ?? 1);
