import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeTinyCategory } from '@ssad/pipeline';
import { main } from '../cli.js';
import { TestRedis, describeWithRedis, freePort } from './redis-server.test-util.js';

const TINY = ['--preset', 'quick', '--image-size', '32', '--batch-size', '8', '--samples-per-epoch', '8', '--frozen-epochs', '1', '--full-epochs', '0',
  '--figure-images', '2', '--tsne-per-group', '0'];

function capture(signal?: AbortSignal, onWrite?: (s: string) => void) {
  const out: string[] = [];
  return {
    io: { write: (s: string) => (out.push(s), onWrite?.(s)), tty: false, signal },
    text: () => out.join(''),
  };
}

let tmp: string;
let data: string;
beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-queue-'));
  data = path.join(tmp, 'data');
  await writeTinyCategory(data, 'aaa', { size: 32, train: 12 });
  // Corrupt: every image is garbage bytes behind a .png name.
  const broken = await writeTinyCategory(data, 'broken', { size: 32, train: 12 });
  for (const sub of ['train/good', 'test/good', 'test/blob'])
    for (const f of fs.readdirSync(path.join(broken, sub))) fs.writeFileSync(path.join(broken, sub, f), 'not a png');
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('queue without a reachable Redis', () => {
  it('the coordinator and the worker fail with an error naming the URL, exit code 1', async () => {
    const url = `redis://127.0.0.1:${await freePort()}/0`;
    const c = capture();
    expect(await main(['--data', data, '--out', path.join(tmp, 'nowhere'), '--queue', url, ...TINY], c.io)).toBe(1);
    expect(c.text()).toContain(`error: cannot reach Redis at ${url}: connect ECONNREFUSED`);
    expect(fs.existsSync(path.join(tmp, 'nowhere'))).toBe(false);
    const w = capture();
    expect(await main(['worker', '--queue', url], w.io)).toBe(1);
    expect(w.text()).toMatch(new RegExp(`^error: cannot reach Redis at ${url}: connect ECONNREFUSED`));
  });

  it.each([
    [['worker'], /--queue: required/],
    [['worker', '--queue', 'localhost:6379'], /--queue "localhost:6379": scheme "localhost:" is not redis:/],
    [['worker', '--queue', 'redis://127.0.0.1', '--concurrency', '0'], /--concurrency: expected an integer in \[1, 64\], got "0"/],
    [['--attempts', '2'], /--attempts: only applies with --queue/],
    [['all', 'worker'], /unexpected argument "worker"/],
  ])('rejects %j with exit code 2', async (argv, message) => {
    const c = capture();
    expect(await main(argv as string[], c.io)).toBe(2);
    expect(c.text()).toMatch(message);
  });
});

describeWithRedis()('sweep through the queue (real redis-server, coordinator and workers in this process)', () => {
  let redis: TestRedis;
  beforeAll(async () => (redis = await TestRedis.start()));
  afterAll(() => redis?.stop());

  it('a stopped worker gives its job back; a corrupt category fails after its attempts while the other finishes; a rerun redoes nothing finished', async () => {
    const outRoot = path.join(tmp, 'runs');
    const out = path.join(outRoot, 'sweep');
    const sweep = ['--data', data, '--seeds', '0', '--out', out, '--queue', redis.url, '--attempts', '2', ...TINY];
    const worker = (name: string, ...more: string[]) => ['worker', '--queue', redis.url, '--name', name, '--out', outRoot, '--lock-seconds', '20', ...more];
    // Whatever happens, nothing started here outlives the test.
    const cleanup = new AbortController();
    try {
      const coordinator = capture(cleanup.signal);
      const swept = main(sweep, coordinator.io);
      // Stopped the moment it announces its first job, before that job trains.
      const stop = new AbortController();
      cleanup.signal.addEventListener('abort', () => stop.abort());
      const first = capture(stop.signal, (s) => s.startsWith('── ') && stop.abort());
      expect(await main(worker('w1'), first.io)).toBe(0);
      expect(first.text()).toMatch(/── aaa seed 0: job [0-9a-f]{12}\/aaa\/seed-0, attempt 1\/2, run folder /);
      expect(first.text()).toContain('aaa seed 0: given back to the queue');
      expect(first.text()).toContain('worker stopped after 1 job');

      const second = capture(cleanup.signal);
      const [code, workerCode] = await Promise.all([swept, main(worker('w2', '--idle-exit', '2'), second.io)]);
      expect(workerCode).toBe(0);
      expect(code).toBe(1);
      const log = coordinator.text();
      expect(log).toMatch(/2 jobs \(2 new, 0 already queued or running, 0 failed before and retried, 0 finished before\)/);
      // Given back without using up an attempt.
      expect(second.text()).toMatch(/── aaa seed 0: job \S+, attempt 1\/2/);
      expect(log).toMatch(/\[2\/2\] broken seed 0 attempt 1\/2 failed: .*broken.*\.png: not a PNG or JPEG image.*; retrying/);
      expect(log).toMatch(/\[1\/2\] aaa seed 0 (done|already done): AUROC \d\.\d{4}/);
      expect(log).toMatch(/\[2\/2\] broken seed 0 FAILED: .*not a PNG or JPEG image/);
      expect(second.text()).toContain('the queue has been empty for 2 s after its jobs: stopping');

      const md = fs.readFileSync(path.join(out, 'results.md'), 'utf8');
      expect(md).toMatch(/\| aaa \| 1 \| \d\.\d{3}/);
      expect(md).toMatch(/\| broken \| 0 \(1 failed\) \| – \|/);
      expect(md).toMatch(/## Failed runs\n\n- broken seed 0: .*not a PNG or JPEG image/);
      const json = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
      expect(json.finished).toBe(true);
      expect(json.runs.map((r: { category: string; status: string; runDir: string; worker: string }) => `${r.category} ${r.status} ${r.runDir} ${r.worker}`)).toEqual([
        expect.stringMatching(/^aaa (done|skipped) aaa\/seed-0 w2$/), 'broken failed broken/seed-0 w2',
      ]);
      expect(json.runs[0].workerRunDir).toBe(path.join(out, 'aaa', 'seed-0'));
      // The worker's run folders follow the local sweep's layout, here under the coordinator's --out (one machine).
      expect(fs.existsSync(path.join(out, 'aaa', 'seed-0', 'metrics.json'))).toBe(true);
      expect(fs.readFileSync(path.join(out, 'broken', 'seed-0', 'error.txt'), 'utf8')).toContain('not a PNG or JPEG image');

      // The same sweep submitted again: the finished job is kept, the failed one tried again (twice).
      const again = capture(cleanup.signal);
      const third = capture(cleanup.signal);
      const [code2, workerCode2] = await Promise.all([main(sweep, again.io), main(worker('w3', '--idle-exit', '2'), third.io)]);
      expect([code2, workerCode2]).toEqual([1, 0]);
      expect(again.text()).toMatch(/2 jobs \(0 new, 0 already queued or running, 1 failed before and retried, 1 finished before\)/);
      expect(third.text()).not.toContain('── aaa');
      expect(third.text().match(/── broken seed 0/g)).toHaveLength(2);
      // The same table, but for its start time and which corrupt file the decoder hit first.
      const same = (text: string) => text.replace(/started \S+/, '').replace(/\d+\.png/g, 'N.png');
      expect(same(fs.readFileSync(path.join(out, 'results.md'), 'utf8'))).toBe(same(md));
    } finally {
      cleanup.abort();
    }
  });
});
