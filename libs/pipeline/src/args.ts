// Command-line parsing without a framework: a table of options, `--name value` / `--name=value` / flags, and
// errors that name the option and say what is allowed. Shared by both apps so they parse identically. Path options
// are checked as they are parsed (path-args.ts).
import { pathProblem, type PathKind } from './path-args.js';

export type ArgType = 'string' | 'int' | 'number' | 'flag' | 'list' | 'intList';

export interface ArgSpec {
  name: string;
  type: ArgType;
  help: string;
  /** Allowed values for string options. */
  choices?: readonly string[];
  min?: number;
  max?: number;
  /** A path option: checked to exist (dir, file) or to be a writable place for an output folder (out). */
  path?: PathKind;
  /** The value used when the option is not given, as shown by --help (e.g. "0", "./predictions", "from --preset"). */
  default?: string;
}

export type ParsedValue = string | number | boolean | string[] | number[];

export interface ParsedArgs {
  options: Record<string, ParsedValue>;
  positionals: string[];
}

export class UsageError extends Error {
  override name = 'UsageError';
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function parseNumber(spec: ArgSpec, raw: string, integer: boolean): number {
  const v = Number(raw);
  const lo = spec.min ?? -Infinity;
  const hi = spec.max ?? Infinity;
  // Decimal notation only: Number() would also take "0x40", "0b1" or "0o7" (found by fuzzing).
  if (!DECIMAL.test(raw.trim()) || !Number.isFinite(v) || (integer && !Number.isInteger(v)) || v < lo || v > hi)
    throw new UsageError(
      `--${spec.name}: expected ${integer ? 'an integer' : 'a number'}${Number.isFinite(lo) || Number.isFinite(hi) ? ` in [${lo}, ${hi}]` : ''}, got ${JSON.stringify(raw)}`,
    );
  return v;
}

function convert(spec: ArgSpec, raw: string): ParsedValue {
  switch (spec.type) {
    case 'int':
      return parseNumber(spec, raw, true);
    case 'number':
      return parseNumber(spec, raw, false);
    case 'list':
    case 'intList': {
      const parts = raw.split(',').map((s) => s.trim());
      // "0,,1" or "0,1," is a typo, not a shorter list.
      if (parts.some((p) => p.length === 0)) throw new UsageError(`--${spec.name}: expected a comma-separated list without empty items, got ${JSON.stringify(raw)}`);
      if (spec.type === 'list') {
        if (spec.choices) for (const p of parts) checkChoice(spec, p);
        return parts;
      }
      return parts.map((p) => parseNumber(spec, p, true));
    }
    default:
      if (spec.choices) checkChoice(spec, raw);
      if (raw === '') throw new UsageError(`--${spec.name}: expected a value, got an empty string`);
      return raw;
  }
}

function checkChoice(spec: ArgSpec, value: string): void {
  if (!spec.choices!.includes(value))
    throw new UsageError(`--${spec.name}: expected one of ${spec.choices!.join(', ')}, got ${JSON.stringify(value)}`);
}

/**
 * Parses argv (without node and script). `--` ends options; everything else not starting with `--` is positional,
 * except `-h`, which means `--help` wherever the table has a help flag.
 * A repeated option takes its last value, so a target's built-in defaults (e.g. the demo's --image-size) can be
 * overridden by arguments appended after them.
 */
export function parseArgs(argv: readonly string[], specs: readonly ArgSpec[]): ParsedArgs {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const options: Record<string, ParsedValue> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' && byName.get('help')?.type === 'flag') {
      options.help = true;
      continue;
    }
    if (!arg.startsWith('--') || arg === '-') {
      if (arg.startsWith('-') && arg !== '-' && !/^-\d/.test(arg))
        throw new UsageError(`unknown option ${JSON.stringify(arg)} (options are long: --name; see --help)`);
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = byName.get(name);
    if (!spec) {
      const known = specs.map((s) => `--${s.name}`).join(', ');
      throw new UsageError(`unknown option "--${name}" (known: ${known})`);
    }
    if (spec.type === 'flag') {
      if (eq >= 0) {
        const raw = arg.slice(eq + 1);
        if (raw !== 'true' && raw !== 'false') throw new UsageError(`--${spec.name}: is a flag, expected no value or true/false, got ${JSON.stringify(raw)}`);
        options[spec.name] = raw === 'true';
      } else options[spec.name] = true;
      continue;
    }
    let raw: string;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length || (argv[i + 1].startsWith('--') && argv[i + 1] !== '--'))
        throw new UsageError(`--${spec.name}: missing value`);
      raw = argv[++i];
    }
    options[spec.name] = convert(spec, raw);
  }
  if (!options.help) for (const spec of specs) if (spec.path && options[spec.name] !== undefined) checkPaths(spec, options[spec.name]);
  return { options, positionals };
}

function checkPaths(spec: ArgSpec, value: ParsedValue): void {
  for (const p of Array.isArray(value) ? value : [value]) {
    const problem = pathProblem(String(p), spec.path!);
    // Quoted when it holds control characters, so the message stays one line.
    const shown = /[\u0000-\u001f\u007f]/.test(String(p)) ? JSON.stringify(p) : String(p);
    if (problem) throw new UsageError(`--${spec.name} ${shown}: ${problem}`);
  }
}

/** The allowed range of a numeric option, e.g. "[32, 1024]" or "≥ 0". */
function range(s: ArgSpec): string {
  if (s.type !== 'int' && s.type !== 'number' && s.type !== 'intList') return '';
  if (s.min !== undefined && s.max !== undefined) return `range [${s.min}, ${s.max}]`;
  if (s.min !== undefined) return `≥ ${s.min}`;
  return s.max !== undefined ? `≤ ${s.max}` : '';
}

/** The option table as help text, one option per line, each with its default and allowed range. */
export function formatHelp(usage: string, specs: readonly ArgSpec[]): string {
  const rows = specs.map((s) => {
    const value = s.type === 'flag' ? '' : s.choices ? ` <${s.choices.join('|')}>` : ` <${s.type}>`;
    const extra = [s.default === undefined ? '' : `default ${s.default}`, range(s)].filter(Boolean).join('; ');
    return [`  --${s.name}${value}`, extra ? `${s.help} (${extra})` : s.help];
  });
  const width = Math.max(...rows.map((r) => r[0].length)) + 2;
  return `${usage}\n\nOptions:\n${rows.map(([a, b]) => a.padEnd(width) + b).join('\n')}\n`;
}
