// Fuzz targets for the safetensors reader, shared by safetensors-fuzz.spec.ts (a few hundred seeded cases in the
// normal suite) and fuzz/run.ts (`nx run models:fuzz`, long runs with per-case memory peaks).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as fc from 'fast-check';
import type { FuzzTarget } from '../../../tools/fuzz/harness.js';
import { refusalLabel } from '../../../tools/fuzz/harness.js';
import { INTERESTING, applyMutations, mutations, type Mutation } from '../../../tools/fuzz/mutate.js';
import { DTYPE_BYTES } from './safetensors-header.js';
import { arrayKind, parseSafetensors, type SafetensorsFile } from './safetensors.js';
import { readSafetensors } from './safetensors-files.js';

const DTYPES = [...DTYPE_BYTES.keys()];
const KIND_OF: Record<string, string> = { F32: 'Float32Array', F16: 'Float32Array', BF16: 'Float32Array', F64: 'Float64Array', I64: 'Int32Array', I32: 'Int32Array', U8: 'Uint8Array' };
/** Names that trip up code that stores names as object keys. */
const AWKWARD_NAMES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '0', '1e3', '', 'conv1.weight', 'ü'];

/** A safetensors file from its header text and data, with the length field as given (default: the text's length). */
export function rawSafetensors(headerText: string | Uint8Array, data: Uint8Array, lengthField?: bigint): Uint8Array {
  const head = typeof headerText === 'string' ? new TextEncoder().encode(headerText) : headerText;
  const out = new Uint8Array(8 + head.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthField ?? BigInt(head.length), true);
  out.set(head, 8);
  out.set(data, 8 + head.length);
  return out;
}

/** JSON object text from entries in order, keeping duplicate and "__proto__" keys (an object literal would not). */
export function objectText(entries: ReadonlyArray<readonly [string, unknown]>): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}

export interface ValidTensor {
  name: string;
  dtype: string;
  shape: number[];
}

/** A well-formed file: unique names, contiguous data in a shuffled order, optional metadata and header padding. */
export const validFile: fc.Arbitrary<{ bytes: Uint8Array; tensors: ValidTensor[] }> = fc
  .record({
    tensors: fc.uniqueArray(
      fc.record({
        name: fc.oneof(fc.constantFrom(...AWKWARD_NAMES), fc.string({ maxLength: 8 })).filter((n) => n !== '__metadata__'),
        dtype: fc.constantFrom(...DTYPES),
        shape: fc.array(fc.nat({ max: 4 }), { maxLength: 3 }),
      }),
      { maxLength: 5, selector: (t) => t.name },
    ),
    order: fc.nat(),
    metadata: fc.option(fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 })),
    padding: fc.nat({ max: 7 }),
    fill: fc.nat({ max: 255 }),
  })
  .map(({ tensors, order, metadata, padding, fill }) => {
    const sizes = tensors.map((t) => t.shape.reduce((a, b) => a * b, 1) * DTYPE_BYTES.get(t.dtype)!);
    // Data laid out in a rotated order, so offsets do not follow the header's order.
    const layout = tensors.map((_, i) => (i + order) % Math.max(1, tensors.length));
    const offsets: [number, number][] = new Array(tensors.length);
    let at = 0;
    for (const i of layout) {
      offsets[i] = [at, at + sizes[i]];
      at += sizes[i];
    }
    const entries: [string, unknown][] = tensors.map((t, i) => [t.name, { dtype: t.dtype, shape: t.shape, data_offsets: offsets[i] }]);
    if (metadata) entries.unshift(['__metadata__', Object.fromEntries(Object.entries(metadata))]);
    const data = new Uint8Array(at);
    tensors.forEach((t, i) => {
      const [begin, end] = offsets[i];
      // I64 values small enough for the int32 the reader decodes them to (it refuses others).
      if (t.dtype === 'I64') for (let o = begin; o < end; o += 8) data[o] = (fill + o) & 0x7f;
      else for (let o = begin; o < end; o++) data[o] = (fill + 31 * o) & 0xff;
    });
    return { bytes: rawSafetensors(objectText(entries) + ' '.repeat(padding), data), tensors };
  });

