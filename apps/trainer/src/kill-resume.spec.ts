// Crash safety of the real commands (issue 14): `ssad train` killed with SIGKILL at seeded random moments — inside
// a checkpoint, history, detector, figure, report or metrics write (the process kills itself at a chosen step of a
// crash-safe write: mid-file, before the rename, between a folder's renames, during the publish of the results or
// the checkpoint's removal) or a random delay after one (training steps, evaluation, figures) — and rerun with
// --resume until it finishes: after every kill no file under its final name is half-written (each equals the
// uninterrupted run's), and every finished run has the uninterrupted run's metrics.json apart from timings and
// dates, which also makes it the determinism test (a second training of the same seed and options). Then the
// benchmark sweep: killed while its second pair runs, the rerun skips the finished pair and resumes the other to the
// same metrics. SSAD_KILL_SEED / SSAD_KILL_COUNT change the seed and the number of kills (the suite: 14 and 6).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '@ssad/augment';
import { prepareRunFolder, runState, writeTinyCategory } from '@ssad/pipeline';
import { runCli, SSAD, SSAD_BENCHMARK } from './testing/cli-process.test-util.js';
import { mountTmpfs, remountReadOnly, snapshot, unmount } from './testing/small-fs.test-util.js';
import { checkRunFolder, comparableMetrics, parseTrace, runSegment, type KillPlan, type TraceStep } from './testing/crash.test-util.js';

const SEED = Number(process.env.SSAD_KILL_SEED ?? 14);
const KILLS = Number(process.env.SSAD_KILL_COUNT ?? 6);
const SEGMENT_MS = 180_000;
const SETTINGS = ['--preset', 'quick', '--image-size', '32', '--batch-size', '8', '--samples-per-epoch', '16', '--frozen-epochs', '1', '--full-epochs', '1',
  '--figure-images', '2', '--tsne-per-group', '0'];

const json = (...p: string[]) => JSON.parse(fs.readFileSync(path.join(...p), 'utf8'));
const seconds = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

