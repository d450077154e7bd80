// Seeded pseudo-random numbers. Algorithm: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 32-bit
// variant, as in PractRand), its 128-bit state filled by splitmix32 from the seed. Only 32-bit integer
// arithmetic (Math.imul, >>>) and IEEE double operations are used, so a seed gives the same stream on every
// JavaScript engine and machine.

const TWO_POW_32 = 4294967296;

/** A writable array-like: plain arrays and every typed array. */
export interface WritableArrayLike<T> {
  length: number;
  [index: number]: T;
}

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /** `seed`: any safe integer (negative allowed); all 53 bits take part in the seeding. */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new Error(`Rng: seed must be a safe integer (got ${String(seed)})`);
    }
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_POW_32) >>> 0;
    const sm = { s: lo ^ Math.imul(hi, 0x9e3779b9) };
    this.a = splitmix32(sm);
    this.b = splitmix32(sm);
    this.c = splitmix32(sm);
    this.d = splitmix32(sm) ^ hi;
    // Discard the first outputs: sfc32 mixes its state in a dozen steps.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** Next raw 32-bit output, an integer in [0, 2^32). */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform double in [lo, hi) (53-bit resolution). */
  uniform(lo = 0, hi = 1): number {
    const u = ((this.nextUint32() >>> 5) * 67108864 + (this.nextUint32() >>> 6)) / 9007199254740992;
    return lo + (hi - lo) * u;
  }

  /** Uniform integer in [lo, hi], both ends included; unbiased (rejection sampling). */
  int(lo: number, hi: number): number {
    if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || hi < lo) {
      throw new Error(`Rng.int: bounds must be integers with lo <= hi (got lo=${lo}, hi=${hi})`);
    }
    const span = hi - lo + 1;
    if (span > TWO_POW_32) {
      throw new Error(`Rng.int: range hi - lo + 1 must be at most 2^32 (got ${span})`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % span);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return lo + (x % span);
  }

  /** A uniformly chosen element. */
  pick<T>(items: ArrayLike<T>): T {
    if (items.length === 0) throw new Error('Rng.pick: items must not be empty');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** Standard normal deviate (Box–Muller; one pair of uniforms per call, nothing cached). */
  normal(): number {
    const u1 = 1 - this.uniform();
    const u2 = this.uniform();
    return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }

  /** An independent generator seeded from this one's stream (advances this generator by 4 draws). */
  fork(): Rng {
    const child = new Rng(0);
    child.a = this.nextUint32() | 0;
    child.b = this.nextUint32() | 0;
    child.c = this.nextUint32() | 0;
    child.d = this.nextUint32() | 0;
    for (let i = 0; i < 12; i++) child.nextUint32();
    return child;
  }

  /** Fisher–Yates shuffle in place; returns the same array. */
  shuffle<A extends WritableArrayLike<unknown>>(items: A): A {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }
}
