/** A closed interval `[min, max]`. */
export type Range = readonly [number, number];

/**
 * Checks that `value` is a `[min, max]` pair with `lo <= min <= max <= hi` (open ends when `open` says so) and
 * returns it; otherwise throws an Error naming the option and the allowed range.
 */
export function checkRange(
  name: string,
  value: unknown,
  lo: number,
  hi: number,
  open: { lo?: boolean; hi?: boolean } = {},
): Range {
  const allowed = `${open.lo ? '(' : '['}${lo}, ${hi}${open.hi ? ')' : ']'}`;
  if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new Error(`${name} must be a [min, max] pair of finite numbers within ${allowed} (got ${show(value)})`);
  }
  const [min, max] = value as [number, number];
  const tooLow = open.lo ? min <= lo : min < lo;
  const tooHigh = open.hi ? max >= hi : max > hi;
  if (min > max || tooLow || tooHigh) {
    throw new Error(`${name} must satisfy min <= max within ${allowed} (got [${min}, ${max}])`);
  }
  return [min, max];
}

/** Checks a finite number within `[lo, hi]`. */
export function checkNumber(name: string, value: unknown, lo: number, hi: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < lo || value > hi) {
    throw new Error(`${name} must be a number within [${lo}, ${hi}] (got ${show(value)})`);
  }
  return value;
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
