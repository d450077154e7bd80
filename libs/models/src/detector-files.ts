// The files of a detector folder, read only from inside it: a symbolic link whose target lies outside the folder
// (or loops) is refused by name, and so are directories, devices and FIFOs (see read-file.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAX_MANIFEST_BYTES } from './detector-manifest.js';
import { readRegularFile } from './read-file.js';
import { readSafetensors, type SafetensorsFile } from './safetensors.js';

/**
 * `dir/name`, after checking that it resolves to a place inside `dir`. A missing file passes (the read then says
 * so); a link outside, or one that loops, throws.
 */
export function insideFolder(dir: string, name: string): string {
  const file = path.join(dir, name);
  let target: string;
  let folder: string;
  try {
    folder = fs.realpathSync(dir);
    target = fs.realpathSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return file;
    throw new Error(`${file}: cannot resolve (${code === 'ELOOP' ? 'a symbolic link that loops' : (code ?? (e as Error).message)})`);
  }
  const rel = path.relative(folder, target);
  if (rel.startsWith('..') || path.isAbsolute(rel))
    throw new Error(`${file}: leads to ${target}, outside the detector folder ${folder}; a detector reads only its own files`);
  return file;
}

/** The manifest's text (UTF-8, at most MAX_MANIFEST_BYTES). */
export function readManifestText(dir: string, name: string): string {
  const file = insideFolder(dir, name);
  if (!fs.existsSync(file)) throw new Error(`${file}: missing, ${dir} is not a saved detector`);
  const bytes = readRegularFile(file, { what: 'detector manifest', maxBytes: MAX_MANIFEST_BYTES });
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${file}: not valid UTF-8`);
  }
}

export function readStateFile(dir: string, name: string): SafetensorsFile {
  return readSafetensors(insideFolder(dir, name));
}
