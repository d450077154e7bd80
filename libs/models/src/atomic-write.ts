// Crash-safe writes (Node). A file is written under a temporary name in its own folder, flushed to disk and renamed
// over the target; a folder is written whole under a temporary sibling name and then swapped in. A process killed
// at any moment, a full disk or a read-only folder leaves the previous version or the new one under the real name,
// never a part of one. Failures throw a WriteError naming the path and the reason. Temporary names are hidden and
// carry host and PID (`.<name>.tmp-<host>-<pid>`); those of processes no longer running are removed by later writes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for the file system',
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a folder',
  ENOENT: 'no such file or folder',
  EEXIST: 'already exists',
  ENOTEMPTY: 'folder not empty',
  ENAMETOOLONG: 'name too long',
  EIO: 'input/output error',
  ELOOP: 'too many levels of symbolic links',
};

/** The system error code in words, e.g. ENOSPC → 'no space left on the device (ENOSPC)'. */
export function fsReason(code: string): string {
  return REASONS[code] ? `${REASONS[code]} (${code})` : code;
}
const VERBS: Record<string, string> = {
  mkdir: 'create folder', open: 'open', write: 'write', fsync: 'write', rename: 'rename', unlink: 'remove', rmdir: 'remove', rm: 'remove',
  scandir: 'list', copyfile: 'copy', close: 'write',
};
/** Codes that always mean the output cannot be written, whichever call met them. */
const FULL_OR_READ_ONLY = new Set(['ENOSPC', 'EDQUOT', 'EFBIG', 'EROFS']);
const WRITING_CALLS = new Set(['mkdir', 'write', 'fsync', 'rename', 'unlink', 'rmdir', 'rm', 'copyfile']);

