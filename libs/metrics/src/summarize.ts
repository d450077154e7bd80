import { max, mean, min, sampleStandardDeviation, standardDeviation } from 'simple-statistics';

/** Mean ± standard deviation of one metric over runs (seeds). */
export interface Summary {
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1) by default; 0 for a single run. */
  std: number;
  min: number;
  max: number;
  /** e.g. "0.9712 ± 0.0041" with options.digits decimals. */
  text: string;
}

export interface SummarizeOptions {
  /** 1 (default): sample std, n - 1 in the denominator; 0: population std (numpy's default). */
  ddof?: 0 | 1;
  /** Decimals in `text`, an integer in [0, 20]. Default 4. */
  digits?: number;
}

function summarizeValues(values: ArrayLike<number>, name: string, ddof: 0 | 1, digits: number): Summary {
  const xs = Array.from(values);
  if (xs.length === 0) throw new RangeError(`${name} is empty; summarize needs at least one value`);
  xs.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`${name}[${i}] is ${String(v)}; values must be finite numbers`);
  });
  const m = mean(xs);
  const std = xs.length === 1 ? 0 : ddof === 1 ? sampleStandardDeviation(xs) : standardDeviation(xs);
  return { n: xs.length, mean: m, std, min: min(xs), max: max(xs), text: `${m.toFixed(digits)} ± ${std.toFixed(digits)}` };
}

/**
 * Turns per-seed results into mean ± std: either one list of numbers, or a list of records (one per seed) whose
 * numeric fields are summarised field by field (every record must have the same fields).
 */
export function summarize(values: ArrayLike<number>, options?: SummarizeOptions): Summary;
export function summarize<K extends string>(
  runs: readonly Readonly<Record<K, number>>[],
  options?: SummarizeOptions,
): Record<K, Summary>;
export function summarize(
  input: ArrayLike<number> | readonly Readonly<Record<string, number>>[],
  options: SummarizeOptions = {},
): Summary | Record<string, Summary> {
  const ddof = options.ddof ?? 1;
  if (ddof !== 0 && ddof !== 1) throw new RangeError(`options.ddof must be 0 or 1, got ${String(ddof)}`);
  const digits = options.digits ?? 4;
  if (!Number.isInteger(digits) || digits < 0 || digits > 20)
    throw new RangeError(`options.digits must be an integer in [0, 20], got ${String(digits)}`);
  if (input.length === 0) throw new RangeError('summarize needs at least one value or run');
  const first = input[0];
  if (typeof first !== 'object' || first === null) return summarizeValues(input as ArrayLike<number>, 'values', ddof, digits);
  const runs = input as readonly Readonly<Record<string, number>>[];
  const fields = Object.keys(first);
  const out: Record<string, Summary> = {};
  for (const f of fields) {
    const column = new Float64Array(runs.length);
    runs.forEach((r, i) => {
      if (!(f in r)) throw new RangeError(`runs[${i}] has no field "${f}" (runs[0] has it)`);
      column[i] = r[f];
      if (!Number.isFinite(r[f])) throw new RangeError(`runs[${i}].${f} is ${String(r[f])}; values must be finite numbers`);
    });
    out[f] = summarizeValues(column, f, ddof, digits);
  }
  return out;
}
