// Runs one fuzz target: a fast-check property over generated cases, every case either accepted or refused with
// an error of the expected kind (the target checks that and throws otherwise), and, on Linux, the peak resident
// memory of every case measured against the target's bound: the kernel's high-water mark is reset before each
// case (/proc/self/clear_refs), so the peak of one case is not hidden by an earlier one.
import * as fs from 'node:fs';
import * as fc from 'fast-check';

export interface FuzzTarget<T> {
  name: string;
  cases: fc.Arbitrary<T>;
  /**
   * Runs one case. Resolves with an outcome label ("accepted", or what the refusal said, see refusalLabel);
   * throws when the loader broke its contract (wrong error type, a message not naming the file, a bad result).
   */
  run(c: T): Promise<string> | string;
  /** Bytes of input the case reads (file sizes), for the report. */
  inputBytes(c: T): number;
  /** Most bytes of resident memory the case may add; omit to only measure. */
  memoryBound?(c: T): number;
}

export interface FuzzOptions {
  seed: number;
  /** Cases to run (default 100). */
  runs?: number;
  /** Stop after this many seconds even if `runs` are not done. */
  seconds?: number;
  /** Measure each case's peak memory (Linux only; default true where available). */
  measureMemory?: boolean;
  /** Written before each case (its fast-check description), so a case that kills the process can be replayed. */
  caseFile?: string;
  /** Called after each case with the number done. */
  onCase?: (done: number) => void;
}

export interface MemoryPeak {
  /** Peak resident bytes the case added. */
  bytes: number;
  inputBytes: number;
  bound?: number;
}

export interface FuzzReport {
  target: string;
  seed: number;
  runs: number;
  seconds: number;
  outcomes: Record<string, number>;
  /** Largest peak, and the case closest to its bound (when the target has one). */
  largestPeak?: MemoryPeak;
  tightestPeak?: MemoryPeak;
  failure?: string;
}

const STATUS = '/proc/self/status';

function statusKiB(field: 'VmRSS' | 'VmHWM'): number {
  const m = fs.readFileSync(STATUS, 'utf8').match(new RegExp(`${field}:\\s+(\\d+) kB`));
  return m ? Number(m[1]) : NaN;
}

/** Whether per-case peaks can be measured here (Linux ≥ 4.0 lets a process reset its own high-water mark). */
export function canMeasurePeaks(): boolean {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return Number.isFinite(statusKiB('VmHWM'));
  } catch {
    return false;
  }
}

/** Runs `fn` and returns the peak resident bytes it added over the resident size before it. */
export async function peakDuring(fn: () => Promise<unknown> | unknown): Promise<number> {
  fs.writeFileSync('/proc/self/clear_refs', '5');
  const before = statusKiB('VmRSS');
  await fn();
  return Math.max(0, statusKiB('VmHWM') - before) * 1024;
}

/**
 * A short label for a refusal, so a report counts kinds of problems: the message without the file name, with
 * quoted names, JSON values, numbers and parenthesised details left out.
 */
export function refusalLabel(message: string, source: string): string {
  let p = message.startsWith(`${source}: `) ? message.slice(source.length + 2) : message;
  p = p.replace(/"(?:[^"\\]|\\.)*"/g, '…');
  // Values cut short by the loader ("[1,2,3,...") never close their brackets.
  p = p.replace(/[[{][^;]*?\.\.\./g, '…');
  for (let before = ''; before !== p; ) {
    before = p;
    p = p.replace(/\[[^[\]]*\]|\{[^{}]*\}|\s*\([^()]*\)/g, (m) => (m.trimStart().startsWith('(') ? '' : '…'));
  }
  p = p.replace(/(^|\s)\/[^\s,;:()]+/g, '$1…');
  p = p.replace(/(?<![\w-])-?\d[\w.+-]*/g, '#').replace(/\b(true|false|null)\b/g, '…').replace(/…+/g, '…');
  return `refused: ${p.slice(0, 90)}`;
}

export async function fuzz<T>(target: FuzzTarget<T>, options: FuzzOptions): Promise<FuzzReport> {
  const { seed, runs = 100, seconds, caseFile, onCase } = options;
  const measure = (options.measureMemory ?? true) && canMeasurePeaks();
  const outcomes: Record<string, number> = {};
  let largestPeak: MemoryPeak | undefined;
  let tightestPeak: MemoryPeak | undefined;
  let done = 0;
  const started = Date.now();
  const property = fc.asyncProperty(target.cases, async (c) => {
    if (caseFile) fs.writeFileSync(caseFile, fc.stringify(c));
    let outcome = '';
    const run = async () => {
      outcome = await target.run(c);
    };
    const added = measure ? await peakDuring(run) : (await run(), 0);
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    onCase?.(++done);
    if (!measure) return;
    const peak: MemoryPeak = { bytes: added, inputBytes: target.inputBytes(c), bound: target.memoryBound?.(c) };
    if (!largestPeak || peak.bytes > largestPeak.bytes) largestPeak = peak;
    if (peak.bound !== undefined) {
      if (!tightestPeak || peak.bytes / peak.bound > tightestPeak.bytes / tightestPeak.bound!) tightestPeak = peak;
      if (peak.bytes > peak.bound)
        throw new Error(`case added ${peak.bytes} bytes of resident memory, over its bound of ${peak.bound} (input ${peak.inputBytes} bytes)`);
    }
  });
  const details = await fc.check(property, {
    seed,
    numRuns: runs,
    plugins: seconds === undefined ? [] : [fc.interruptAfterTimeLimit(seconds * 1000)],
  });
  const report: FuzzReport = { target: target.name, seed, runs: details.numRuns, seconds: (Date.now() - started) / 1000, outcomes, largestPeak, tightestPeak };
  if (details.failed) {
    const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance ?? '');
    report.failure = `${error}\n${fc.defaultReportMessage(details) ?? ''}`;
  }
  return report;
}