/** A write that failed: `path` is what was being written, `code` the system's error code (ENOSPC, EACCES, EROFS…). */
export class WriteError extends Error {
  override name = 'WriteError';
  constructor(
    readonly path: string,
    readonly code: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A Node system error (duck-typed: those thrown by Node's own modules are not `instanceof Error` in every realm, e.g. jest's). */
function systemError(err: unknown): NodeJS.ErrnoException | undefined {
  return typeof err === 'object' && err !== null && typeof (err as NodeJS.ErrnoException).code === 'string' ? (err as NodeJS.ErrnoException) : undefined;
}

/**
 * One line for a file-system error, e.g. `cannot write /runs/x/metrics.json: no space left on the device (ENOSPC)`;
 * undefined for anything else (errors without a code and path).
 */
export function describeFsError(err: unknown): string | undefined {
  if (err instanceof WriteError) return err.message;
  const e = systemError(err);
  if (!e?.code || typeof e.path !== 'string') return undefined;
  const verb = (e.syscall && VERBS[e.syscall]) ?? 'use';
  return `cannot ${verb} ${e.path}: ${REASONS[e.code] ?? e.message} (${e.code})`;
}

/**
 * Whether `err` says the output cannot be written (full disk, read-only or unwritable folder), as opposed to a
 * problem with one input: a sweep stops on these instead of recording the run as failed.
 */
export function isWriteFault(err: unknown): boolean {
  if (err instanceof WriteError) return true;
  const e = systemError(err);
  if (!e?.code) return false;
  return FULL_OR_READ_ONLY.has(e.code) || ((e.code === 'EACCES' || e.code === 'EPERM') && WRITING_CALLS.has(e.syscall ?? ''));
}

function writeError(target: string, e: unknown, verb = 'write'): WriteError {
  if (e instanceof WriteError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  const reason = code ? `${REASONS[code] ?? (e as Error).message} (${code})` : String((e as Error)?.message ?? e);
  return new WriteError(target, code, `cannot ${verb} ${target}: ${reason}`, { cause: e });
}

export type WriteStep =
  | 'file-begin' | 'file-partial' | 'file-synced' | 'file-done'
  | 'folder-begin' | 'folder-filled' | 'folder-swapping' | 'folder-done' | 'move'
  | 'remove-begin' | 'remove-done';
let observer: ((step: WriteStep, target: string) => void) | undefined;

/**
 * Fault-injection seam for crash tests: `fn` sees every step of every write made through this module, in order
 * (the apps print them, or end the process at one, when SSAD_TRACE_WRITES / SSAD_KILL_AT_WRITE are set).
 */
export function observeWrites(fn: ((step: WriteStep, target: string) => void) | undefined): void {
  observer = fn;
}

function step(s: WriteStep, target: string): void {
  observer?.(s, target);
}

const TAG = `${os.hostname().replace(/[^A-Za-z0-9_.]/g, '_')}-${process.pid}`;

/** tmp: being written; old: a folder swapped out, removed once the new one is in; del: a folder being removed. */
function tempName(target: string, kind: 'tmp' | 'old' | 'del'): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${kind}-${TAG}`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const HOST = TAG.slice(0, TAG.lastIndexOf('-'));
const TEMPORARY = /^\.(.+)\.(tmp|old|del)-(.+)-(\d+)$/;

/**
 * Clears what killed processes of this host left in `dir` of earlier writes (to `base` only, when given): never
 * another host's temporaries, nor those of a process still running. A folder swapped out by a replacement that was
 * killed between its two renames (so that its target is missing) is renamed back: the replacement did not happen.
 * Everything else is removed.
 */
export function removeStaleTemporaries(dir: string, base?: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names.sort()) {
    const m = TEMPORARY.exec(name);
    if (!m || (base !== undefined && m[1] !== base) || m[3] !== HOST || Number(m[4]) === process.pid || alive(Number(m[4]))) continue;
    const target = path.join(dir, m[1]);
    if (m[2] === 'old' && !fs.existsSync(target)) {
      fs.renameSync(path.join(dir, name), target);
      syncFolder(dir);
    } else fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}

function removeStale(target: string): void {
  removeStaleTemporaries(path.dirname(target), path.basename(target));
}

/** fsync of a folder, so a rename in it survives a power loss; not every file system allows it. */
function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Best effort (e.g. some network file systems refuse fsync on a directory).
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array, from: number, to: number): void {
  for (let at = from; at < to; ) at += fs.writeSync(fd, bytes, at, to - at);
}

/** Creates `dir` and its parents; a WriteError names the folder and the real reason. */
export function ensureFolder(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw writeError(dir, systemError(e)?.code === 'ENOENT' ? firstMkdirError(dir, e) : e, 'create folder');
  }
}

/**
 * Node's recursive mkdir reports ENOENT where the system said EROFS or EACCES (Node 20, found by the read-only
 * output test): the first missing folder is created alone to learn why it cannot be.
 */
function firstMkdirError(dir: string, e: unknown): unknown {
  let first = path.resolve(dir);
  while (!fs.existsSync(path.dirname(first)) && path.dirname(first) !== first) first = path.dirname(first);
  try {
    fs.mkdirSync(first);
    fs.rmdirSync(first);
    return e;
  } catch (real) {
    return real;
  }
}

/** Writes `data` to `file` atomically and durably: readers see the old file or the whole new one. The folder must exist. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  step('file-begin', file);
  removeStale(file);
  const tmp = tempName(file, 'tmp');
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number | undefined;
  try {
    fd = fs.openSync(tmp, 'w');
    // In two halves, so a crash test can stop the process with a half-written temporary file.
    writeAll(fd, bytes, 0, bytes.length >> 1);
    step('file-partial', file);
    writeAll(fd, bytes, bytes.length >> 1, bytes.length);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    step('file-synced', file);
    fs.renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fs.rmSync(tmp, { force: true });
    throw writeError(file, e);
  }
  syncFolder(path.dirname(file));
  step('file-done', file);
}

/**
 * Puts `src` (a file or a folder) in place of `dst` and removes `src`'s name. A file replaces atomically; a folder
 * takes two renames (the old one aside, the new one in), so a kill between them leaves no `dst` but the old folder
 * as `.<dst>.old-<host>-<pid>` beside it and the new one at `src`, both whole; the next write there (or
 * removeStaleTemporaries) renames the old one back.
 */
export function moveIntoPlace(src: string, dst: string): void {
  step('move', dst);
  let isDir: boolean;
  let exists: boolean;
  try {
    isDir = fs.statSync(src).isDirectory();
    exists = fs.existsSync(dst);
    if (!isDir || !exists) {
      fs.renameSync(src, dst);
      syncFolder(path.dirname(dst));
      return;
    }
  } catch (e) {
    throw writeError(dst, e, 'replace');
  }
  removeStale(dst);
  const old = tempName(dst, 'old');
  try {
    fs.renameSync(dst, old);
  } catch (e) {
    throw writeError(dst, e, 'replace');
  }
  step('folder-swapping', dst);
  try {
    fs.renameSync(src, dst);
  } catch (e) {
    // Put the old folder back; if even that fails it stays whole beside `dst` under the name above.
    try {
      fs.renameSync(old, dst);
    } catch {
      // Reported through the first error.
    }
    throw writeError(dst, e, 'replace');
  }
  syncFolder(path.dirname(dst));
  fs.rmSync(old, { recursive: true, force: true });
}

/**
 * Writes a folder as a whole: `fill` writes the new content into a temporary sibling folder (created for it), which
 * then takes `dir`'s place; on any error the temporary folder goes and `dir` is unchanged. `own` lists the names the
 * folder may hold: an existing `dir` with anything else in it is refused rather than replaced (it is not ours).
 */
export function replaceFolder(dir: string, fill: (tmp: string) => void, own: { names: readonly string[]; what: string }): void {
  step('folder-begin', dir);
  ensureFolder(path.dirname(dir));
  removeStale(dir);
  if (fs.existsSync(dir)) {
    const foreign = fs.readdirSync(dir).filter((n) => !own.names.includes(n));
    if (foreign.length)
      throw new Error(`${dir}: holds ${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}, not part of a ${own.what}; it is replaced as a whole, so choose a new or empty folder`);
  }
  const tmp = tempName(dir, 'tmp');
  try {
    fs.rmSync(tmp, { recursive: true, force: true });
    ensureFolder(tmp);
    fill(tmp);
    syncFolder(tmp);
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    // Named by where the file was going (`<dir>/weights.safetensors`), not by the temporary folder.
    if (e instanceof WriteError && e.path.startsWith(tmp)) {
      const target = dir + e.path.slice(tmp.length);
      throw new WriteError(target, e.code, e.message.split(e.path).join(target), { cause: e.cause });
    }
    throw systemError(e) ? writeError(dir, e) : e;
  }
  step('folder-filled', dir);
  moveIntoPlace(tmp, dir);
  step('folder-done', dir);
}

/** Removes a folder so that it disappears at once (renamed away, then deleted). */
export function removeFolder(dir: string): void {
  if (!fs.existsSync(dir)) return;
  step('remove-begin', dir);
  removeStale(dir);
  const doomed = tempName(dir, 'del');
  try {
    fs.renameSync(dir, doomed);
  } catch (e) {
    throw writeError(dir, e, 'remove');
  }
  fs.rmSync(doomed, { recursive: true, force: true });
  step('remove-done', dir);
}
