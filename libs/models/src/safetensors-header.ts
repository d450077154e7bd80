// The safetensors header checked before any tensor is decoded, with the reference reader's rules
// (huggingface/safetensors, `Metadata::validate`): the tensors, sorted by offset, tile the data area exactly (no
// gap, no overlap, nothing after the last one), and every tensor's byte length is its dtype size × element count.
// Stricter than the reference in two limits: the header is at most 4 MiB (the reference allows 100 MB) and nests
// at most 8 levels (valid headers nest 3). ResNet-18 files have headers of ~20 KB, while JSON.parse can build
// 25× the text's size in objects (16 MiB of "{}," took 440 MB and 4 s).
import { parseStrictJson } from './strict-json.js';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32' | 'U8';

export const DTYPE_BYTES: ReadonlyMap<string, number> = new Map<SafetensorsDtype, number>([
  ['F32', 4],
  ['F16', 2],
  ['BF16', 2],
  ['F64', 8],
  ['I64', 8],
  ['I32', 4],
  ['U8', 1],
]);

export const MAX_HEADER_BYTES = 4 * 1024 * 1024;
const MAX_HEADER_DEPTH = 8;
/** Bytes before the header: its length as a little-endian u64. */
export const LENGTH_BYTES = 8;
/** What headerLength needs to see: the length and the header's first byte. */
export const HEAD_BYTES = LENGTH_BYTES + 1;

export interface HeaderEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Element count (the product of shape). */
  count: number;
  /** Byte range in the data area (after the header). */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** In the header's order. */
  entries: HeaderEntry[];
  metadata: Record<string, string>;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes.subarray(0, LENGTH_BYTES), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/**
 * The header length from the first bytes (at least 9, to see the header's "{") of a file of `fileSize` bytes,
 * refused before anything else is read when it cannot be one.
 */
export function headerLength(head: Uint8Array, fileSize: number, source: string): number {
  if (head.length < LENGTH_BYTES)
    throw new Error(`${source}: not a safetensors file (${fileSize} bytes; the format starts with an 8-byte header length)`);
  const n = new DataView(head.buffer, head.byteOffset, LENGTH_BYTES).getBigUint64(0, true);
  const fits = n <= BigInt(fileSize - LENGTH_BYTES);
  const small = n <= BigInt(MAX_HEADER_BYTES);
  if (fits && small) return Number(n);
  if (fits && head[LENGTH_BYTES] === 0x7b) throw new Error(`${source}: header of ${n} bytes is over the ${MAX_HEADER_BYTES}-byte limit`);
  if (small) throw new Error(`${source}: header length ${n} is past the end of the file (${fileSize} bytes); the file is truncated`);
  throw new Error(`${source}: not a safetensors file (its first 8 bytes, ${hex(head)}, are no header length that fits its ${fileSize} bytes)`);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function parseJson(bytes: Uint8Array, source: string): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${source}: header is not valid UTF-8`);
  }
  if (!text.startsWith('{')) throw new Error(`${source}: not a safetensors file (the header does not start with "{")`);
  let header: unknown;
  try {
    header = parseStrictJson(text, MAX_HEADER_DEPTH);
  } catch (e) {
    throw new Error(`${source}: header: ${(e as Error).message}`);
  }
  if (!isPlainObject(header)) throw new Error(`${source}: header is not a JSON object`);
  return header;
}

function parseMetadata(value: unknown, source: string): Record<string, string> {
  if (!isPlainObject(value)) throw new Error(`${source}: __metadata__ must be an object of strings (got ${describe(value)})`);
  for (const [k, v] of Object.entries(value))
    if (typeof v !== 'string') throw new Error(`${source}: __metadata__ must be an object of strings (${JSON.stringify(k)} is ${describe(v)})`);
  return value as Record<string, string>;
}

function parseEntry(name: string, value: unknown, dataBytes: number, source: string): HeaderEntry {
  const where = `${source}: tensor ${JSON.stringify(name)}`;
  if (!isPlainObject(value)) throw new Error(`${where} is ${describe(value)}, not an object with dtype, shape and data_offsets`);
  const { dtype, shape, data_offsets: offsets } = value;
  const size = typeof dtype === 'string' ? DTYPE_BYTES.get(dtype) : undefined;
  if (size === undefined) throw new Error(`${where} has unsupported dtype ${describe(dtype)} (supported: ${[...DTYPE_BYTES.keys()].join(', ')})`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount))
    throw new Error(`${where} has data_offsets ${describe(offsets)}; expected [begin, end], two non-negative integers`);
  const [begin, end] = offsets as number[];
  if (end < begin) throw new Error(`${where} has data_offsets [${begin}, ${end}]: the end comes before the begin`);
  if (end > dataBytes) throw new Error(`${where} has data_offsets [${begin}, ${end}] past the end of the tensor data (${dataBytes} bytes)`);
  if (!Array.isArray(shape) || !shape.every(isCount)) throw new Error(`${where} has shape ${describe(shape)}; expected a list of non-negative integers`);
  const inconsistent = (bytes: string) =>
    new Error(`${where} has data_offsets [${begin}, ${end}] (${end - begin} bytes), inconsistent with ${dtype}${describe(shape)} (${bytes} bytes)`);
  // Multiplying in order could overflow on e.g. [2^40, 2^40, 0]: a zero anywhere makes the tensor empty, and the
  // product stops as soon as it passes the size of the whole data area.
  let count = shape.includes(0) ? 0 : 1;
  for (const d of count ? shape : []) {
    count *= d;
    if (count * size > dataBytes) throw inconsistent(`over ${dataBytes}`);
  }
  if (count * size !== end - begin) throw inconsistent(String(count * size));
  return { name, dtype: dtype as SafetensorsDtype, shape, count, begin, end };
}

/** Sorted by offset, the tensors must cover bytes [0, dataBytes) exactly once. */
function checkTiling(entries: HeaderEntry[], dataBytes: number, source: string): void {
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  let previous: HeaderEntry | undefined;
  for (const e of sorted) {
    if (e.begin < at)
      throw new Error(`${source}: tensors ${JSON.stringify(previous!.name)} [${previous!.begin}, ${previous!.end}] and ${JSON.stringify(e.name)} [${e.begin}, ${e.end}] overlap`);
    if (e.begin > at) throw new Error(`${source}: ${e.begin - at} bytes before tensor ${JSON.stringify(e.name)} [${e.begin}, ${e.end}] belong to no tensor`);
    at = e.end;
    previous = e;
  }
  if (at !== dataBytes) throw new Error(`${source}: ${dataBytes - at} bytes of trailing data after the last tensor`);
}

/** Parses and checks the header text (`bytes`) of a file whose tensor data area is `dataBytes` long. */
export function parseHeader(bytes: Uint8Array, dataBytes: number, source: string): SafetensorsHeader {
  const header = parseJson(bytes, source);
  const entries: HeaderEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === '__metadata__') metadata = parseMetadata(value, source);
    else entries.push(parseEntry(name, value, dataBytes, source));
  }
  checkTiling(entries, dataBytes, source);
  return { entries, metadata };
}