const weird = fc.oneof(
  fc.constantFrom(null, true, -1, 0.5, -0, 1e21, 2 ** 53, 2 ** 64, 1e300, '', '3', 'F32'),
  fc.jsonValue({ maxDepth: 2 }),
);
const dim = fc.oneof({ weight: 8, arbitrary: fc.nat({ max: 5 }) }, { weight: 1, arbitrary: fc.constantFrom(-1, 0.5, 2 ** 26, 2 ** 31, 2 ** 53, 2 ** 53 + 2, 1e300, '2', null) });
const dtypeValue = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...DTYPES) },
  { weight: 1, arbitrary: fc.constantFrom('F8_E4M3', 'BOOL', 'U64', 'constructor', '__proto__', 'toString', 'f32') },
  { weight: 1, arbitrary: weird },
);
const offsetValue = fc.oneof(fc.nat({ max: 200 }), fc.constantFrom(-4, 0.5, 2 ** 32, 2 ** 53, 2 ** 64, 1e300, '4', null));

type Layout = { kind: 'tiled' } | { kind: 'shift'; index: number; delta: number } | { kind: 'swap'; index: number } | { kind: 'random'; offsets: unknown[] };

/** Headers built from parts that are mostly right and sometimes wrong in one way, so cases get past early checks. */
export const generatedHeader = fc
  .record({
    entries: fc.array(
      fc.record({
        name: fc.oneof(fc.constantFrom(...AWKWARD_NAMES, '__metadata__'), fc.string({ maxLength: 4 })),
        dtype: dtypeValue,
        shape: fc.oneof({ weight: 8, arbitrary: fc.array(dim, { maxLength: 4 }) }, { weight: 1, arbitrary: weird }),
        // An extra field in one entry out of eight (fc.option's freq is the share of nil values, hence the oneof).
        extra: fc.oneof({ weight: 7, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.tuple(fc.constantFrom('offsets', 'data_offsets', '__proto__', 'constructor'), weird) }),
      }),
      { maxLength: 5 },
    ),
    layout: fc.oneof(
      { weight: 4, arbitrary: fc.constant<Layout>({ kind: 'tiled' }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('shift' as const), index: fc.nat(), delta: fc.integer({ min: -9, max: 9 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('swap' as const), index: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('random' as const), offsets: fc.array(fc.oneof(fc.tuple(offsetValue, offsetValue), weird)) }) },
    ),
    wrap: fc.oneof(
      { weight: 20, arbitrary: fc.constant('object') },
      { weight: 1, arbitrary: fc.constantFrom('array', 'null', 'string', 'cut', 'bad-utf8', 'space-first', 'deep') },
    ),
    cutAt: fc.nat(),
    padding: fc.nat({ max: 9 }),
    dataDelta: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -5, max: 5 }) }),
    lengthField: fc.oneof({ weight: 8, arbitrary: fc.constant<bigint | undefined>(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...INTERESTING) }),
  })
  .map((h) => {
    const sizes = h.entries.map((e) => {
      const s = Array.isArray(e.shape) ? (e.shape as unknown[]).reduce((a: number, b) => a * (typeof b === 'number' ? b : 1), 1) : 1;
      const bytes = typeof e.dtype === 'string' ? (DTYPE_BYTES.get(e.dtype) ?? 4) : 4;
      return Number.isSafeInteger(s * bytes) && s * bytes >= 0 && s * bytes < 4096 ? s * bytes : 4;
    });
    let at = 0;
    const offsets: unknown[] = sizes.map((n) => [at, (at += n)]);
    const n = offsets.length;
    const layout = h.layout;
    if (layout.kind === 'shift' && n) {
      const o = offsets[layout.index % n] as number[];
      offsets[layout.index % n] = [o[0] + layout.delta, o[1] + (layout.index % 2 ? layout.delta : 0)];
    } else if (layout.kind === 'swap' && n) {
      const o = offsets[layout.index % n] as number[];
      offsets[layout.index % n] = [o[1], o[0]];
    } else if (layout.kind === 'random') layout.offsets.forEach((o, i) => i < n && (offsets[i] = o));
    const entries: [string, unknown][] = h.entries.map((e, i) => {
      const parts: [string, unknown][] = [['dtype', e.dtype], ['shape', e.shape], ['data_offsets', offsets[i]]];
      if (e.extra) parts.push(e.extra);
      return [e.name, JSON.parse(objectText(parts)) as unknown];
    });
    let text = objectText(entries);
    if (h.wrap === 'array') text = `[${text}]`;
    else if (h.wrap === 'null') text = 'null';
    else if (h.wrap === 'string') text = JSON.stringify(text);
    else if (h.wrap === 'cut') text = text.slice(0, h.cutAt % Math.max(1, text.length));
    else if (h.wrap === 'space-first') text = ` ${text}`;
    else if (h.wrap === 'deep') text = `{"a":${'['.repeat(20)}${']'.repeat(20)}}`;
    const head = new TextEncoder().encode(text + ' '.repeat(h.padding));
    const header = h.wrap === 'bad-utf8' ? Uint8Array.of(...head.subarray(0, 1), 0xff, ...head.subarray(1)) : head;
    return rawSafetensors(header, new Uint8Array(Math.max(0, at + h.dataDelta)), h.lengthField);
  });

