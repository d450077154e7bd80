// Helpers for specs: jest's toEqual walks typed arrays element by element and is slow on millions of values.
import type * as tf from '@tensorflow/tfjs';

type Values = Float32Array | Int32Array | Uint8Array | tf.TypedArray;

/** Bit-identical contents. */
export function identical(a: Values, b: Values): boolean {
  return a.length === b.length && Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;
}

export function maxAbsDiff(a: Values, b: Values): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}
