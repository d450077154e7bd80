// The `fuzz` target of a lib: each fuzz target runs in a child process, so a native decoder that crashes or hangs
// takes down only that child; the case it was on stays in tmp/fuzz/<target>.case (fast-check's description of
// it). Then a table of runs, outcomes and memory peaks; exit code 1 when any target failed.
//   --runs N (default 2000) --seconds S (per target) --seed N (default 1) --target a,b --json out.json
//   --stall S: a child silent for S seconds (default 120) counts as hung.
//   --same-process: run the targets one after the other in this process (quicker to start; specs use it).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fuzz, type FuzzReport, type FuzzTarget, type MemoryPeak } from './harness.js';

interface Args {
  runs: number;
  seconds?: number;
  seed: number;
  targets?: string[];
  json?: string;
  stall: number;
  sameProcess: boolean;
  child?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { runs: 2000, seed: 1, stall: 120, sameProcess: false };
  for (let i = 0; i < argv.length; i++) {
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`fuzz: ${argv[i - 1]} needs a value`);
      return v;
    };
    const number = (name: string) => {
      const v = Number(value());
      if (!Number.isFinite(v) || v < 0) throw new Error(`fuzz: ${name} must be a non-negative number`);
      return v;
    };
    const a = argv[i];
    if (a === '--runs') args.runs = number(a);
    else if (a === '--seconds') args.seconds = number(a);
    else if (a === '--seed') args.seed = number(a);
    else if (a === '--stall') args.stall = number(a);
    else if (a === '--target') args.targets = value().split(',');
    else if (a === '--json') args.json = value();
    else if (a === '--child') args.child = value();
    else if (a === '--same-process') args.sameProcess = true;
    else throw new Error(`fuzz: unknown argument ${a}`);
  }
  return args;
}

const caseDir = path.resolve('tmp/fuzz');

function runHere(target: FuzzTarget<unknown>, args: Args, onCase?: (done: number) => void): Promise<FuzzReport> {
  fs.mkdirSync(caseDir, { recursive: true });
  return fuzz(target, {
    seed: args.seed,
    runs: args.runs,
    seconds: args.seconds,
    caseFile: path.join(caseDir, `${target.name}.case`),
    onCase,
  });
}

async function runChild(target: FuzzTarget<unknown>, args: Args): Promise<void> {
  let last = Date.now();
  const report = await runHere(target, args, (done) => {
    if (Date.now() - last < 1000) return;
    last = Date.now();
    process.stdout.write(`progress ${done}\n`);
  });
  process.stdout.write(`report ${JSON.stringify(report)}\n`);
}

function inChild(entry: string, name: string, args: Args): Promise<FuzzReport> {
  const argv = [...process.execArgv, entry, '--child', name, '--runs', String(args.runs), '--seed', String(args.seed)];
  if (args.seconds !== undefined) argv.push('--seconds', String(args.seconds));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let report: FuzzReport | undefined;
    let heard = Date.now();
    let pending = '';
    let done = 0;
    const watchdog = setInterval(() => {
      if (Date.now() - heard > args.stall * 1000) child.kill('SIGKILL');
    }, 1000);
    child.stdout.on('data', (chunk: Buffer) => {
      heard = Date.now();
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('report ')) report = JSON.parse(line.slice(7)) as FuzzReport;
        else if (line.startsWith('progress ')) done = Number(line.slice(9));
      }
    });
    child.on('close', (code, signal) => {
      clearInterval(watchdog);
      if (report && code === 0) return resolve(report);
      const silent = Date.now() - heard > args.stall * 1000;
      const how = silent ? `no progress for ${args.stall} s (hung)` : signal ? `killed by ${signal}` : `exit code ${code}`;
      resolve({
        target: name,
        seed: args.seed,
        runs: done,
        seconds: 0,
        outcomes: report?.outcomes ?? {},
        failure: report?.failure ?? `child process ended after ~${done} cases: ${how}; the case is in ${path.join(caseDir, `${name}.case`)}`,
      });
    });
  });
}

function mib(p: MemoryPeak | undefined): string {
  if (!p) return '—';
  const bound = p.bound === undefined ? '' : ` of ${(p.bound / 2 ** 20).toFixed(0)}`;
  return `${(p.bytes / 2 ** 20).toFixed(1)}${bound} MiB (input ${(p.inputBytes / 1024).toFixed(1)} KiB)`;
}

function print(reports: FuzzReport[]): void {
  const rows = reports.map((r) => {
    const refused = Object.entries(r.outcomes).filter(([k]) => !k.startsWith('accepted'));
    const accepted = Object.entries(r.outcomes).reduce((n, [k, v]) => n + (k.startsWith('accepted') ? v : 0), 0);
    const kinds = refused.length;
    return `| ${r.target} | ${r.runs} | ${r.seconds.toFixed(0)} | ${accepted} | ${refused.reduce((n, [, v]) => n + v, 0)} (${kinds} kinds) | ${mib(r.largestPeak)} | ${mib(r.tightestPeak)} | ${r.failure ? 'FAILED' : 'ok'} |`;
  });
  console.log('| target | cases | s | accepted | refused | largest peak | closest to bound | result |');
  console.log('|---|---|---|---|---|---|---|---|');
  console.log(rows.join('\n'));
  for (const r of reports) {
    console.log(`\n${r.target} (seed ${r.seed}):`);
    for (const [k, v] of Object.entries(r.outcomes).sort((a, b) => b[1] - a[1])) console.log(`  ${String(v).padStart(7)}  ${k}`);
    if (r.failure) console.log(`  FAILURE: ${r.failure}`);
  }
}

/** Makes one fuzz target; only the child process that runs it calls this (targets may need slow set-up). */
export type TargetFactory = () => FuzzTarget<unknown> | Promise<FuzzTarget<unknown>>;

/** Entry point of a lib's fuzz script (`entry` is that script's path, for the child processes). */
export async function fuzzCli(targets: Record<string, TargetFactory>, entry: string, argv = process.argv.slice(2)): Promise<void> {
  const args = parseArgs(argv);
  const names = Object.keys(targets);
  if (args.child) return runChild(await targets[args.child](), args);
  const chosen = args.targets ?? names;
  const unknown = chosen.filter((n) => !names.includes(n));
  if (unknown.length) throw new Error(`fuzz: unknown target ${unknown.join(', ')} (targets: ${names.join(', ')})`);
  const reports: FuzzReport[] = [];
  for (const name of chosen) reports.push(args.sameProcess ? await runHere(await targets[name](), args) : await inChild(entry, name, args));
  print(reports);
  if (args.json) fs.writeFileSync(args.json, `${JSON.stringify(reports, null, 2)}\n`);
  if (reports.some((r) => r.failure)) process.exitCode = 1;
}
