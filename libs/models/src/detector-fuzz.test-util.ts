// Fuzz targets for Detector.load, shared by detector-fuzz.spec.ts and fuzz/run.ts. A small real detector (network
// with an 8-wide head, Gaussian density on the 8-d embedding, patch density with a 16-d projection) is saved once;
// cases edit its manifest field by field or its state files byte by byte, and swap files for links that leave the
// folder, loops, directories and FIFOs.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import { Rng, type PixelImage } from '@ssad/augment';
import type { FuzzTarget } from '../../../tools/fuzz/harness.js';
import { refusalLabel } from '../../../tools/fuzz/harness.js';
import { applyMutations, mutations, type Mutation } from '../../../tools/fuzz/mutate.js';
import { initBackend } from './backend.js';
import { Detector, DETECTOR_FILES } from './detector.js';
import { loadDetector, saveDetector } from './detector-files.js';
import { parseManifest } from './detector-manifest.js';
import { Network } from './network.js';

const SMALL_FILES = ['manifest', 'density', 'patch', 'imagePatch'] as const;
type SmallFile = (typeof SMALL_FILES)[number];

export interface DetectorFixture {
  /** The saved detector (never modified). */
  dir: string;
  manifest: Record<string, unknown>;
  /** Bytes of the small files (manifest, density, both patch densities); the weights stay on disk. */
  files: Record<SmallFile, Uint8Array>;
  /** Files outside any case folder that links point at. */
  outside: string;
}

function images(n: number, rng: Rng): PixelImage[] {
  return Array.from({ length: n }, () => ({ width: 32, height: 32, channels: 3 as const, data: Uint8Array.from({ length: 32 * 32 * 3 }, () => rng.int(0, 255)) }));
}

let fixture: Promise<DetectorFixture> | undefined;

/** The saved fixture detector (made once per process; removed when it exits). */
export function detectorFixture(): Promise<DetectorFixture> {
  fixture ??= (async () => {
    await initBackend();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-fuzz-det-'));
    process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
    const dir = path.join(root, 'detector');
    const rng = new Rng(14);
    const net = new Network({ headWidths: [8], seed: 3 });
    const det = Detector.create(net, images(6, rng), images(3, rng), {
      embedding: 'embedding',
      imageSize: 32,
      patch: { sampling: 'random', fraction: 0.25, featureProjection: 16 },
      imagePatch: { stages: ['layer3'], sampling: 'random', fraction: 0.5 },
    });
    saveDetector(det, dir);
    det.dispose();
    const read = (name: string) => new Uint8Array(fs.readFileSync(path.join(dir, name)));
    const files = Object.fromEntries(SMALL_FILES.map((key) => [key, read(DETECTOR_FILES[key])])) as DetectorFixture['files'];
    const outside = path.join(root, 'outside');
    fs.mkdirSync(outside);
    for (const name of Object.values(DETECTOR_FILES)) fs.copyFileSync(path.join(dir, name), path.join(outside, name));
    return { dir, manifest: JSON.parse(new TextDecoder().decode(files.manifest)) as Record<string, unknown>, files, outside };
  })();
  return fixture;
}

/** Every field path of a JSON value (objects and arrays), e.g. ['network', 'headWidths', 0]. */
function fieldPaths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [prefix];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return [prefix, ...keys.flatMap((k) => fieldPaths((value as Record<string | number, unknown>)[k], [...prefix, k]))];
}

/** Values a manifest field should never hold, written as JSON text (1e999 parses as Infinity). */
const HOSTILE_VALUES = [
  'null', 'true', '"x"', '""', '-1', '0', '0.5', '1e999', '-1e999', '1e9', '1e7', '10000000000', '9007199254740993', '[]', '{}',
  '[1e9]', '[10000000, 10000000]', '{"height": 1000000000, "width": 1000000000}', '"../weights.safetensors"', '"/etc/passwd"',
  '{"__proto__": {"polluted": 1}}', '{"constructor": {"prototype": {"polluted": 1}}}', '"fused"', '"patch"',
];

export type ManifestEdit = { path: (string | number)[]; value: string } | { path: (string | number)[]; remove: true } | { key: string; value: string };

