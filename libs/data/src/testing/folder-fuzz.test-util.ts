// Fuzz target for dataset folders, shared by folder-fuzz.spec.ts and fuzz/run.ts: generated MVTec-layout trees
// (opened as MVTec or as a folder dataset) with empty or missing folders, masks missing, of another size or
// damaged, non-image files, FIFOs, directories named like images, and symbolic links that loop, dangle or lead
// to files and folders. Every case must open and load, or fail with a DataFileError naming a path of the tree;
// no sample may ever come from a bad file, and nothing may hang.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import * as fc from 'fast-check';
import type { PixelImage } from '@ssad/augment';
import type { FuzzTarget } from '../../../../tools/fuzz/harness.js';
import { refusalLabel } from '../../../../tools/fuzz/harness.js';
import { encodePng } from '../encode.js';
import { DataFileError } from '../errors.js';
import { openFolderDataset } from '../folder.js';
import { openMvtec } from '../mvtec.js';
import type { Dataset, DatasetOptions, Sample } from '../types.js';

export type Entry = 'png' | 'jpeg' | 'link-file' | 'truncated' | 'bomb' | 'text' | 'empty' | 'dir' | 'link-dir' | 'loop' | 'dangling' | 'fifo' | 'notes';
export type MaskEntry = 'ok' | 'missing' | 'other-size' | 'truncated' | 'dir' | 'fifo' | 'loop';

/** Entries that hold a usable image; only these may ever become samples. */
const GOOD: ReadonlySet<Entry> = new Set(['png', 'jpeg', 'link-file']);
const SIZE = 8;
/** The pixel limit the cases open datasets with: the 'bomb' entries claim far more. */
const MAX_PIXELS = 1 << 16;

export interface Tree {
  layout: 'mvtec' | 'folder';
  train: Entry[];
  testGood: Entry[];
  defects: { name: string; images: { entry: Entry; mask: MaskEntry }[] }[];
  removed: 'train' | 'train/good' | 'test' | 'ground_truth' | null;
  skipInvalid: boolean;
  verify: boolean;
  decodeThreads: 0 | 1;
}

const entry = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom<Entry>('png', 'jpeg', 'link-file') },
  { weight: 3, arbitrary: fc.constantFrom<Entry>('truncated', 'bomb', 'text', 'empty', 'dir', 'link-dir', 'loop', 'dangling', 'fifo', 'notes') },
);
const mask = fc.oneof({ weight: 6, arbitrary: fc.constant<MaskEntry>('ok') }, { weight: 3, arbitrary: fc.constantFrom<MaskEntry>('missing', 'other-size', 'truncated', 'dir', 'fifo', 'loop') });

export const trees: fc.Arbitrary<Tree> = fc.record({
  layout: fc.constantFrom('mvtec' as const, 'folder' as const),
  train: fc.array(entry, { minLength: 1, maxLength: 6 }),
  testGood: fc.array(entry, { maxLength: 3 }),
  defects: fc.uniqueArray(
    fc.record({ name: fc.constantFrom('crack', 'scratch', 'good_ish', 'dent'), images: fc.array(fc.record({ entry, mask }), { maxLength: 3 }) }),
    { maxLength: 2, selector: (d) => d.name },
  ),
  removed: fc.oneof(
    { weight: 8, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constantFrom('train' as const, 'train/good' as const, 'test' as const, 'ground_truth' as const) },
  ),
  skipInvalid: fc.boolean(),
  verify: fc.boolean(),
  decodeThreads: fc.constantFrom(0 as const, 1 as const),
});

/** An RGB image of a few grey levels (fixtures.test-util's `solid` registers jest hooks, which fuzz/run.ts lacks). */
function solid(width: number, height: number, value: number): PixelImage {
  return { width, height, channels: 3, data: Uint8Array.from({ length: width * height * 3 }, (_, i) => (value + i * 7) & 0xff) };
}

let jpeg: Uint8Array | undefined;
function jpegBytes(): Uint8Array {
  if (!jpeg) {
    const canvas = createCanvas(SIZE, SIZE);
    canvas.getContext('2d').fillRect(0, 0, 4, 4);
    jpeg = new Uint8Array(canvas.toBuffer('image/jpeg'));
  }
  return jpeg;
}

/** A PNG whose header claims 60000 × 60000 pixels: refused by the pixel limit before decoding. */
async function bomb(): Promise<Uint8Array> {
  // A copy: encodePng gives a Buffer, whose slice() would share (and whose .buffer would be) a larger pool.
  const out = new Uint8Array(await encodePng(solid(SIZE, SIZE, 7)));
  const view = new DataView(out.buffer);
  view.setUint32(16, 60000);
  view.setUint32(20, 60000);
  return out;
}

