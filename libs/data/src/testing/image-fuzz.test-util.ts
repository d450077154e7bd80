// Fuzz targets for the image decoders, shared by image-fuzz.spec.ts (seeded, in the normal suite) and
// fuzz/run.ts (`nx run data:fuzz`). Besides byte edits, cases edit PNGs chunk by chunk with the CRCs fixed and
// re-deflate mutated scanlines, and edit JPEG segments and scan data keeping the end marker, so that most of them
// get past the container checks into the decoders. Every case must decode within the pixel limit or be refused
// with a DataFileError naming the file.
import zlib from 'node:zlib';
import * as fc from 'fast-check';
import type { FuzzTarget } from '../../../../tools/fuzz/harness.js';
import { refusalLabel } from '../../../../tools/fuzz/harness.js';
import { applyMutations, mutations, type Mutation } from '../../../../tools/fuzz/mutate.js';
import { decodeImage } from '../decode.js';
import { DecodePool } from '../decode-pool.js';
import { DataFileError } from '../errors.js';
import { fixCrcs, jpegSeeds, pngSeeds, readChunks, writeChunks } from './image-seeds.test-util.js';

/** The pixel limit the cases decode under: small, so that a case allowed by it still has a small memory bound. */
export const FUZZ_MAX_PIXELS = 1 << 20;
/** Resident memory a case may add: its bytes several times over, 40 bytes per allowed pixel, and a fixed 48 MiB. */
export const imageMemoryBound = (bytes: number) => 16 * bytes + 40 * FUZZ_MAX_PIXELS + 48 * 2 ** 20;

const SIZES = [0, 1, 2, 3, 7, 8, 9, 16, 17, 255, 1000, 1024, 4096, 65535, 65536, 1 << 20, 0x7fffffff, 0x80000000, 0xffffffff];

export type ChunkOp =
  | { op: 'drop' | 'duplicate' | 'swap'; index: number }
  | { op: 'type'; index: number; type: string }
  | { op: 'insert'; index: number; type: string; body: Uint8Array }
  | { op: 'ihdr'; offset: number; bytes: 1 | 4; value: number };

export type PngCase =
  | { format: 'png'; seed: number; kind: 'bytes'; edits: Mutation[]; fixCrc: boolean }
  | { format: 'png'; seed: number; kind: 'chunks'; ops: ChunkOp[] }
  | { format: 'png'; seed: number; kind: 'scanlines'; edits: Mutation[] };

const CHUNK_TYPES = ['IHDR', 'PLTE', 'tRNS', 'IDAT', 'IEND', 'gAMA', 'iCCP', 'sRGB', 'tEXt', 'ihdr', 'IDAt', '\0\0\0\0'];
const IHDR_FIELDS: Array<[number, 1 | 4, number[]]> = [
  [0, 4, SIZES],
  [4, 4, SIZES],
  [8, 1, [0, 1, 2, 3, 4, 5, 8, 15, 16, 17, 255]],
  [9, 1, [0, 1, 2, 3, 4, 5, 6, 7, 255]],
  [10, 1, [0, 1, 255]],
  [11, 1, [0, 1, 255]],
  [12, 1, [0, 1, 2, 255]],
];

const chunkOp: fc.Arbitrary<ChunkOp> = fc.oneof(
  fc.record({ op: fc.constantFrom('drop' as const, 'duplicate' as const, 'swap' as const), index: fc.nat() }),
  fc.record({ op: fc.constant('type' as const), index: fc.nat(), type: fc.constantFrom(...CHUNK_TYPES) }),
  fc.record({ op: fc.constant('insert' as const), index: fc.nat(), type: fc.constantFrom(...CHUNK_TYPES), body: fc.uint8Array({ maxLength: 20 }) }),
  fc.constantFrom(...IHDR_FIELDS).chain(([offset, bytes, values]) =>
    fc.record({ op: fc.constant('ihdr' as const), offset: fc.constant(offset), bytes: fc.constant(bytes), value: fc.constantFrom(...values) }),
  ),
);

