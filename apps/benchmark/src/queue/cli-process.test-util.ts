// The benchmark CLI as a real child process (node + tsx, as the bin command runs it), for the end-to-end queue
// tests: its output by line, waits for a line with a deadline, and a stop that cannot hang.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
const MAIN = path.join(ROOT, 'apps/benchmark/src/main.ts');

export class CliProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<number | string>;
  private readonly child: ChildProcess;
  private waiters: (() => void)[] = [];

  constructor(
    readonly name: string,
    args: readonly string[],
    env: Record<string, string>,
  ) {
    this.child = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env, TSX_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.base.json'), TF_CPP_MIN_LOG_LEVEL: '2' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    const take = (b: Buffer) => {
      const parts = (pending + b.toString()).split('\n');
      pending = parts.pop()!;
      this.lines.push(...parts);
      for (const w of this.waiters) w();
    };
    this.child.stdout!.on('data', take);
    this.child.stderr!.on('data', take);
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  }

  get pid(): number {
    return this.child.pid!;
  }

  text(): string {
    return this.lines.join('\n');
  }

  /** The first line matching `pattern`, waiting up to `timeoutMs`; rejects with the output so far otherwise. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const line = this.lines.find((l) => pattern.test(l));
        if (line === undefined) return;
        done();
        resolve(line);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name}: no line matching ${pattern} within ${timeoutMs} ms; output:\n${this.text()}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
      };
      this.waiters.push(check);
      check();
    });
  }

  /** The exit code, or rejects (after SIGKILL) when the process has not ended within `timeoutMs`. */
  async exit(timeoutMs: number): Promise<number | string> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(new Error(`${this.name} did not exit within ${timeoutMs} ms; output:\n${this.text()}`));
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
  }
}
