// safetensors on typed arrays: 8-byte little-endian header length, a JSON header mapping each name to
// { dtype, shape, data_offsets } (relative to the end of the header), then the raw little-endian bytes. Bytes in,
// bytes out: reading and writing files is safetensors-files.ts's (Node only).
import { HEAD_BYTES, headerLength, LENGTH_BYTES, parseHeader, type SafetensorsDtype } from './safetensors-header.js';

export type { SafetensorsDtype } from './safetensors-header.js';

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
  /** What errors call it (the file name, or parseSafetensors' `source`). */
  source: string;
}

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
      // A fresh, aligned copy (a Buffer's slice() would be a view of the whole file); typed arrays are
      // little-endian on every platform Node runs on.
      return new Float32Array(new Uint8Array(bytes).buffer);
    case 'F64':
      return new Float64Array(new Uint8Array(bytes).buffer);
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
      return new Uint8Array(bytes);
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

/**
 * Parses a safetensors buffer; `source` names the file in errors. The header is checked whole (see
 * safetensors-header.ts) before any tensor is decoded.
 */
export function parseSafetensors(buf: Uint8Array, source = 'safetensors buffer'): SafetensorsFile {
  const headerBytes = headerLength(buf.subarray(0, HEAD_BYTES), buf.byteLength, source);
  const base = LENGTH_BYTES + headerBytes;
  const { entries, metadata } = parseHeader(buf.subarray(LENGTH_BYTES, base), buf.byteLength - base, source);
  const tensors = new Map<string, NamedTensor>();
  for (const { name, dtype, shape, count, begin, end } of entries)
    tensors.set(name, { dtype, shape, data: decode(dtype, buf.subarray(base + begin, base + end), count, name, source) });
  return { tensors, metadata, source };
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