export function pngCases(seeds: number): fc.Arbitrary<PngCase> {
  const seed = fc.nat({ max: seeds - 1 });
  return fc.oneof(
    fc.record({ format: fc.constant('png' as const), seed, kind: fc.constant('bytes' as const), edits: mutations(4), fixCrc: fc.boolean() }),
    fc.record({ format: fc.constant('png' as const), seed, kind: fc.constant('chunks' as const), ops: fc.array(chunkOp, { minLength: 1, maxLength: 3 }) }),
    fc.record({ format: fc.constant('png' as const), seed, kind: fc.constant('scanlines' as const), edits: mutations(3) }),
  );
}

function applyChunkOp(chunks: { type: string; body: Uint8Array }[], o: ChunkOp): void {
  const n = chunks.length;
  if (n === 0) return;
  if (o.op === 'ihdr') {
    const ihdr = chunks.find((c) => c.type === 'IHDR');
    if (!ihdr || ihdr.body.length < 13) return;
    const body = ihdr.body.slice();
    const view = new DataView(body.buffer);
    if (o.bytes === 4) view.setUint32(o.offset, o.value);
    else body[o.offset] = o.value;
    ihdr.body = body;
    return;
  }
  const i = o.index % n;
  if (o.op === 'drop') chunks.splice(i, 1);
  else if (o.op === 'duplicate') chunks.splice(i, 0, { ...chunks[i] });
  else if (o.op === 'swap' && i + 1 < n) [chunks[i], chunks[i + 1]] = [chunks[i + 1], chunks[i]];
  else if (o.op === 'type') chunks[i] = { ...chunks[i], type: o.type };
  else if (o.op === 'insert') chunks.splice(i, 0, { type: o.type, body: o.body });
}

export function pngBytes(seeds: readonly Uint8Array[], c: PngCase): Uint8Array {
  const seed = seeds[c.seed];
  if (c.kind === 'bytes') {
    const mutated = applyMutations(seed, c.edits);
    return c.fixCrc ? fixCrcs(mutated) : mutated;
  }
  const chunks = readChunks(seed).map((ch) => ({ ...ch }));
  if (c.kind === 'chunks') {
    for (const o of c.ops) applyChunkOp(chunks, o);
    return writeChunks(chunks);
  }
  // Scanlines: the IDAT stream inflated, edited, deflated again (one IDAT), so the edits reach the unfiltering.
  const idat = chunks.filter((ch) => ch.type === 'IDAT');
  const raw = zlib.inflateSync(Buffer.concat(idat.map((ch) => ch.body)));
  const body = zlib.deflateSync(applyMutations(new Uint8Array(raw), c.edits));
  const first = chunks.findIndex((ch) => ch.type === 'IDAT');
  return writeChunks([...chunks.slice(0, first), { type: 'IDAT', body }, ...chunks.slice(first).filter((ch) => ch.type !== 'IDAT')]);
}

export type SegmentOp =
  | { op: 'sof'; offset: number; bytes: 1 | 2; value: number }
  | { op: 'size'; width: number; height: number }
  | { op: 'garbage'; index: number; data: Uint8Array }
  | { op: 'drop' | 'duplicate'; index: number }
  | { op: 'length'; index: number; value: number }
  | { op: 'marker'; index: number; value: number };

export type JpegCase =
  | { format: 'jpeg'; seed: number; kind: 'bytes'; edits: Mutation[] }
  | { format: 'jpeg'; seed: number; kind: 'segments'; ops: SegmentOp[] }
  | { format: 'jpeg'; seed: number; kind: 'scan'; edits: Mutation[] };

// SOF body: precision (1 byte), height (2), width (2), components (1), then per component id, sampling, table.
const SOF_FIELDS: Array<[number, 1 | 2, number[]]> = [
  [0, 1, [0, 1, 8, 12, 16, 255]],
  [1, 2, [0, 1, 2, 8, 9, 255, 1024, 4096, 16384, 65535]],
  [3, 2, [0, 1, 2, 8, 9, 255, 1024, 4096, 16384, 65535]],
  [5, 1, [0, 1, 2, 3, 4, 5, 255]],
  [7, 1, [0x00, 0x11, 0x12, 0x21, 0x22, 0x44, 0x0f, 0xf0, 0xff]],
  [8, 1, [0, 1, 3, 4, 255]],
];

