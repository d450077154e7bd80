// Byte-level mutations of valid files, as fast-check values (so failures shrink to the fewest, smallest edits).
// Positions are drawn as plain numbers and taken modulo the file's length when applied, with a bias towards the
// first bytes, where the headers live.
import * as fc from 'fast-check';

export type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; value: number }
  | { kind: 'word'; at: number; bytes: 1 | 2 | 4 | 8; littleEndian: boolean; value: bigint }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; data: Uint8Array }
  | { kind: 'remove'; at: number; length: number }
  | { kind: 'repeat'; at: number; length: number; to: number };

/** Values that sit on the edges parsers get wrong: zero, one, sign bits, all ones, the safe-integer limit. */
export const INTERESTING: readonly bigint[] = [
  0n, 1n, 2n, 7n, 8n, 0x7fn, 0x80n, 0xffn, 0x100n, 0x7fffn, 0x8000n, 0xffffn, 0x10000n, 0x7fffffffn, 0x80000000n,
  0xffffffffn, 0x100000000n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 1n,
];

const position = fc.oneof(fc.nat({ max: 63 }), fc.nat({ max: 1 << 30 }));

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant('set' as const), at: position, value: fc.nat({ max: 255 }) }),
  fc.record({
    kind: fc.constant('word' as const),
    at: position,
    bytes: fc.constantFrom(1 as const, 2 as const, 4 as const, 8 as const),
    littleEndian: fc.boolean(),
    value: fc.constantFrom(...INTERESTING),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('insert' as const), at: position, data: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('remove' as const), at: position, length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ kind: fc.constant('repeat' as const), at: position, length: fc.integer({ min: 1, max: 256 }), to: position }),
);

export const mutations = (maxLength = 4): fc.Arbitrary<Mutation[]> => fc.array(mutation, { minLength: 1, maxLength });

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** One mutation applied to a copy of `bytes`. */
export function applyMutation(bytes: Uint8Array, m: Mutation): Uint8Array {
  const n = bytes.length;
  if (n === 0) return m.kind === 'insert' ? m.data.slice() : bytes;
  const at = m.at % n;
  switch (m.kind) {
    case 'flip': {
      const out = bytes.slice();
      out[at] ^= 1 << m.bit;
      return out;
    }
    case 'set': {
      const out = bytes.slice();
      out[at] = m.value;
      return out;
    }
    case 'word': {
      const out = bytes.slice();
      for (let i = 0; i < m.bytes && at + i < n; i++) {
        const shift = BigInt(8 * (m.littleEndian ? i : m.bytes - 1 - i));
        out[at + i] = Number((m.value >> shift) & 0xffn);
      }
      return out;
    }
    case 'truncate':
      return bytes.slice(0, at);
    case 'insert':
      return concat(bytes.subarray(0, at), m.data, bytes.subarray(at));
    case 'remove':
      return concat(bytes.subarray(0, at), bytes.subarray(at + m.length));
    case 'repeat': {
      const to = m.to % n;
      return concat(bytes.subarray(0, to), bytes.subarray(at, at + m.length), bytes.subarray(to));
    }
  }
}

export function applyMutations(bytes: Uint8Array, ms: readonly Mutation[]): Uint8Array {
  return ms.reduce(applyMutation, bytes);
}
