// Fuzz target for a command's options: every option that takes a value (numbers, paths, lists, choices, free
// text) gets NaN, infinities, negative, huge, fractional, empty, non-decimal ("0x40") and random values, and path
// options also missing paths, paths of the wrong kind, through a file, too long or with control characters; all
// through the command's own parse-and-check step (no training). A value must be accepted only when it is valid (in
// range, an integer where one is needed, a path of the right kind) and otherwise be refused with a UsageError of one
// line naming the option; anything else (a TypeError, an accepted NaN) fails the target.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import * as fc from 'fast-check';
import { pathProblem, type ArgSpec } from '@ssad/pipeline';
import { refusalLabel, type FuzzTarget } from './harness.js';

export interface OptionCase {
  option: string;
  value: string;
  /** `--name=value` instead of `--name value`. */
  joined: boolean;
}

export interface OptionCommand {
  /** The target's name, e.g. `trainer-train`. */
  name: string;
  specs: readonly ArgSpec[];
  /** Valid arguments; the fuzzed option comes after them (a repeated option takes its last value). */
  base: readonly string[];
  /** The command's parse-and-check step: throws on a bad argument, else returns the parsed options. */
  parse(argv: string[]): Record<string, unknown>;
  /** Extra values for some options (e.g. URLs for --queue). */
  extra?: Record<string, fc.Arbitrary<string>>;
}

/** A folder with a sub-folder, a file and a FIFO for path values, made once per process and removed at its exit. */
export function pathFixture(): { root: string; dir: string; file: string; fifo: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-optfuzz-'));
  process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  const dir = path.join(root, 'dir');
  const file = path.join(root, 'file.bin');
  const fifo = path.join(root, 'fifo');
  fs.mkdirSync(dir);
  fs.writeFileSync(file, 'x');
  try {
    execFileSync('mkfifo', [fifo]);
  } catch {
    fs.writeFileSync(fifo, '');
  }
  return { root, dir, file, fifo };
}

const NUMBERISH = [
  'NaN', 'nan', 'Infinity', '-Infinity', 'inf', '1e999', '-1e999', '', ' ', '-', '+', '.', 'e5', '1e', '0x40', '0X1F', '0b101', '0o17',
  '1_000', '1,5', '٣', '12abc', '--5', '- 5', '+5', '-0', '0.0', '.5', '5.', '1e3', '1E-3', '9007199254740993', '1e308', '-2147483649',
  '2147483648', '4294967296', '1e-400',
];

function numberValues(s: ArgSpec): fc.Arbitrary<string> {
  const edges: string[] = [];
  for (const b of [s.min, s.max]) if (b !== undefined) edges.push(String(b), String(b - 1), String(b + 1), String(b + 0.5), String(b * 10), String(-b));
  return fc.oneof(
    fc.constantFrom(...NUMBERISH, ...edges),
    fc.integer().map(String),
    fc.double().map(String),
    fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }).map(String),
    fc.string({ maxLength: 8 }),
  );
}

function pathValues(fx: ReturnType<typeof pathFixture>): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      '', ' ', 'NaN', '-1', '1e999', '.', fx.dir, fx.file, fx.fifo, '/dev/null', path.join(fx.root, 'missing'), path.join(fx.root, 'missing', 'deeper'),
      path.join(fx.file, 'below-a-file'), path.join(fx.root, 'y'.repeat(300)), 'x'.repeat(5000), `${fx.root}/a\nb`, `${fx.root}/a\u0000b`, '~/x',
    ),
    fc.string({ maxLength: 12 }).map((s) => path.join(fx.root, s)),
    fc.string({ maxLength: 12 }),
  );
}