const SIDES = [0, 1, 9, 1024, 1025, 4096, 16384, 65535];

const segmentOp: fc.Arbitrary<SegmentOp> = fc.oneof(
  fc.record({ op: fc.constant('size' as const), width: fc.constantFrom(...SIDES), height: fc.constantFrom(...SIDES) }),
  fc.constantFrom(...SOF_FIELDS).chain(([offset, bytes, values]) =>
    fc.record({ op: fc.constant('sof' as const), offset: fc.constant(offset), bytes: fc.constant(bytes), value: fc.constantFrom(...values) }),
  ),
  fc.record({ op: fc.constant('garbage' as const), index: fc.nat(), data: fc.uint8Array({ minLength: 1, maxLength: 6 }) }),
  fc.record({ op: fc.constantFrom('drop' as const, 'duplicate' as const), index: fc.nat() }),
  fc.record({ op: fc.constant('length' as const), index: fc.nat(), value: fc.constantFrom(0, 1, 2, 3, 0x7fff, 0xffff) }),
  fc.record({ op: fc.constant('marker' as const), index: fc.nat(), value: fc.constantFrom(0x00, 0x01, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc9, 0xcf, 0xd0, 0xd8, 0xd9, 0xda, 0xdb, 0xdd, 0xe1, 0xfe, 0xff) }),
);

export function jpegCases(seeds: number): fc.Arbitrary<JpegCase> {
  const seed = fc.nat({ max: seeds - 1 });
  return fc.oneof(
    fc.record({ format: fc.constant('jpeg' as const), seed, kind: fc.constant('bytes' as const), edits: mutations(4) }),
    fc.record({ format: fc.constant('jpeg' as const), seed, kind: fc.constant('segments' as const), ops: fc.array(segmentOp, { minLength: 1, maxLength: 3 }) }),
    fc.record({ format: fc.constant('jpeg' as const), seed, kind: fc.constant('scan' as const), edits: mutations(4) }),
  );
}

/** Marker segments from SOI up to and including the SOS header, then the rest (scan data and EOI). */
function splitJpeg(bytes: Uint8Array): { segments: Uint8Array[]; rest: Uint8Array } {
  const segments: Uint8Array[] = [];
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const end = at + 2 + ((bytes[at + 2] << 8) | bytes[at + 3]);
    segments.push(bytes.subarray(at, end));
    const marker = bytes[at + 1];
    at = end;
    if (marker === 0xda) break;
  }
  return { segments, rest: bytes.subarray(at) };
}

function concat(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}

function applySegmentOp(segments: Uint8Array[], o: SegmentOp): void {
  const n = segments.length;
  if (n === 0) return;
  if (o.op === 'sof' || o.op === 'size') {
    const i = segments.findIndex((s) => s[1] >= 0xc0 && s[1] <= 0xcf && s[1] !== 0xc4 && s[1] !== 0xc8 && s[1] !== 0xcc);
    if (i < 0 || segments[i].length < 9) return;
    const s = segments[i].slice();
    const view = new DataView(s.buffer);
    if (o.op === 'size') {
      view.setUint16(5, o.height);
      view.setUint16(7, o.width);
    } else if (o.bytes === 2) view.setUint16(4 + o.offset, o.value);
    else if (4 + o.offset < s.length) s[4 + o.offset] = o.value;
    segments[i] = s;
    return;
  }
  const i = o.index % n;
  if (o.op === 'garbage') segments.splice(i, 0, o.data);
  else if (o.op === 'drop') segments.splice(i, 1);
  else if (o.op === 'duplicate') segments.splice(i, 0, segments[i]);
  else if (o.op === 'length' && segments[i].length >= 4) {
    const s = segments[i].slice();
    new DataView(s.buffer).setUint16(2, o.value);
    segments[i] = s;
  } else if (o.op === 'marker' && segments[i].length >= 2) {
    const s = segments[i].slice();
    s[1] = o.value;
    segments[i] = s;
  }
}