/** The manifest text after `edits`: a field replaced by a hostile value, removed, or an extra top-level key. */
export function editedManifest(manifest: Record<string, unknown>, edits: readonly ManifestEdit[]): string {
  const copy = JSON.parse(JSON.stringify(manifest)) as Record<string, unknown>;
  const marks: [string, string][] = [];
  edits.forEach((e, i) => {
    const mark = `@@edit${i}@@`;
    if ('key' in e) {
      Object.defineProperty(copy, e.key, { value: mark, enumerable: true, configurable: true, writable: true });
      marks.push([JSON.stringify(mark), e.value]);
      return;
    }
    if (e.path.length === 0) return;
    let parent: Record<string | number, unknown> = copy;
    for (const k of e.path.slice(0, -1)) {
      const next = parent[k];
      if (typeof next !== 'object' || next === null) return;
      parent = next as Record<string | number, unknown>;
    }
    const last = e.path[e.path.length - 1];
    if ('remove' in e) delete parent[last];
    else {
      parent[last] = mark;
      marks.push([JSON.stringify(mark), e.value]);
    }
  });
  let text = JSON.stringify(copy);
  for (const [mark, value] of marks) text = text.replace(mark, value);
  return text;
}

export function manifestEdits(manifest: Record<string, unknown>): fc.Arbitrary<ManifestEdit[]> {
  const paths = fieldPaths(manifest);
  const value = fc.constantFrom(...HOSTILE_VALUES);
  return fc.array(
    fc.oneof(
      { weight: 6, arbitrary: fc.record({ path: fc.constantFrom(...paths), value }) },
      { weight: 2, arbitrary: fc.record({ path: fc.constantFrom(...paths), remove: fc.constant(true as const) }) },
      { weight: 1, arbitrary: fc.record({ key: fc.constantFrom('__proto__', 'constructor', 'files', 'extra'), value }) },
    ),
    { minLength: 1, maxLength: 3 },
  );
}

const objectKeys = Object.getOwnPropertyNames(Object.prototype).length;

/** Throws unless `e` is a plain Error naming a file of `dir`; returns its label. */
function refusal(e: unknown, dir: string): string {
  if (!(e instanceof Error) || e.constructor.name !== 'Error') throw new Error(`unexpected ${String((e as Error)?.constructor?.name)}: ${String((e as Error)?.message ?? e)}`);
  const file = Object.values(DETECTOR_FILES).find((name) => e.message.startsWith(`${path.join(dir, name)}: `));
  if (!file) throw new Error(`error does not name a file of the detector folder: ${e.message}`);
  return `${file}: ${refusalLabel(e.message, path.join(dir, file))}`;
}

function checkPrototypes(): void {
  if (Object.getOwnPropertyNames(Object.prototype).length !== objectKeys || ({} as Record<string, unknown>).polluted !== undefined)
    throw new Error('Object.prototype changed');
}

/** A target over edited manifests, checked by parseManifest alone (no files, no tfjs: thousands of cases a second). */
export function manifestTarget(fx: DetectorFixture): FuzzTarget<ManifestEdit[]> {
  const file = path.join(fx.dir, DETECTOR_FILES.manifest);
  return {
    name: 'detector-manifest',
    cases: manifestEdits(fx.manifest),
    run: (edits) => {
      const text = editedManifest(fx.manifest, edits);
      let outcome: string;
      try {
        parseManifest(text, file);
        outcome = 'accepted';
      } catch (e) {
        outcome = refusal(e, fx.dir);
      }
      checkPrototypes();
      return outcome;
    },
    inputBytes: (edits) => editedManifest(fx.manifest, edits).length,
    memoryBound: (edits) => 8 * editedManifest(fx.manifest, edits).length + 64 * 2 ** 20,
  };
}

/** How a case replaces one file of the folder. */
export type Swap = 'link-outside' | 'link-inside' | 'link-loop' | 'link-dev-zero' | 'directory' | 'fifo' | 'missing';

export interface FolderCase {
  manifest: ManifestEdit[] | null;
  file: SmallFile | null;
  edits: Mutation[];
  swap: { file: keyof typeof DETECTOR_FILES; how: Swap } | null;
}