function valuesFor(s: ArgSpec, fx: ReturnType<typeof pathFixture>, extra?: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const one = (): fc.Arbitrary<string> => {
    if (s.type === 'int' || s.type === 'number' || s.type === 'intList') return numberValues(s);
    if (s.path) return pathValues(fx);
    if (s.choices) return fc.oneof(fc.constantFrom(...s.choices, '', ' ', s.choices[0].toUpperCase(), `${s.choices[0]} `), fc.string({ maxLength: 8 }));
    return fc.oneof(fc.constantFrom('', ' ', 'NaN', '-1', '..', 'a/b', 'a b', 'x'.repeat(300)), fc.string({ maxLength: 12 }));
  };
  const item = extra ? fc.oneof(one(), extra) : one();
  if (s.type !== 'list' && s.type !== 'intList') return item;
  return fc.oneof(item, fc.array(item, { minLength: 0, maxLength: 4 }).map((a) => a.join(',')), fc.constantFrom(',', ',,', 'a,', ',a'));
}

/** Whether an accepted value is what the option allows. Returns what is wrong, or undefined. */
function acceptedProblem(s: ArgSpec, raw: string, parsed: unknown): string | undefined {
  const number = (v: unknown): string | undefined => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return `not a finite number: ${String(v)}`;
    if ((s.type === 'int' || s.type === 'intList') && !Number.isInteger(v)) return `not an integer: ${v}`;
    if ((s.min !== undefined && v < s.min) || (s.max !== undefined && v > s.max)) return `${v} outside [${s.min}, ${s.max}]`;
    return undefined;
  };
  const items = (v: unknown) => (Array.isArray(v) ? v : undefined);
  switch (s.type) {
    case 'int':
    case 'number':
      return number(parsed) ?? (parsed === Number(raw) ? undefined : `${raw} parsed as ${String(parsed)}`);
    case 'intList':
      return items(parsed)?.map(number).find(Boolean) ?? (items(parsed)?.length ? undefined : 'empty list');
    default: {
      const values = s.type === 'list' ? items(parsed) : [parsed];
      if (!values?.length) return 'no value';
      for (const v of values) {
        if (typeof v !== 'string' || v.length === 0) return `empty or not a string: ${JSON.stringify(v)}`;
        if (s.choices && !s.choices.includes(v)) return `${v} is not one of ${s.choices.join(', ')}`;
        if (s.path && pathProblem(v, s.path)) return `path ${v}: ${pathProblem(v, s.path)}`;
      }
      return undefined;
    }
  }
}

export function optionTarget(c: OptionCommand, fx = pathFixture()): FuzzTarget<OptionCase> {
  const valued = c.specs.filter((s) => s.type !== 'flag');
  const cases = fc
    .constantFrom(...valued)
    .chain((s) => fc.record({ option: fc.constant(s.name), value: valuesFor(s, fx, c.extra?.[s.name]), joined: fc.boolean() }));
  return {
    name: c.name,
    cases,
    inputBytes: (k) => k.value.length,
    run(k) {
      const spec = valued.find((s) => s.name === k.option)!;
      const argv = [...c.base, ...(k.joined ? [`--${k.option}=${k.value}`] : [`--${k.option}`, k.value])];
      let parsed: Record<string, unknown>;
      try {
        parsed = c.parse(argv);
      } catch (e) {
        const err = e as Error;
        if (err?.name !== 'UsageError') throw new Error(`--${k.option} ${JSON.stringify(k.value)}: ${err?.name ?? typeof e} instead of a UsageError: ${err?.message ?? String(e)}`);
        if (!err.message.includes(`--${k.option}`)) throw new Error(`--${k.option} ${JSON.stringify(k.value)}: the error does not name the option: ${err.message}`);
        if (err.message.includes('\n')) throw new Error(`--${k.option} ${JSON.stringify(k.value)}: a multi-line error: ${err.message}`);
        // Path errors start with the option and its value (quoted when it holds control characters).
        let message = err.message;
        for (const shown of [k.value, JSON.stringify(k.value)])
          if (message.startsWith(`--${k.option} ${shown}: `)) message = `--${k.option} …: ${message.slice(`--${k.option} ${shown}: `.length)}`;
        return refusalLabel(message, '');
      }
      const problem = acceptedProblem(spec, k.value, parsed[k.option]);
      if (problem) throw new Error(`--${k.option} ${JSON.stringify(k.value)} was accepted but ${problem}`);
      return 'accepted';
    },
  };
}
