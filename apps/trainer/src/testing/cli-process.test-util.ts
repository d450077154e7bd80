// The apps as a user runs them: `node apps/<app>/bin/<cmd>.mjs …` in a child process (the real launcher, its
// environment and signal handling), with the output by line and waits that cannot hang.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
export const SSAD = path.join(ROOT, 'apps/trainer/bin/ssad.mjs');
export const SSAD_BENCHMARK = path.join(ROOT, 'apps/benchmark/bin/ssad-benchmark.mjs');

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export class CliProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<Finished>;
  private readonly child: ChildProcess;
  private waiters: (() => void)[] = [];

  constructor(bin: string, args: readonly string[], cwd: string, extraEnv: Record<string, string> = {}) {
    // Without TF_CPP_MIN_LOG_LEVEL: the launcher is what sets it.
    const { TF_CPP_MIN_LOG_LEVEL: _unset, ...env } = process.env;
    this.child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    const take = (stream: 'stdout' | 'stderr') => (b: Buffer) => {
      this[stream] += b.toString();
      for (const w of this.waiters) w();
    };
    this.child.stdout!.on('data', take('stdout'));
    this.child.stderr!.on('data', take('stderr'));
    this.exited = new Promise((resolve) =>
      this.child.once('close', (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr })),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  kill(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Resolves once stdout (or stderr) matches `pattern`; rejects with the output so far after `timeoutMs` or if the process ends first. */
  waitFor(pattern: RegExp, timeoutMs: number, stream: 'stdout' | 'stderr' = 'stdout'): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
      };
      const check = () => {
        if (!pattern.test(this[stream])) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no output matching ${pattern} within ${timeoutMs} ms:\n${this.stdout}\n${this.stderr}`));
      }, timeoutMs);
      this.waiters.push(check);
      void this.exited.then(() => {
        if (!pattern.test(this[stream])) {
          done();
          reject(new Error(`ended before printing ${pattern}:\n${this.stdout}\n${this.stderr}`));
        }
      });
      check();
    });
  }
}

/** Runs the command to its end. */
export function runCli(bin: string, args: readonly string[], cwd: string): Promise<Finished> {
  return new CliProcess(bin, args, cwd).exited;
}
