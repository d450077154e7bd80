// Anomaly maps as NumPy .npy files (format 1.0, little-endian float32, C order): the raw values, loadable with
// `numpy.load` or `readNpy`, for users who post-process maps themselves.
import fs from 'node:fs';
import { writeFileAtomic } from '@ssad/models';

const MAGIC = '\x93NUMPY';

export function encodeNpy(values: Float32Array, shape: readonly number[]): Uint8Array {
  if (shape.reduce((a, b) => a * b, 1) !== values.length) throw new Error(`encodeNpy: shape [${shape.join(', ')}] does not hold ${values.length} values`);
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  // The header, with its 10-byte preamble, is padded with spaces to a multiple of 64 and ends in a newline.
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64 || 64)) + '\n';
  const out = new Uint8Array(10 + header.length + values.byteLength);
  out.set(Array.from(MAGIC, (c) => c.charCodeAt(0)), 0);
  out.set([1, 0], 6);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), 10 + header.length);
  return out;
}

export function writeNpy(file: string, values: Float32Array, shape: readonly number[]): void {
  writeFileAtomic(file, encodeNpy(values, shape));
}

/** Reads a float32 little-endian C-order .npy file (what writeNpy writes); errors name the file. */
export function readNpy(file: string): { shape: number[]; data: Float32Array } {
  const bytes = fs.readFileSync(file);
  if (bytes.length < 10 || bytes.subarray(0, 6).toString('latin1') !== MAGIC) throw new Error(`${file}: not a .npy file`);
  const length = bytes.readUInt16LE(8);
  const header = bytes.subarray(10, 10 + length).toString('latin1');
  if (!/'descr': '<f4'/.test(header) || !/'fortran_order': False/.test(header)) throw new Error(`${file}: expected little-endian float32 in C order, header ${header.trim()}`);
  const shape = (/'shape': \(([^)]*)\)/.exec(header)?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const body = bytes.subarray(10 + length);
  if (body.length !== count * 4) throw new Error(`${file}: shape (${shape.join(', ')}) needs ${count * 4} bytes, the file has ${body.length}`);
  return { shape, data: new Float32Array(Uint8Array.from(body).buffer) };
}
