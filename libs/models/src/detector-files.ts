// Detector folders (Node): saved from Detector.toFiles, and loaded through the same checks as any other source
// (detector-load.ts), reading only from inside the folder: a symbolic link whose target lies outside the folder
// (or loops) is refused by name, and so are directories, devices and FIFOs (see read-file.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { replaceFolder, writeFileAtomic } from './atomic-write.js';
import type { Detector } from './detector.js';
import { detectorFrom, type DetectorSource } from './detector-load.js';
import { DETECTOR_FILES, MAX_MANIFEST_BYTES } from './detector-manifest.js';
import { readRegularFile } from './read-file.js';
import type { SafetensorsFile } from './safetensors.js';
import { readSafetensors } from './safetensors-files.js';

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

export function folderSource(dir: string): DetectorSource {
  return {
    manifest: () => readManifestText(dir, DETECTOR_FILES.manifest),
    state: (name) => readStateFile(dir, name),
    label: (name) => path.join(dir, name),
  };
}

/**
 * Loads a saved detector. Every file is checked before use (see detector-load.ts): errors name the file and the
 * problem, and nothing outside `dir` is read.
 */
export function loadDetector(dir: string, options: { batchSize?: number } = {}): Detector {
  return detectorFrom(folderSource(dir), options);
}

/** The names a detector folder holds. */
export const DETECTOR_FOLDER = { names: Object.values(DETECTOR_FILES), what: 'detector folder' };

/** Writes the detector's files into `dir`, an existing empty folder (saveDetector and writeBundle make it). */
export function writeDetectorFiles(detector: Detector, dir: string): void {
  for (const [name, bytes] of detector.toFiles()) writeFileAtomic(path.join(dir, name), bytes);
}

/**
 * Writes `detector` as the folder `dir`, atomically: the files go to a temporary sibling folder that then replaces
 * `dir` (atomic-write.ts), so a crash or a full disk leaves the previous detector or the new one, never a mix. An
 * existing `dir` holding other files than a detector's is refused.
 */
export function saveDetector(detector: Detector, dir: string): void {
  replaceFolder(dir, (tmp) => writeDetectorFiles(detector, tmp), DETECTOR_FOLDER);
}
