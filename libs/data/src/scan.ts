import fs from 'node:fs';
import path from 'node:path';
import { DataFileError, describeError } from './errors.js';
import type { DatasetWarning } from './types.js';

export const IMAGE_EXTENSIONS: readonly string[] = ['.png', '.jpg', '.jpeg'];

export function isImageFile(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(path.extname(name).toLowerCase());
}

/** Per-file problems: thrown, or collected as warnings when `skipInvalid` is set. */
export class IssueLog {
  readonly warnings: DatasetWarning[] = [];
  constructor(readonly skipInvalid: boolean) {}

  report(err: DataFileError): void {
    if (!this.skipInvalid) throw err;
    this.warnings.push({ path: err.path, problem: err.problem });
  }
}

function errnoProblem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'ENOTDIR') return 'is not a directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return describeError(err);
}

/** Throws a DataFileError unless `dir` is an existing directory. */
export function requireDir(dir: string, what: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(dir);
  } catch (err) {
    throw new DataFileError(dir, `${what} ${errnoProblem(err)}`, { cause: err });
  }
  if (!stat.isDirectory()) throw new DataFileError(dir, `${what} is not a directory`);
}

/** What a symbolic link leads to: 'directory', 'file', 'other', or 'broken' (it loops or leads nowhere). */
function linkTarget(p: string): 'directory' | 'file' | 'other' | 'broken' {
  try {
    const stat = fs.statSync(p);
    return stat.isDirectory() ? 'directory' : stat.isFile() ? 'file' : 'other';
  } catch {
    return 'broken';
  }
}

/** Sub-directory names (symbolic links to directories included), sorted. */
export function listSubdirs(dir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new DataFileError(dir, `cannot read directory: ${errnoProblem(err)}`, { cause: err });
  }
  return entries
    .filter((e) => !e.name.startsWith('.') && (e.isDirectory() || (e.isSymbolicLink() && linkTarget(path.join(dir, e.name)) === 'directory')))
    .map((e) => e.name)
    .sort();
}

/**
 * Image files of a directory (full paths, sorted by name). Hidden files and sub-directories are ignored; any other
 * non-image file, FIFO, device or broken symbolic link is reported. An unreadable directory throws (the caller
 * decides whether that is fatal).
 */
export function listImages(dir: string, issues: IssueLog): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    throw new DataFileError(dir, `cannot read directory: ${errnoProblem(err)}`, { cause: err });
  }
  const out: string[] = [];
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    const kind = e.isSymbolicLink() ? linkTarget(p) : e.isDirectory() ? 'directory' : e.isFile() ? 'file' : 'other';
    if (kind === 'directory') continue;
    if (kind === 'broken') {
      issues.report(new DataFileError(p, 'a symbolic link that loops or leads nowhere'));
      continue;
    }
    if (kind === 'other') {
      issues.report(new DataFileError(p, 'not a regular file (a FIFO, socket or device)'));
      continue;
    }
    if (!isImageFile(e.name)) {
      issues.report(new DataFileError(p, `not an image file (expected ${IMAGE_EXTENSIONS.join(', ')})`));
      continue;
    }
    out.push(p);
  }
  return out;
}

/** File name without its extension. */
export function stem(file: string): string {
  const base = path.basename(file);
  const ext = path.extname(base);
  return ext ? base.slice(0, -ext.length) : base;
}
