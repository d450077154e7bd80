// End to end: the CLI's coordinator and two worker processes on the synthetic dataset. One worker is SIGKILLed in
// the middle of a job together with the coordinator, a second coordinator re-attaches, Redis restarts (empty)
// mid-sweep; the table must still equal the local sweep's with the same options.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliProcess } from './cli-process.test-util.js';
import { TestRedis, describeWithRedis } from './redis-server.test-util.js';

const TINY = ['--preset', 'quick', '--image-size', '32', '--batch-size', '8', '--samples-per-epoch', '8', '--frozen-epochs', '1', '--full-epochs', '0',
  '--figure-images', '2', '--tsne-per-group', '0'];
const SWEEP = ['--categories', 'disc,print', '--seeds', '0,1', ...TINY];
const MINUTE = 60_000;

/** The run's numbers: results.csv without the per-run wall time and the status (a job redone after the Redis
 * restart may report its finished run as 'skipped'). */
function numbers(csvFile: string): string[] {
  const rows = fs.readFileSync(csvFile, 'utf8').trim().split('\n').map((l) => l.split(','));
  const drop = new Set(['seconds', 'status'].map((c) => rows[0].indexOf(c)));
  return rows.map((r) => r.filter((_, i) => !drop.has(i)).join(','));
}

describeWithRedis()('sweep on two worker processes (real redis-server)', () => {
  let redis: TestRedis;
  let tmp: string;
  const started: CliProcess[] = [];
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-queue-e2e-'));
    redis = await TestRedis.start();
  });
  afterAll(async () => {
    for (const p of started) p.kill('SIGKILL');
    await Promise.all(started.map((p) => p.exited));
    await redis?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
  const cli = (name: string, ...args: string[]) => {
    const p = new CliProcess(name, args, { SSAD_CACHE_DIR: path.join(tmp, 'cache') });
    started.push(p);
    return p;
  };

  it('a worker and the coordinator killed mid-job and a Redis restart lose nothing: every (category, seed) with the local sweep’s numbers', async () => {
    const local = cli('local sweep', ...SWEEP, '--out', path.join(tmp, 'local', 'sweep'));
    expect(await local.exit(3 * MINUTE)).toBe(0);

    const queued = path.join(tmp, 'queued');
    const submit = (name: string) => cli(name, ...SWEEP, '--out', path.join(queued, 'sweep'), '--queue', redis.url, '--attempts', '2');
    const worker = (name: string) => cli(name, 'worker', '--queue', redis.url, '--name', name, '--out', queued, '--lock-seconds', '20');
    const first = submit('coordinator');
    const w1 = worker('w1');
    await w1.waitFor(/^disc seed 0: \[train\]/, 2 * MINUTE);
    await first.waitFor(/\[1\/4\] disc seed 0 running on w1 \(attempt 1\/2\)/, MINUTE);
    // The worker dies in the middle of its job, and the coordinator with it.
    w1.kill('SIGKILL');
    first.kill('SIGKILL');
    expect([await w1.exit(MINUTE), await first.exit(MINUTE)]).toEqual(['SIGKILL', 'SIGKILL']);
    expect(first.text()).toMatch(/4 jobs \(4 new, 0 already queued or running, 0 failed before and retried, 0 finished before\)/);

    const w2 = worker('w2');
    const coordinator = submit('coordinator again');
    // Re-attached: nothing submitted twice.
    await coordinator.waitFor(/4 jobs \(0 new, \d already queued or running, 0 failed before and retried, \d finished before\)/, 2 * MINUTE);
    // The killed worker's job, found by the stalled-job check once its lock expired.
    await coordinator.waitFor(/\[1\/4\] disc seed 0 running on w2/, 3 * MINUTE);
    await redis.restart();
    expect(await coordinator.exit(3 * MINUTE)).toBe(0);
    w2.kill('SIGTERM');
    expect(await w2.exit(MINUTE)).toBe(143);

    const log = coordinator.text();
    expect(log).toMatch(/no longer in the queue \(job [0-9a-f]{12}\/\w+\/seed-\d\): submitted again/);
    expect(log).toMatch(/results: .*results\.md \(\d\d:\d\d, 0 failed\)/);
    expect(w2.text()).toMatch(/job [0-9a-f]{12}\/disc\/seed-0 stalled/);
    expect(w2.text()).toMatch(/SIGTERM: stopping.*\n(.*\n)*worker stopped after \d+ jobs/);

    const md = (dir: string) => fs.readFileSync(path.join(dir, 'results.md'), 'utf8').replace(/ · started \S+/, '');
    expect(md(path.join(queued, 'sweep'))).toBe(md(path.join(tmp, 'local', 'sweep')));
    const rows = numbers(path.join(queued, 'sweep', 'results.csv'));
    expect(rows).toHaveLength(5);
    expect(rows).toEqual(numbers(path.join(tmp, 'local', 'sweep', 'results.csv')));
  }, 12 * MINUTE);
});