const objectKeys = Object.getOwnPropertyNames(Object.prototype).length;

/** Throws unless `parsed` is what a correct reader can return for `file`: its tensors tile the data area. */
export function checkParsed(parsed: SafetensorsFile, file: Uint8Array): void {
  const dataBytes = file.length - 8 - Number(new DataView(file.buffer, file.byteOffset, 8).getBigUint64(0, true));
  let bytes = 0;
  for (const [name, t] of parsed.tensors) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== count) throw new Error(`tensor ${JSON.stringify(name)} has ${t.data.length} values for shape ${JSON.stringify(t.shape)}`);
    if (arrayKind(t.data) !== KIND_OF[t.dtype]) throw new Error(`tensor ${JSON.stringify(name)} of dtype ${t.dtype} decoded to ${arrayKind(t.data)}`);
    bytes += count * DTYPE_BYTES.get(t.dtype)!;
  }
  if (bytes !== dataBytes) throw new Error(`tensors hold ${bytes} bytes, but the data area has ${dataBytes}`);
  for (const v of Object.values(parsed.metadata)) if (typeof v !== 'string') throw new Error(`metadata value ${JSON.stringify(v)} is not a string`);
}

/** Throws unless `e` is a plain Error whose message starts with the file name. */
export function checkRefusal(e: unknown, source: string): string {
  if (!(e instanceof Error) || e.constructor.name !== 'Error') throw new Error(`${source}: unexpected ${String((e as Error)?.constructor?.name)}: ${String((e as Error)?.message ?? e)}`);
  if (!e.message.startsWith(`${source}: `)) throw new Error(`error does not name the file: ${e.message}`);
  return refusalLabel(e.message, source);
}

function checkPrototypes(): void {
  if (Object.getOwnPropertyNames(Object.prototype).length !== objectKeys || ({} as Record<string, unknown>).polluted !== undefined)
    throw new Error('Object.prototype changed');
}

function parseCase(bytes: Uint8Array, source: string): string {
  let outcome: string;
  try {
    checkParsed(parseSafetensors(bytes, source), bytes);
    outcome = 'accepted';
  } catch (e) {
    outcome = checkRefusal(e, source);
  }
  checkPrototypes();
  return outcome;
}

/** Memory a case may add: the file, its decoded copy (F16 doubles), and a fixed 160 MiB for a 4 MiB header's objects. */
const bound = (bytes: number) => 4 * bytes + 160 * 2 ** 20;

let scratch: string | undefined;
/** One file rewritten for every case; its folder goes when the process exits. */
function scratchFile(): string {
  if (!scratch) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-fuzz-st-'));
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    scratch = dir;
  }
  return path.join(scratch, 'case.safetensors');
}

export const safetensorsMutated: FuzzTarget<{ bytes: Uint8Array; edits: Mutation[] }> = {
  name: 'safetensors-mutated',
  cases: fc.record({ file: validFile, edits: mutations(4) }).map(({ file, edits }) => ({ bytes: applyMutations(file.bytes, edits), edits })),
  run: ({ bytes }) => {
    const target = scratchFile();
    fs.writeFileSync(target, bytes);
    let outcome: string;
    try {
      checkParsed(readSafetensors(target), bytes);
      outcome = 'accepted';
    } catch (e) {
      outcome = checkRefusal(e, target);
    }
    checkPrototypes();
    return outcome;
  },
  inputBytes: ({ bytes }) => bytes.length,
  memoryBound: ({ bytes }) => bound(bytes.length),
};

export const safetensorsHeaders: FuzzTarget<Uint8Array> = {
  name: 'safetensors-headers',
  cases: generatedHeader,
  run: (bytes) => parseCase(bytes, 'generated.safetensors'),
  inputBytes: (bytes) => bytes.length,
  memoryBound: (bytes) => bound(bytes.length),
};
