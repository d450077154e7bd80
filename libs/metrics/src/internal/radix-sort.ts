// LSD radix sort of unsigned 32/64-bit keys carrying a Uint32 payload. Scores are turned into keys whose unsigned
// order is the numeric order (see keys.ts), so sorting millions of pixels needs no comparator and no boxed numbers.

const BITS = 11;
const RADIX = 1 << BITS;
const MASK = RADIX - 1;
const SHIFTS = [0, 11, 22] as const;

export interface SortedPairs32<P extends Uint32Array | null> {
  keys: Uint32Array;
  payload: P;
}

export interface SortedPairs64 {
  hi: Uint32Array;
  lo: Uint32Array;
  payload: Uint32Array;
}

/** One histogram per 11-bit digit of a 32-bit word, laid out [digit0 | digit1 | digit2]. */
function histograms(words: Uint32Array): Uint32Array {
  const h = new Uint32Array(3 * RADIX);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    h[w & MASK]++;
    h[RADIX + ((w >>> 11) & MASK)]++;
    h[2 * RADIX + (w >>> 22)]++;
  }
  return h;
}

/** Exclusive prefix sums of one digit histogram; null when every key has the same digit (the pass is a no-op). */
function offsets(h: Uint32Array, digit: number, n: number): Uint32Array | null {
  const base = digit * RADIX;
  const out = new Uint32Array(RADIX);
  let sum = 0;
  for (let b = 0; b < RADIX; b++) {
    const c = h[base + b];
    if (c === n) return null;
    out[b] = sum;
    sum += c;
  }
  return out;
}

/**
 * Sorts `keys` ascending, permuting `payload` (if any) alongside. The inputs are consumed (used as scratch);
 * the result may be the input arrays or fresh ones.
 */
export function sortPairs32<P extends Uint32Array | null>(keys: Uint32Array, payload: P): SortedPairs32<P> {
  const n = keys.length;
  const h = histograms(keys);
  let k = keys;
  let p: Uint32Array | null = payload;
  let k2: Uint32Array | null = null;
  let p2: Uint32Array | null = null;
  for (let d = 0; d < 3; d++) {
    const off = offsets(h, d, n);
    if (off === null) continue;
    k2 ??= new Uint32Array(n);
    const shift = SHIFTS[d];
    if (p === null) {
      // Keys alone move half the bytes: the common case of normal pixels, which carry nothing.
      for (let i = 0; i < n; i++) {
        const key = k[i];
        k2[off[(key >>> shift) & MASK]++] = key;
      }
    } else {
      p2 ??= new Uint32Array(n);
      for (let i = 0; i < n; i++) {
        const key = k[i];
        const at = off[(key >>> shift) & MASK]++;
        k2[at] = key;
        p2[at] = p[i];
      }
      [p, p2] = [p2, p];
    }
    [k, k2] = [k2, k];
  }
  return { keys: k, payload: p as P };
}

/** As sortPairs32 for 64-bit keys split into high and low words (the low words are sorted first). */
export function sortPairs64(hi: Uint32Array, lo: Uint32Array, payload: Uint32Array): SortedPairs64 {
  const n = hi.length;
  const hLo = histograms(lo);
  const hHi = histograms(hi);
  let a = hi;
  let b = lo;
  let p = payload;
  let a2: Uint32Array | null = null;
  let b2: Uint32Array | null = null;
  let p2: Uint32Array | null = null;
  for (let d = 0; d < 6; d++) {
    const low = d < 3;
    const off = offsets(low ? hLo : hHi, d % 3, n);
    if (off === null) continue;
    a2 ??= new Uint32Array(n);
    b2 ??= new Uint32Array(n);
    p2 ??= new Uint32Array(n);
    const shift = SHIFTS[d % 3];
    const src = low ? b : a;
    for (let i = 0; i < n; i++) {
      const at = off[(src[i] >>> shift) & MASK]++;
      a2[at] = a[i];
      b2[at] = b[i];
      p2[at] = p[i];
    }
    [a, a2] = [a2, a];
    [b, b2] = [b2, b];
    [p, p2] = [p2, p];
  }
  return { hi: a, lo: b, payload: p };
}
