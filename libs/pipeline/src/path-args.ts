// Path options checked when they are parsed, so a mistyped folder fails at once with the option's name instead of
// after the dataset has loaded (or a training has run): input folders and files must exist and be what they
// should, an output folder must be a folder (or creatable) in a place that can be written.
import fs from 'node:fs';
import path from 'node:path';
import { fsReason } from '@ssad/models';

/** dir: an existing folder; file: an existing regular file; out: an output folder, existing or to be created. */
export type PathKind = 'dir' | 'file' | 'out';

function stat(p: string): fs.Stats | string {
  try {
    return fs.statSync(p);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? 'EINVAL';
  }
}

/** What is wrong with `value` as a path of this kind, or undefined when nothing is. */
export function pathProblem(value: string, kind: PathKind): string | undefined {
  const st = stat(value);
  // Node refuses some strings before asking the system (ERR_INVALID_ARG_VALUE: a NUL byte).
  if (typeof st === 'string' && st.startsWith('ERR_')) return 'not a valid path';
  if (typeof st === 'string' && st !== 'ENOENT') return `cannot be looked up: ${fsReason(st)}`;
  const found = typeof st === 'string' ? undefined : st;
  if (kind === 'dir') return !found ? 'no such folder' : found.isDirectory() ? undefined : 'not a folder';
  if (kind === 'file') return !found ? 'no such file' : found.isFile() ? undefined : found.isDirectory() ? 'a folder, not a file' : 'not a regular file';
  if (found && !found.isDirectory()) return 'exists and is not a folder';
  // A new output folder is created with its parents: the nearest existing one must be a folder to write in.
  let dir = path.resolve(value);
  while (!found && !fs.existsSync(dir) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  const at = stat(dir);
  if (typeof at === 'string' || !at.isDirectory()) return `cannot be created: ${dir} is not a folder`;
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch (e) {
    return `cannot write in ${dir}: ${fsReason((e as NodeJS.ErrnoException).code ?? 'EACCES')}`;
  }
  return undefined;
}
