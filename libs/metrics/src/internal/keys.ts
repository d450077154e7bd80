// Order-preserving maps from IEEE floats to unsigned integers: flip all bits of negatives, set the sign bit of
// positives. -0 is folded onto +0 so that the two compare equal, as they do as numbers.

const SIGN = 0x80000000;
const EXP32 = 0x7f800000;
const EXP64_HI = 0x7ff00000;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1);
const u64 = new Uint32Array(f64.buffer);
const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const HI = littleEndian ? 1 : 0;
const LO = littleEndian ? 0 : 1;

/** True when the float32 bit pattern `u` is NaN or ±Infinity. */
export function nonFiniteBits(u: number): boolean {
  return (u & EXP32) === EXP32;
}

/** Order key of a finite float32 given by its bit pattern `u`. */
export function orderKey(u: number): number {
  return u & SIGN ? (u === SIGN ? SIGN : ~u >>> 0) : (u | SIGN) >>> 0;
}

/**
 * Writes the keys of `src` into `out` starting at `at`. Returns the index in `src` of the first NaN or ±Infinity
 * (keys are then incomplete), or -1.
 */
export function float32KeysInto(src: Float32Array, out: Uint32Array, at: number): number {
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < bits.length; i++) {
    const u = bits[i];
    if (nonFiniteBits(u)) return i;
    out[at + i] = orderKey(u);
  }
  return -1;
}

export function float32FromKey(key: number): number {
  u32[0] = key & SIGN ? key ^ SIGN : ~key >>> 0;
  return f32[0];
}

/** High and low key words of `src`; returns the index of the first non-finite value instead when there is one. */
export function float64Keys(src: Float64Array): { hi: Uint32Array; lo: Uint32Array } | number {
  const n = src.length;
  const words = new Uint32Array(new Float64Array(src).buffer);
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let h = words[2 * i + HI];
    let l = words[2 * i + LO];
    if ((h & EXP64_HI) === EXP64_HI) return i;
    if (h & SIGN) {
      if (h === SIGN && l === 0) h = SIGN;
      else {
        h = ~h >>> 0;
        l = ~l >>> 0;
      }
    } else h = (h | SIGN) >>> 0;
    hi[i] = h;
    lo[i] = l;
  }
  return { hi, lo };
}

export function float64FromKey(hi: number, lo: number): number {
  if (hi & SIGN) {
    u64[HI] = hi ^ SIGN;
    u64[LO] = lo;
  } else {
    u64[HI] = ~hi >>> 0;
    u64[LO] = ~lo >>> 0;
  }
  return f64[0];
}