export function jpegBytes(seeds: readonly Uint8Array[], c: JpegCase): Uint8Array {
  const seed = seeds[c.seed];
  if (c.kind === 'bytes') return applyMutations(seed, c.edits);
  const { segments, rest } = splitJpeg(seed);
  if (c.kind === 'segments') {
    for (const o of c.ops) applySegmentOp(segments, o);
    return concat([seed.subarray(0, 2), ...segments, rest]);
  }
  // Scan data edited, the end-of-image marker kept, so the structural check passes and libjpeg sees the damage.
  const scan = applyMutations(rest.subarray(0, Math.max(0, rest.length - 2)), c.edits);
  return concat([seed.subarray(0, 2), ...segments, scan, Uint8Array.of(0xff, 0xd9)]);
}

/** Throws unless `img` is a well-formed decode within the pixel limit. */
function checkDecoded(img: { width: number; height: number; channels: number; data: Uint8Array | Uint8ClampedArray }): void {
  const { width, height, channels, data } = img;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 1 && height >= 1)) throw new Error(`decoded to ${width}×${height}`);
  if (width * height > FUZZ_MAX_PIXELS) throw new Error(`decoded ${width}×${height}, over the pixel limit ${FUZZ_MAX_PIXELS}`);
  if (data.length !== width * height * channels) throw new Error(`decoded ${data.length} bytes for ${width}×${height}×${channels}`);
}

/** Throws unless `e` is a DataFileError naming `name`; returns its label. */
export function imageRefusal(e: unknown, name: string): string {
  if (!(e instanceof DataFileError)) throw new Error(`not a DataFileError: ${(e as Error)?.constructor?.name}: ${(e as Error)?.message ?? String(e)}`);
  if (e.path !== name || !e.message.startsWith(`${name}: `)) throw new Error(`error does not name the file: ${e.message}`);
  return refusalLabel(e.message, name);
}

export type ImageCase = PngCase | JpegCase;

export interface ImageSeeds {
  png: Uint8Array[];
  jpeg: Uint8Array[];
}

export function imageSeeds(shared?: string): ImageSeeds {
  return { png: pngSeeds(), jpeg: jpegSeeds(shared) };
}

export function caseBytes(seeds: ImageSeeds, c: ImageCase): Uint8Array {
  return c.format === 'png' ? pngBytes(seeds.png, c) : jpegBytes(seeds.jpeg, c);
}

function target<T extends ImageCase>(name: string, seeds: ImageSeeds, cases: fc.Arbitrary<T>, decode: (bytes: Uint8Array, file: string) => Promise<Parameters<typeof checkDecoded>[0]>): FuzzTarget<T> {
  return {
    name,
    cases,
    run: async (c) => {
      const file = `case.${c.format === 'png' ? 'png' : 'jpg'}`;
      let decoded: Parameters<typeof checkDecoded>[0];
      try {
        decoded = await decode(caseBytes(seeds, c), file);
      } catch (e) {
        return imageRefusal(e, file);
      }
      checkDecoded(decoded);
      return 'accepted';
    },
    inputBytes: (c) => caseBytes(seeds, c).length,
    memoryBound: (c) => imageMemoryBound(caseBytes(seeds, c).length),
  };
}

const decodeOnThread = (bytes: Uint8Array, name: string) => decodeImage(bytes, { name, maxPixels: FUZZ_MAX_PIXELS });

export const pngTarget = (seeds: ImageSeeds) => target('png-decode', seeds, pngCases(seeds.png.length), decodeOnThread);
export const jpegTarget = (seeds: ImageSeeds) => target('jpeg-decode', seeds, jpegCases(seeds.jpeg.length), decodeOnThread);

/** Both formats through a one-thread DecodePool: Skia in a worker for JPEG and 8-bit opaque PNG. */
export function poolTarget(seeds: ImageSeeds, pool: DecodePool): FuzzTarget<ImageCase> {
  const cases = fc.oneof(pngCases(seeds.png.length), jpegCases(seeds.jpeg.length)) as fc.Arbitrary<ImageCase>;
  return target('pool-decode', seeds, cases, (bytes, name) => pool.decode(bytes, name, FUZZ_MAX_PIXELS));
}

