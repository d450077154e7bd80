// The benchmark's argument checks through the spawned `ssad-benchmark` bin: list typos and categories that are not
// in the dataset end it with exit 2 before any run starts.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { writeTinyCategory } from '@ssad/pipeline';

const BIN = path.resolve(__dirname, '../bin/ssad-benchmark.mjs');

function run(args: string[], cwd: string): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.once('close', (code) => resolve({ code, stdout }));
  });
}

describe('ssad-benchmark usage (spawned bin)', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-bench-usage-'));
    await writeTinyCategory(path.join(tmp, 'data'), 'tiny', { size: 32, train: 4 });
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('refuses "--seeds 0,,1" and unknown --categories (listing those that exist) with exit 2, before any run', async () => {
    const out = path.join(tmp, 'out');
    const [seeds, categories] = await Promise.all([
      // A missing --data: were the list accepted, the run would end at once with exit 1, not start a sweep.
      run(['--seeds', '0,,1', '--data', path.join(tmp, 'missing')], tmp),
      run(['--data', path.join(tmp, 'data'), '--categories', 'tiny,bottle', '--preset', 'quick', '--image-size', '32', '--out', out], tmp),
    ]);
    expect(seeds.code).toBe(2);
    expect(seeds.stdout).toContain('error: --seeds: expected a comma-separated list without empty items, got "0,,1"');
    expect(categories.code).toBe(2);
    expect(categories.stdout).toContain(`error: --categories: bottle is not under ${path.join(tmp, 'data')} (categories there: tiny)`);
    expect(fs.existsSync(path.join(out, 'tiny'))).toBe(false);
  });
});