/** `arb`'s value in one case out of `n`, null in the others. */
const oneIn = <T>(n: number, arb: fc.Arbitrary<T>) => fc.oneof({ weight: n - 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });

export function folderCases(fx: DetectorFixture): fc.Arbitrary<FolderCase> {
  return fc.record({
    manifest: oneIn(2, manifestEdits(fx.manifest)),
    file: oneIn(2, fc.constantFrom(...SMALL_FILES)),
    edits: mutations(3),
    swap: oneIn(
      4,
      fc.record({
        file: fc.constantFrom(...(Object.keys(DETECTOR_FILES) as (keyof typeof DETECTOR_FILES)[])),
        how: fc.constantFrom<Swap>('link-outside', 'link-inside', 'link-loop', 'link-dev-zero', 'directory', 'fifo', 'missing'),
      }),
    ),
  });
}

/**
 * A fresh copy of the fixture detector in `dir` (the weights hard-linked: same bytes, no 45 MB copy), with
 * `replace` written over the small files.
 */
export function copyFixture(fx: DetectorFixture, dir: string, replace: Partial<DetectorFixture['files']> = {}): string {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const bytes = { ...fx.files, ...replace };
  for (const key of SMALL_FILES) fs.writeFileSync(path.join(dir, DETECTOR_FILES[key]), bytes[key]);
  fs.linkSync(path.join(fx.dir, DETECTOR_FILES.weights), path.join(dir, DETECTOR_FILES.weights));
  return dir;
}

function writeCase(fx: DetectorFixture, c: FolderCase, dir: string): void {
  const replace: Partial<DetectorFixture['files']> = {};
  if (c.manifest) replace.manifest = new TextEncoder().encode(editedManifest(fx.manifest, c.manifest));
  if (c.file) replace[c.file] = applyMutations(replace[c.file] ?? fx.files[c.file], c.edits);
  copyFixture(fx, dir, replace);
  if (!c.swap) return;
  const target = path.join(dir, DETECTOR_FILES[c.swap.file]);
  const real = `${target}.real`;
  fs.renameSync(target, real);
  if (c.swap.how === 'link-outside') fs.symlinkSync(path.join(fx.outside, DETECTOR_FILES[c.swap.file]), target);
  else if (c.swap.how === 'link-inside') fs.symlinkSync(path.basename(real), target);
  else if (c.swap.how === 'link-loop') fs.symlinkSync(path.basename(target), target);
  else if (c.swap.how === 'link-dev-zero') fs.symlinkSync('/dev/zero', target);
  else if (c.swap.how === 'directory') fs.mkdirSync(target);
  else if (c.swap.how === 'fifo') execFileSync('mkfifo', [target]);
}

export function folderTarget(fx: DetectorFixture): FuzzTarget<FolderCase> {
  const dir = path.join(path.dirname(fx.dir), 'case');
  return {
    name: 'detector-folder',
    cases: folderCases(fx),
    run: (c) => {
      writeCase(fx, c, dir);
      let outcome: string;
      const used = { patch: false, imagePatch: false };
      try {
        const det = loadDetector(dir);
        used.patch = det.patch !== undefined;
        used.imagePatch = det.imagePatch !== undefined;
        det.dispose();
        outcome = 'accepted';
      } catch (e) {
        outcome = refusal(e, dir);
      }
      checkPrototypes();
      // A file outside the folder is never used, even a valid one (a patch density's file is read only when the
      // manifest has that density).
      const leaves = c.swap !== null && ['link-outside', 'link-dev-zero'].includes(c.swap.how);
      const unread = (file: keyof typeof DETECTOR_FILES) => (file === 'patch' || file === 'imagePatch') && !used[file];
      if (outcome === 'accepted' && leaves && !unread(c.swap!.file)) throw new Error(`${c.swap!.file}: a link leaving the folder was followed`);
      return outcome;
    },
    inputBytes: () => fs.statSync(path.join(fx.dir, DETECTOR_FILES.weights)).size + fx.files.density.length + fx.files.patch.length + fx.files.imagePatch.length,
    // The network's own parameters and tfjs buffers come on top of the files' bytes.
    memoryBound: () => 4 * fs.statSync(path.join(fx.dir, DETECTOR_FILES.weights)).size + 256 * 2 ** 20,
  };
}
