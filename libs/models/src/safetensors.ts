// safetensors on typed arrays: 8-byte little-endian header length, a JSON header mapping each name to
// { dtype, shape, data_offsets } (relative to the end of the header), then the raw little-endian bytes.
import * as fs from 'node:fs';

export type SafetensorsDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I64' | 'I32' | 'U8';

/** Values a tensor decodes to / is written from. */
export type TensorValues = Float32Array | Float64Array | Int32Array | Uint8Array;

/**
 * One decoded tensor. F64 decodes to Float64Array, the other floating types to Float32Array, integer types to
 * Int32Array (I64 checked to fit), U8 to Uint8Array.
 */
export interface NamedTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: TensorValues;
}

export type TensorMap = Map<string, { shape: number[]; data: TensorValues }>;

export interface SafetensorsFile {
  tensors: Map<string, NamedTensor>;
  metadata: Record<string, string>;
}

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I64: 8, I32: 4, U8: 1 };

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function decode(dtype: SafetensorsDtype, bytes: Uint8Array, count: number, name: string, source: string) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F32':
      // slice() copies into a fresh, aligned buffer; typed arrays are little-endian on every platform Node runs on.
      return new Float32Array(bytes.slice().buffer);
    case 'F64':
      return new Float64Array(bytes.slice().buffer);
    case 'F16': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return out;
    }
    case 'BF16': {
      const out = new Float32Array(count);
      const u = new Uint32Array(out.buffer);
      for (let i = 0; i < count; i++) u[i] = view.getUint16(i * 2, true) << 16;
      return out;
    }
    case 'I64': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const v = view.getBigInt64(i * 8, true);
        if (v > 2147483647n || v < -2147483648n) throw new Error(`${source}: tensor "${name}" has an I64 value ${v} outside the int32 range`);
        out[i] = Number(v);
      }
      return out;
    }
    case 'I32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true);
      return out;
    }
    case 'U8':
      return bytes.slice();
  }
}

/**
 * The typed-array class name. `instanceof` fails across realms (tfjs arrays made in another vm context, e.g. jest),
 * the internal tag does not.
 */
export function arrayKind(a: unknown): string {
  return Object.prototype.toString.call(a).slice(8, -1);
}

const DTYPE_OF: Record<string, SafetensorsDtype | undefined> = { Float32Array: 'F32', Float64Array: 'F64', Int32Array: 'I32', Uint8Array: 'U8' };

/** Parses a safetensors buffer; `source` names the file in errors. */
export function parseSafetensors(buf: Uint8Array, source = 'safetensors buffer'): SafetensorsFile {
  if (buf.byteLength < 8) throw new Error(`${source}: too short for a safetensors file (${buf.byteLength} bytes)`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const headerLen = Number(view.getBigUint64(0, true));
  if (headerLen > buf.byteLength - 8) throw new Error(`${source}: header length ${headerLen} exceeds the file size ${buf.byteLength}`);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(buf.subarray(8, 8 + headerLen)));
  } catch (e) {
    throw new Error(`${source}: header is not valid JSON (${(e as Error).message})`);
  }
  const base = 8 + headerLen;
  const tensors = new Map<string, NamedTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = entry as Record<string, string>;
      continue;
    }
    const { dtype, shape, data_offsets: off } = entry as { dtype: SafetensorsDtype; shape: number[]; data_offsets: [number, number] };
    if (!(dtype in BYTES)) throw new Error(`${source}: tensor "${name}" has unsupported dtype ${dtype} (supported: ${Object.keys(BYTES).join(', ')})`);
    const count = shape.reduce((a, b) => a * b, 1);
    if (!Array.isArray(off) || off[1] - off[0] !== count * BYTES[dtype] || base + off[1] > buf.byteLength)
      throw new Error(`${source}: tensor "${name}" has data_offsets ${JSON.stringify(off)} inconsistent with ${dtype}${JSON.stringify(shape)} or the file size ${buf.byteLength}`);
    tensors.set(name, { dtype, shape, data: decode(dtype, buf.subarray(base + off[0], base + off[1]), count, name, source) });
  }
  return { tensors, metadata };
}

export function readSafetensors(file: string): SafetensorsFile {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw new Error(`${file}: cannot read safetensors file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseSafetensors(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength), file);
}

/** Serialises float32 / float64 / int32 / uint8 tensors (names sorted, 8-byte aligned header as the reference writer does). */
export function serializeSafetensors(tensors: TensorMap, metadata?: Record<string, string>): Uint8Array {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.data.length) throw new Error(`serializeSafetensors: tensor "${name}" has shape ${JSON.stringify(t.shape)} but ${t.data.length} values`);
    const dtype = DTYPE_OF[arrayKind(t.data)];
    if (!dtype) throw new Error(`serializeSafetensors: tensor "${name}" is a ${arrayKind(t.data)}; expected Float32Array, Float64Array, Int32Array or Uint8Array`);
    header[name] = { dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const json = JSON.stringify(header);
  const pad = (8 - ((new TextEncoder().encode(json).length + 8) % 8)) % 8;
  const head = new TextEncoder().encode(json + ' '.repeat(pad));
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let pos = 8 + head.length;
  for (const name of names) {
    const d = tensors.get(name)!.data;
    // Typed arrays are little-endian on every platform Node supports.
    out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), pos);
    pos += d.byteLength;
  }
  return out;
}

export function writeSafetensors(file: string, tensors: TensorMap, metadata?: Record<string, string>): void {
  fs.writeFileSync(file, serializeSafetensors(tensors, metadata));
}
