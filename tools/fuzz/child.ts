// For specs: runs a lib's fuzz script in one child process (jest's own heap and workers would blur the memory
// peaks), its targets one after the other, and returns their reports.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FuzzReport } from './harness.js';

// Specs run under jest (CommonJS), where __dirname is defined.
const root = path.resolve(__dirname, '../..');

export function fuzzInChild(entry: string, targets: string[], runs: number, seed = 14): FuzzReport[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-fuzz-child-'));
  try {
    const json = path.join(dir, 'reports.json');
    const r = spawnSync(process.execPath, ['--import', 'tsx', entry, '--same-process', '--target', targets.join(','), '--runs', String(runs), '--seed', String(seed), '--json', json], {
      cwd: root,
      env: { ...process.env, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.base.json') },
      encoding: 'utf8',
    });
    if (!fs.existsSync(json)) throw new Error(`${entry} wrote no reports (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
    return JSON.parse(fs.readFileSync(json, 'utf8')) as FuzzReport[];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
