// Crash tests of the real commands: a spawned `ssad` / `ssad-benchmark` ended by a real SIGKILL either by itself at
// a chosen step of a crash-safe write (SSAD_KILL_AT_WRITE: mid-file, before the rename, between a folder's two
// renames…) or by the test a random delay after a chosen step (SSAD_TRACE_WRITES reports the steps), and the
// checks that whatever a kill leaves under a final name is complete: byte-equal to an uninterrupted run's file, or
// equal apart from timings, dates and paths.
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { readSafetensors } from '@ssad/models';
import { CliProcess, type Finished } from './cli-process.test-util.js';

export interface TraceStep {
  n: number;
  step: string;
  target: string;
}

export function parseTrace(stderr: string): TraceStep[] {
  return [...stderr.matchAll(/^ssad-write (\d+) (\S+) (.*)$/gm)].map((m) => ({ n: Number(m[1]), step: m[2], target: m[3] }));
}

export interface KillPlan {
  /** The write step (1-based, in this process's own sequence) to kill at. */
  at: number;
  /** 'inside': the process kills itself at that step; 'after': the test kills it `delayMs` after it reports the step. */
  how: 'inside' | 'after';
  delayMs: number;
}

export interface Segment {
  result: Finished;
  killed: boolean;
  /** Where it died: the last step it reported (its own sequence number, step, path). */
  last?: TraceStep;
}

/** Runs one command to its end, or kills it as planned; a kill is a real SIGKILL. */
export async function runSegment(bin: string, args: readonly string[], cwd: string, plan: KillPlan | undefined, timeoutMs: number): Promise<Segment> {
  const env: Record<string, string> = { SSAD_TRACE_WRITES: '1' };
  if (plan?.how === 'inside') env.SSAD_KILL_AT_WRITE = String(plan.at);
  const p = new CliProcess(bin, args, cwd, env);
  const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs);
  if (plan?.how === 'after') {
    const reached = await p.waitFor(new RegExp(`^ssad-write ${plan.at} `, 'm'), timeoutMs, 'stderr').then(() => true, () => false);
    if (reached) {
      await new Promise((r) => setTimeout(r, plan.delayMs));
      p.kill('SIGKILL');
    }
  }
  const result = await p.exited;
  clearTimeout(timer);
  return { result, killed: result.signal === 'SIGKILL', last: parseTrace(result.stderr).at(-1) };
}

const json = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8'));

/** metrics.json without what differs between identical runs: timings and the finishing date. */
export function comparableMetrics(m: Record<string, unknown>): Record<string, unknown> {
  const { timings: _t, finishedAt: _f, ...rest } = m;
  return rest;
}

function withoutSeconds(history: { seconds: number }[]): unknown[] {
  return history.map(({ seconds: _s, ...r }) => r);
}

/** Every file of a folder (recursively), relative, skipping hidden names (temporaries and staging are never read). */
function listFiles(dir: string, rel = ''): string[] {
  if (!fs.existsSync(path.join(dir, rel))) return [];
  return fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    if (e.name.startsWith('.')) return [];
    const r = path.join(rel, e.name);
    return e.isDirectory() ? listFiles(dir, r) : [r];
  });
}

/**
 * Checks a run folder a kill left against `ref`, a finished uninterrupted run of the same settings trained with
 * --keep-checkpoint: every file under its final name is complete and the same as the reference's (bytes for
 * weights, figures and state; JSON apart from timings, dates and the folder's own path), a checkpoint is a whole
 * safetensors file consistent with its history, and a folder that says it is finished (metrics.json) has every
 * result. Throws naming the file at fault.
 */
export function checkRunFolder(dir: string, ref: string): void {
  const files = listFiles(dir);
  for (const rel of files) {
    const file = path.join(dir, rel);
    const other = path.join(ref, rel);
    const fail = (why: string) => {
      throw new Error(`${file}: ${why}`);
    };
    if (rel === path.join('checkpoint', 'checkpoint.safetensors')) {
      let meta: { stage: number; epochsDone: number };
      try {
        meta = JSON.parse(readSafetensors(file).metadata.ssad);
      } catch (e) {
        return fail(`not a whole checkpoint: ${(e as Error).message}`);
      }
      const history = fs.existsSync(path.join(dir, 'checkpoint', 'history.json')) ? json(path.join(dir, 'checkpoint', 'history.json')) : [];
      const epochs = json(path.join(ref, 'history.json')).filter((h: { stage: string }) => h.stage === (meta.stage === 0 ? 'frozen' : 'full')).length;
      if (history.filter((h: { stage: string }) => h.stage === (meta.stage === 0 ? 'frozen' : 'full')).length < meta.epochsDone)
        fail(`checkpoint after ${meta.epochsDone} epochs of stage ${meta.stage}, but history.json lacks their records`);
      if (meta.stage === 1 && meta.epochsDone === epochs && !fs.readFileSync(file).equals(fs.readFileSync(other))) fail('the final checkpoint differs from the reference');
    } else if (rel.endsWith('history.json')) {
      const mine = withoutSeconds(json(file));
      const theirs = withoutSeconds(json(other));
      if (!isDeepStrictEqual(mine, theirs.slice(0, mine.length))) fail('epoch records differ from the reference');
    } else if (rel === 'metrics.json') {
      if (!isDeepStrictEqual(comparableMetrics(json(file)), comparableMetrics(json(other)))) fail('differs from the reference');
    } else if (rel === 'options.json') {
      if (!isDeepStrictEqual({ ...json(file), outDir: '' }, { ...json(other), outDir: '' })) fail('differs from the reference');
    } else if (rel === path.join('detector', 'detector.json')) {
      const strip = (m: { metadata: Record<string, unknown> }) => ({ ...m, metadata: { ...m.metadata, createdAt: '' } });
      if (!isDeepStrictEqual(strip(json(file)), strip(json(other)))) fail('differs from the reference');
    } else if (rel === 'report.html') {
      if (!fs.readFileSync(file, 'utf8').endsWith('</html>\n')) fail('cut short');
    } else if (!fs.existsSync(other)) {
      fail('a file the reference run does not have');
    } else if (!fs.readFileSync(file).equals(fs.readFileSync(other))) {
      fail('differs from the reference');
    }
  }
  if (files.includes('metrics.json')) {
    const missing = listFiles(ref).filter((rel) => !rel.startsWith('checkpoint') && !files.includes(rel));
    if (missing.length) throw new Error(`${dir}: metrics.json says finished, but ${missing.join(', ')} are missing`);
  }
}
