import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeTinyCategory } from '@ssad/pipeline';
import { main } from './cli.js';

const TINY = ['--preset', 'quick', '--image-size', '32', '--batch-size', '8', '--samples-per-epoch', '8', '--frozen-epochs', '1', '--full-epochs', '0',
  '--figure-images', '2', '--tsne-per-group', '0'];

function capture() {
  const out: string[] = [];
  return { io: { write: (s: string) => void out.push(s), tty: false }, text: () => out.join('') };
}

describe('benchmark CLI', () => {
  let tmp: string;
  beforeAll(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-bench-'))));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('sweeps 2 categories × 2 seeds, records the invalid one, finishes the other, and resumes', async () => {
    const data = path.join(tmp, 'data');
    await writeTinyCategory(data, 'aaa', { size: 32, train: 12 });
    // Made invalid: no training images.
    await writeTinyCategory(data, 'broken', { size: 32, train: 12 });
    for (const f of fs.readdirSync(path.join(data, 'broken', 'train', 'good'))) fs.rmSync(path.join(data, 'broken', 'train', 'good', f));
    const out = path.join(tmp, 'out');

    const c = capture();
    const code = await main(['--data', data, '--seeds', '0,1', '--out', out, ...TINY], c.io);
    expect(code).toBe(1);
    const text = c.text();
    expect(text.split('\n')[0]).toBe(`ssad benchmark on ${data}`);
    expect(text).toMatch(/broken seed 0 FAILED: .*train/);
    expect(text).toMatch(/results: .*, 2 failed\)/);

    const json = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(json.finished).toBe(true);
    expect(json.preset).toBe('quick');
    expect(json.versions.tfjs).toMatch(/^\d+\.\d+/);
    expect(json.backend).toMatch(/tensorflow|cpu/);
    expect(json.runs.map((r: { category: string; seed: number; status: string }) => `${r.category}/${r.seed}/${r.status}`)).toEqual([
      'aaa/0/done', 'aaa/1/done', 'broken/0/failed', 'broken/1/failed',
    ]);
    const md = fs.readFileSync(path.join(out, 'results.md'), 'utf8');
    expect(md).toContain('| Category | seeds | AUC | F1-SCORE | AUPRO | pixel AUROC |');
    expect(md).toMatch(/\| aaa \| 2 \| \d\.\d{3} ± \d\.\d{3} \|/);
    expect(md).toMatch(/\| broken \| 0 \(2 failed\) \|/);
    expect(md).toContain('**average**');
    expect(md).toContain('## Image AUROC by scored embedding');
    const csv = fs.readFileSync(path.join(out, 'results.csv'), 'utf8').trim().split('\n');
    expect(csv[0].split(',').slice(0, 3)).toEqual(['category', 'seed', 'status']);
    expect(csv).toHaveLength(5);
    expect(fs.existsSync(path.join(out, 'aaa', 'seed-1', 'report.html'))).toBe(true);
    expect(fs.readFileSync(path.join(out, 'broken', 'seed-0', 'error.txt'), 'utf8')).toMatch(/train/);

    // Rerun: the finished pairs are skipped, the failing ones retried.
    const again = capture();
    expect(await main(['--data', data, '--seeds', '0,1', '--out', out, ...TINY], again.io)).toBe(1);
    expect(again.text()).toMatch(/aaa seed 0 already done/);
    expect(again.text()).toMatch(/aaa seed 1 already done/);
    expect(again.text()).not.toMatch(/── \[\d\/4\] aaa/);

    // Only the valid category: exit code 0.
    const ok = capture();
    expect(await main(['--data', data, '--categories', 'aaa', '--seeds', '0,1', '--out', out, ...TINY], ok.io)).toBe(0);
  });

  it.each([
    [['--seeds', '0,x'], /--seeds: expected an integer/],
    [['--preset', 'fast'], /--preset: expected one of paper, quick(, \w+)*, got "fast"/],
    [['--image-size', '8'], /--image-size: expected an integer in \[32, 1024\], got "8"/],
    [['--categorys', 'a'], /unknown option "--categorys"/],
    [['stray'], /unexpected argument "stray"/],
  ])('rejects %j with exit code 2', async (argv, message) => {
    const c = capture();
    expect(await main(argv as string[], c.io)).toBe(2);
    expect(c.text()).toMatch(message);
  });
});
