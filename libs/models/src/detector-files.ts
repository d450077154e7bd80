// Detector folders (Node): saved from Detector.toFiles, and loaded through the same checks as any other source
// (detector-load.ts), reading only from inside the folder: a symbolic link whose target lies outside the folder
// (or loops) is refused by name, and so are directories, devices and FIFOs (see read-file.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
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

/** Writes `detector` into `dir` (created); detector.json last, so a folder with a manifest is complete. */
export function saveDetector(detector: Detector, dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const files = detector.toFiles();
  if (!files.has(DETECTOR_FILES.patch)) fs.rmSync(path.join(dir, DETECTOR_FILES.patch), { force: true });
  for (const [name, bytes] of files) fs.writeFileSync(path.join(dir, name), bytes);
}
