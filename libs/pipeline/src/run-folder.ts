// What a run folder holds and what that says about it, so no path leaves one in a state the user did not ask for:
// results are written into a staging folder and moved in only when complete (metrics.json last: its presence
// marks a finished run), a failed run removes what it wrote, and a checkpoint is the one thing an interrupted run
// keeps.
import fs from 'node:fs';
import path from 'node:path';
import { CHECKPOINT_FILE, ensureFolder, moveIntoPlace, removeStaleTemporaries } from '@ssad/models';
import { UsageError } from './args.js';

export const RUN_FILES = {
  options: 'options.json',
  metrics: 'metrics.json',
  history: 'history.json',
  report: 'report.html',
  detector: 'detector',
  checkpoint: 'checkpoint',
  evaluations: 'evaluations',
} as const;
const STAGING = '.incomplete';
/** Figure folders next to the top-level *.png figures (see figures.ts). */
const FIGURE_DIRS = ['patch', 'gradcam'];

/**
 * none: nothing of a run (missing, empty, or only unrelated files); finished: metrics.json; interrupted: a training
 * checkpoint without metrics.json (--resume continues it); incomplete: run files without either (e.g. a run that
 * died before its first checkpoint under an older version).
 */
export type RunState = 'none' | 'finished' | 'interrupted' | 'incomplete';

export function hasCheckpoint(dir: string): boolean {
  return fs.existsSync(path.join(dir, RUN_FILES.checkpoint, CHECKPOINT_FILE));
}

export function runState(dir: string): RunState {
  if (!fs.existsSync(dir)) return 'none';
  if (fs.existsSync(path.join(dir, RUN_FILES.metrics))) return 'finished';
  if (hasCheckpoint(dir)) return 'interrupted';
  const names = new Set<string>(Object.values(RUN_FILES));
  return fs.readdirSync(dir).some((n) => names.has(n) || n === STAGING) ? 'incomplete' : 'none';
}

const DESCRIBE: Record<Exclude<RunState, 'none'>, string> = {
  finished: 'a finished run (metrics.json)',
  interrupted: 'an interrupted run (a training checkpoint; --resume continues it)',
  incomplete: 'an incomplete run without a checkpoint',
};

/**
 * The trainer's rules for --out before anything runs: an existing run is replaced only with `overwrite` (its files
 * are removed here), and `resume` needs a checkpoint. Returns whether training resumes.
 */
export function prepareRunFolder(dir: string, o: { resume: boolean; overwrite: boolean }): { resume: boolean } {
  const state = runState(dir);
  if (o.resume) {
    if (o.overwrite) throw new UsageError('--resume and --overwrite exclude each other');
    if (hasCheckpoint(dir)) return { resume: true };
    throw new UsageError(
      `--resume: no checkpoint in ${path.join(dir, RUN_FILES.checkpoint)} to continue from` +
        (state === 'none' ? '; run without --resume to start' : ` (the folder holds ${DESCRIBE[state]}); use --overwrite to train it again`),
    );
  }
  if (state === 'none') return { resume: false };
  if (!o.overwrite)
    throw new UsageError(`--out ${dir} already holds ${DESCRIBE[state]}; use --overwrite to replace it${state === 'interrupted' ? ' or --resume' : ''}, or another --out`);
  clearRun(dir);
  return { resume: false };
}

/** Removes a run's own files from `dir` (nothing else the folder may hold). */
export function clearRun(dir: string, keep: readonly string[] = []): void {
  if (!fs.existsSync(dir)) return;
  // metrics.json first: a crash part way leaves an unfinished run, never a finished one with missing parts.
  fs.rmSync(path.join(dir, RUN_FILES.metrics), { force: true });
  for (const name of fs.readdirSync(dir)) {
    if (keep.includes(name)) continue;
    const own = (Object.values(RUN_FILES) as string[]).includes(name) || name === STAGING || FIGURE_DIRS.includes(name) || name.endsWith('.png');
    if (own) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}

/** A fresh, empty staging folder inside `outDir` for the results of one run. */
export function openStaging(outDir: string): string {
  const dir = path.join(outDir, STAGING);
  fs.rmSync(dir, { recursive: true, force: true });
  ensureFolder(dir);
  return dir;
}

/**
 * Moves everything from the staging folder into `outDir`, replacing the previous results (the checkpoint and
 * earlier evaluations stay). The old metrics.json goes first and the new one comes last, and each entry is
 * replaced whole (moveIntoPlace), so a process killed part way leaves an unfinished run whose files are each an old
 * or a new complete one, never a finished run with missing or half-written parts.
 */
export function publishStaging(staging: string, outDir: string): void {
  fs.rmSync(path.join(outDir, RUN_FILES.metrics), { force: true });
  const names = fs.readdirSync(staging).filter((n) => n !== RUN_FILES.metrics);
  for (const name of names) moveIntoPlace(path.join(staging, name), path.join(outDir, name));
  // What the previous run had and this one has not (e.g. a t-SNE figure no longer made).
  clearRun(outDir, [RUN_FILES.checkpoint, RUN_FILES.evaluations, STAGING, ...names]);
  moveIntoPlace(path.join(staging, RUN_FILES.metrics), path.join(outDir, RUN_FILES.metrics));
  fs.rmSync(staging, { recursive: true, force: true });
  // Hidden temporaries of writes that killed processes left here (e.g. `.detector.old-<host>-<pid>`).
  removeStaleTemporaries(outDir);
}

/**
 * After a failure or an interrupt: the staging folder goes, a checkpoint directory without a finished epoch goes,
 * and so does `outDir` itself when this run created it and nothing is left in it.
 */
export function cleanUpFailedRun(outDir: string, createdOutDir: boolean): void {
  fs.rmSync(path.join(outDir, STAGING), { recursive: true, force: true });
  if (!hasCheckpoint(outDir)) fs.rmSync(path.join(outDir, RUN_FILES.checkpoint), { recursive: true, force: true });
  if (createdOutDir && fs.existsSync(outDir) && fs.readdirSync(outDir).length === 0) fs.rmdirSync(outDir);
}