/** Writes one entry at `file` (a name ending in .png); returns the path it will be listed under. */
async function writeEntry(file: string, e: Entry | MaskEntry, size = SIZE): Promise<void> {
  const png = () => encodePng(solid(size, size, file.length % 200));
  if (e === 'png' || e === 'ok') fs.writeFileSync(file, await png());
  else if (e === 'other-size') fs.writeFileSync(file, await encodePng(solid(size + 1, size, 3)));
  else if (e === 'jpeg') fs.writeFileSync(file, jpegBytes());
  else if (e === 'link-file') {
    fs.writeFileSync(`${file}.target`, await png());
    fs.symlinkSync(`${path.basename(file)}.target`, file);
  } else if (e === 'truncated') fs.writeFileSync(file, (await png()).subarray(0, 40));
  else if (e === 'bomb') fs.writeFileSync(file, await bomb());
  else if (e === 'text') fs.writeFileSync(file, 'not an image');
  else if (e === 'empty') fs.writeFileSync(file, '');
  else if (e === 'dir') fs.mkdirSync(file);
  else if (e === 'link-dir') fs.symlinkSync('.', file);
  else if (e === 'loop') fs.symlinkSync(path.basename(file), file);
  else if (e === 'dangling') fs.symlinkSync('nowhere.png', file);
  else if (e === 'fifo') execFileSync('mkfifo', [file]);
  else if (e === 'notes') fs.writeFileSync(file.replace(/\.png$/, '.txt'), 'notes');
}

interface Written {
  root: string;
  /** Paths whose file holds a usable image (entries and masks). */
  good: Set<string>;
}

async function writeTree(root: string, t: Tree): Promise<Written> {
  const good = new Set<string>();
  const cat = path.join(root, 'cat');
  const put = async (dir: string, name: string, e: Entry | MaskEntry) => {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    await writeEntry(file, e);
    if (GOOD.has(e as Entry) || e === 'ok') good.add(file);
  };
  for (const [i, e] of t.train.entries()) await put(path.join(cat, 'train/good'), `${String(i).padStart(3, '0')}.png`, e);
  for (const [i, e] of t.testGood.entries()) await put(path.join(cat, 'test/good'), `${String(i).padStart(3, '0')}.png`, e);
  for (const d of t.defects) {
    fs.mkdirSync(path.join(cat, 'test', d.name), { recursive: true });
    for (const [i, { entry: e, mask: m }] of d.images.entries()) {
      const name = String(i).padStart(3, '0');
      await put(path.join(cat, 'test', d.name), `${name}.png`, e);
      if (m !== 'missing') await put(path.join(cat, 'ground_truth', d.name), `${name}_mask.png`, m);
    }
  }
  if (t.removed) fs.rmSync(path.join(cat, t.removed), { recursive: true, force: true });
  return { root, good };
}

function open(t: Tree, root: string): Promise<Dataset> {
  const options: DatasetOptions = { imageSize: SIZE, skipInvalid: t.skipInvalid, verify: t.verify, decodeThreads: t.decodeThreads, maxPixels: MAX_PIXELS };
  if (t.layout === 'mvtec') return openMvtec(root, 'cat', options);
  const cat = path.join(root, 'cat');
  return openFolderDataset({
    ...options,
    root: cat,
    normalDir: 'train/good',
    abnormalDir: t.defects.length ? t.defects.map((d) => `test/${d.name}`) : 'test/none',
    maskDir: t.defects.length ? t.defects.map((d) => `ground_truth/${d.name}`) : undefined,
  });
}

/** Throws unless every sample comes from a good file (and its mask, if any, too) and has the dataset's size. */
function checkSamples(samples: Sample[], w: Written): void {
  for (const s of samples) {
    if (!w.good.has(s.item.path)) throw new Error(`a sample came from a bad file: ${s.item.path}`);
    if (s.item.maskPath && !w.good.has(s.item.maskPath)) throw new Error(`a sample's mask came from a bad file: ${s.item.maskPath}`);
    if (s.image.width !== SIZE || s.image.height !== SIZE || s.mask.length !== SIZE * SIZE) throw new Error(`sample of ${s.item.path} has the wrong size`);
  }
}

/** Throws unless `e` is a DataFileError naming a path of the tree. */
function folderRefusal(e: unknown, root: string): string {
  if (!(e instanceof DataFileError)) throw new Error(`not a DataFileError: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message ?? String(e)}`);
  if (e.path !== root && !e.path.startsWith(`${root}${path.sep}`)) throw new Error(`error does not name a path of the tree: ${e.message}`);
  return refusalLabel(e.message, e.path);
}

const HANG_MS = 20_000;

async function withinTime<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${HANG_MS / 1000} s (hung)`)), HANG_MS);
  });
  try {
    return await Promise.race([work, hang]);
  } finally {
    clearTimeout(timer);
  }
}

let scratch: string | undefined;
function caseRoot(): string {
  if (!scratch) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-fuzz-folders-'));
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    scratch = dir;
  }
  const root = path.join(scratch, 'tree');
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root);
  return root;
}

export const folderTarget: FuzzTarget<Tree> = {
  name: 'dataset-folders',
  cases: trees,
  run: async (t) => {
    const w = await writeTree(caseRoot(), t);
    let ds: Dataset;
    try {
      ds = await withinTime(open(t, w.root), 'opening the dataset');
    } catch (e) {
      return `open ${folderRefusal(e, w.root)}`;
    }
    try {
      for (const warning of ds.warnings)
        if (!warning.path.startsWith(`${w.root}${path.sep}`)) throw new Error(`a warning does not name a path of the tree: ${warning.path}`);
      const samples = await withinTime(ds.loadAll([...ds.train, ...ds.validation, ...ds.test]), 'loading the samples');
      checkSamples(samples, w);
      return ds.warnings.length ? 'accepted with warnings' : 'accepted';
    } catch (e) {
      if (e instanceof DataFileError) return `load ${folderRefusal(e, w.root)}`;
      throw e;
    } finally {
      await ds.close();
    }
  },
  inputBytes: () => 0,
  memoryBound: () => 96 * 2 ** 20,
};
