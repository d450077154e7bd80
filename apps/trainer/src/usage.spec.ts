// The smaller promises of the `ssad` command, through the spawned bin: help with defaults and ranges, -h,
// --version, the paper preset's notice, and messages that name the file at fault.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeMaskPng } from '@ssad/data';
import { writeTinyCategory } from '@ssad/pipeline';
import { runCli, SSAD } from './testing/cli-process.test-util.js';

describe('ssad usage (spawned CLI)', () => {
  let tmp: string;
  let data: string;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-usage-'));
    data = path.join(tmp, 'data');
    await writeTinyCategory(data, 'tiny', { size: 32, train: 12 });
    const bad = await writeTinyCategory(data, 'badmask', { size: 32, train: 12 });
    await writeMaskPng(path.join(bad, 'ground_truth', 'blob', '000_mask.png'), new Uint8Array(16 * 16), 16, 16);
    fs.writeFileSync(path.join(tmp, 'weights.png'), fs.readFileSync(path.join(data, 'tiny', 'train', 'good', '000.png')));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('prints help with every default and range (-h too), and --version', async () => {
    const [usage, help, short, version] = await Promise.all([
      runCli(SSAD, ['-h'], tmp), runCli(SSAD, ['train', '--help'], tmp), runCli(SSAD, ['train', '-h'], tmp), runCli(SSAD, ['--version'], tmp),
    ]);
    expect(usage.code).toBe(0);
    expect(usage.stdout).toMatch(/^ {2}export +--detector/m);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--out <string> +output folder \(default \.\/runs\/<category> \(ssad train\)/);
    expect(help.stdout).toMatch(/--image-size <int> +square input size in pixels \(default from --preset: paper 256, quick 128, dense 256; range \[32, 1024\]\)/);
    expect(help.stdout).toMatch(/--seed <int> .*\(default 0; range \[0, 2147483647\]\)/);
    expect(short.stdout).toBe(help.stdout);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^ssad 0\.1\.0 \(tfjs \d+\.\d+\.\d+, node \d+\.\d+\.\d+\)\n$/);
  });

  it('says what the paper preset costs before it starts, and that --weights is not a safetensors file; no run folder is left', async () => {
    const out = path.join(tmp, 'paper');
    const r = await runCli(SSAD, ['train', '--data', data, '--category', 'tiny', '--preset', 'paper', '--image-size', '32', '--weights', path.join(tmp, 'weights.png'), '--out', out], tmp);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^\[preset\] preset paper: 32 px, 30\+20 epochs × \d+ samples, batch 96; training ≈ [\d:]+ on a 2-core CPU \(.*--preset quick.*--preset dense/m);
    expect(r.stdout).toContain(`error: ${path.join(tmp, 'weights.png')}: not a safetensors file`);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('refuses a mask whose size differs from its image, naming both files', async () => {
    const r = await runCli(SSAD, ['train', '--data', path.join(data, 'badmask'), '--preset', 'quick', '--image-size', '32', '--out', path.join(tmp, 'm')], tmp);
    expect(r.code).toBe(1);
    const dir = path.join(data, 'badmask');
    expect(r.stdout).toContain(`${path.join(dir, 'ground_truth', 'blob', '000_mask.png')}: mask is 16×16 but its image ${path.join(dir, 'test', 'blob', '000.png')} is 32×32`);
  });
});