describe('kill and resume (spawned CLI, SIGKILL)', () => {
  let tmp: string;
  let data: string;
  let ref: string;
  let refTrace: TraceStep[];
  const log: string[] = [];

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-kill-'));
    data = path.join(tmp, 'data');
    await writeTinyCategory(data, 'tiny', { size: 32, train: 12, seed: 1 });
    ref = path.join(tmp, 'reference');
    const r = await runSegment(SSAD, ['train', '--data', data, '--category', 'tiny', ...SETTINGS, '--keep-checkpoint', '--out', ref], tmp, undefined, SEGMENT_MS);
    if (r.result.code !== 0) throw new Error(`the uninterrupted run failed:\n${r.result.stdout}\n${r.result.stderr}`);
    refTrace = parseTrace(r.result.stderr);
  }, SEGMENT_MS);
  afterAll(() => {
    // One line per kill in the log: what it hit, so a CI log shows the moments covered.
    if (log.length) process.stdout.write(`kill-resume (seed ${SEED}):\n  ${log.join('\n  ')}\n`);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** Steps a run started in `dir`'s current state will report: all of them fresh, those after its checkpoint on --resume. */
  function stepsAhead(dir: string): number {
    const history = fs.existsSync(path.join(dir, 'checkpoint', 'history.json')) ? json(dir, 'checkpoint', 'history.json').length : 0;
    const doneAt = refTrace.filter((s) => s.step === 'file-done' && s.target.endsWith(path.join('checkpoint', 'checkpoint.safetensors')))[history - 1];
    // A resumed run rewrites settings.json (4 steps) and then goes on as the uninterrupted one did.
    return doneAt && runState(dir) === 'interrupted' ? refTrace.length - doneAt.n + 4 : refTrace.length;
  }

  const where = (s: TraceStep | undefined, root: string) => (s ? `${s.step} ${path.relative(root, s.target)}` : 'before its first write');

  it(`SIGKILL at ${KILLS} random moments: each rerun continues, nothing half-written is ever read, and the result equals the uninterrupted run`, async () => {
    const rng = new Rng(SEED);
    let kills = 0;
    for (let chain = 0; kills < KILLS; chain++) {
      const out = path.join(tmp, `chain-${chain}`);
      const args = ['train', '--data', data, '--category', 'tiny', ...SETTINGS, '--out', out];
      for (;;) {
        const state = runState(out);
        if (state === 'finished') break;
        let extra: string[] = [];
        if (state === 'interrupted') extra = ['--resume'];
        else if (state === 'incomplete') {
          // Killed before its first checkpoint: --resume says there is nothing to continue; start again.
          expect(() => prepareRunFolder(out, { resume: true, overwrite: false })).toThrow(/--resume: no checkpoint in .* use --overwrite/);
          extra = ['--overwrite'];
        }
        const plan: KillPlan | undefined = kills < KILLS ? { at: rng.int(1, stepsAhead(out)), how: rng.uniform() < 0.5 ? 'inside' : 'after', delayMs: rng.int(0, 400) } : undefined;
        const t0 = Date.now();
        const seg = await runSegment(SSAD, [...args, ...extra], tmp, plan, SEGMENT_MS);
        if (seg.killed) {
          kills++;
          log.push(`${state.padEnd(11)} ${extra.join(' ').padEnd(11)} killed ${plan!.how === 'inside' ? 'inside' : `${plan!.delayMs} ms after`} step ${plan!.at}: ${where(seg.last, out)} → ${runState(out)} (${seconds(t0)})`);
          checkRunFolder(out, ref);
          continue;
        }
        if (seg.result.code !== 0) throw new Error(`rerun (${extra.join(' ')}) failed with ${seg.result.code}:\n${seg.result.stdout}\n${seg.result.stderr}`);
        log.push(`${state.padEnd(11)} ${extra.join(' ').padEnd(11)} finished${plan ? ` (before step ${plan.at})` : ''} (${seconds(t0)})`);
      }
      checkRunFolder(out, ref);
      expect(comparableMetrics(json(out, 'metrics.json'))).toEqual(comparableMetrics(json(ref, 'metrics.json')));
      // Only a kill during the checkpoint's removal leaves a hidden temporary in a finished run folder.
      expect(fs.readdirSync(out).filter((n) => n.startsWith('.') && !n.startsWith('.checkpoint.del-'))).toEqual([]);
    }
  }, 20 * SEGMENT_MS);

  it('a killed sweep reruns: a finished pair is skipped, the interrupted one resumes to the uninterrupted run\'s metrics', async () => {
    const rng = new Rng(SEED + 1);
    const sweep = path.join(tmp, 'sweep');
    // Seed 1 finished in an earlier sweep (a copy of a finished run folder: all a sweep looks at is its metrics.json).
    fs.cpSync(ref, path.join(sweep, 'tiny', 'seed-1'), { recursive: true, filter: (src) => path.basename(src) !== 'checkpoint' });
    const args = ['--data', data, '--categories', 'tiny', '--seeds', '1,0', ...SETTINGS, '--out', sweep];
    const run = path.join(sweep, 'tiny', 'seed-0');
    const t0 = Date.now();
    // Anywhere from the results written after the skipped pair (12 steps) to the end of seed 0's run.
    let seg = await runSegment(SSAD_BENCHMARK, args, tmp, { at: rng.int(1, 12 + refTrace.length), how: 'inside', delayMs: 0 }, SEGMENT_MS);
    expect(seg.killed).toBe(true);
    log.push(`sweep killed inside step ${seg.last?.n}: ${where(seg.last, sweep)} → seed 0 ${runState(run)} (${seconds(t0)})`);
    checkRunFolder(run, ref);
    seg = await runSegment(SSAD_BENCHMARK, args, tmp, undefined, SEGMENT_MS);
    expect(seg.result.code).toBe(0);
    expect(seg.result.stdout).toMatch(/tiny seed 1 already done/);
    expect(json(sweep, 'results.json').runs.map((r: { seed: number; status: string }) => `${r.seed} ${r.status}`)).toEqual(['1 skipped', '0 done']);
    checkRunFolder(run, ref);
    expect(comparableMetrics(json(run, 'metrics.json'))).toEqual(comparableMetrics(json(ref, 'metrics.json')));
  }, 3 * SEGMENT_MS);

  describe('an output folder that cannot be written', () => {
    const mounts: string[] = [];
    afterAll(() => mounts.forEach(unmount));
    /** A copy of the reference run (without its checkpoint) on its own file system of `bytes`, or why there is none. */
    function runOnSmallFs(name: string, bytes: number): { run: string } | { skip: string } {
      const mnt = path.join(tmp, name);
      const reason = mountTmpfs(mnt, bytes);
      if (reason) return { skip: reason };
      mounts.push(mnt);
      const run = path.join(mnt, 'run');
      fs.cpSync(ref, run, { recursive: true, filter: (src) => path.basename(src) !== 'checkpoint' });
      return { run };
    }
    const skip = (what: string, reason: string) => process.stdout.write(`skipped: ${what}: ${reason}\n`);

    it('read-only: a clear error naming the folder, the earlier run untouched', async () => {
      const fsys = runOnSmallFs('ro', 64 * 2 ** 20);
      let run: string;
      if ('skip' in fsys) {
        if (process.getuid?.() === 0) return skip('read-only output folder', `${fsys.skip}, and chmod does not stop root`);
        run = path.join(tmp, 'ro-run');
        fs.cpSync(ref, run, { recursive: true, filter: (src) => path.basename(src) !== 'checkpoint' });
        execFileSync('chmod', ['-R', 'a-w', run]);
      } else {
        run = fsys.run;
        remountReadOnly(path.dirname(run));
      }
      const before = snapshot(run);
      const [train, evaluate] = await Promise.all([
        runCli(SSAD, ['train', '--data', data, '--category', 'tiny', ...SETTINGS, '--out', path.join(run, 'again')], tmp),
        runCli(SSAD, ['evaluate', '--run', run, '--save'], tmp),
      ]);
      expect(train.code).toBe(2);
      expect(train.stdout).toMatch(new RegExp(`^error: --out ${path.join(run, 'again')}: cannot write in ${run}: (read-only file system \\(EROFS\\)|permission denied \\(EACCES\\))$`, 'm'));
      expect(evaluate.code).toBe(1);
      expect(evaluate.stdout).toMatch(new RegExp(`^error: cannot create folder ${run}/\\.incomplete: (read-only file system \\(EROFS\\)|permission denied \\(EACCES\\))$`, 'm'));
      expect(snapshot(run)).toEqual(before);
      if (!('skip' in fsys)) return;
      execFileSync('chmod', ['-R', 'u+w', run]);
    }, SEGMENT_MS);

    it('full disk: a clear error naming the file, the earlier run untouched and nothing left behind', async () => {
      // Room for the run and 8 MiB more: its detector (45 MB) does not fit a second time.
      const used = [...snapshot(ref).entries()].filter(([f]) => !f.includes(`${path.sep}checkpoint${path.sep}`)).reduce((a, [, v]) => a + Number(v.split(' ')[0]), 0);
      const fsys = runOnSmallFs('full', used + 8 * 2 ** 20);
      if ('skip' in fsys) return skip('full disk', fsys.skip);
      const before = snapshot(fsys.run);
      const r = await runCli(SSAD, ['evaluate', '--run', fsys.run, '--save'], tmp);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(new RegExp(`^error: cannot write ${fsys.run}/\\.incomplete/detector/\\w+\\.safetensors: no space left on the device \\(ENOSPC\\)$`, 'm'));
      expect(snapshot(fsys.run)).toEqual(before);
      expect(fs.readdirSync(fsys.run).filter((n) => n.startsWith('.'))).toEqual([]);
    }, SEGMENT_MS);
  });
});
