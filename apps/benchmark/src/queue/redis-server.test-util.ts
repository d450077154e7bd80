// A real redis-server for the queue tests: a free loopback port, a temporary directory, no persistence. Started and
// stopped by the test; every wait is bounded. Tests skip (with the reason printed) when redis-server is missing.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;

export function redisServerPath(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'];
  return dirs.map((d) => path.join(d, 'redis-server')).find((p) => fs.existsSync(p));
}

/** `describe` when redis-server is installed, else `describe.skip` after printing why. */
export function describeWithRedis(): jest.Describe {
  if (redisServerPath()) return describe;
  console.warn('skipping the queue tests against Redis: redis-server is not installed (Debian/Ubuntu: apt-get install redis-server)');
  return describe.skip;
}

/** A loopback port nobody listens on (the OS picks it; it is free again once closed). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export class TestRedis {
  private child?: ChildProcess;
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}/0`;
  }

  static async start(): Promise<TestRedis> {
    const r = new TestRedis(await freePort(), fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-redis-')));
    await r.launch();
    return r;
  }

  private launch(): Promise<void> {
    const child = spawn(
      redisServerPath()!,
      ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, '--save', '', '--appendonly', 'no', '--logfile', ''],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    let log = '';
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error(`redis-server did not start within ${START_TIMEOUT_MS} ms:\n${log}`)), START_TIMEOUT_MS);
      const fail = (err: Error) => {
        clearTimeout(timer);
        child.kill('SIGKILL');
        reject(err);
      };
      child.stdout!.on('data', (b: Buffer) => {
        log += b.toString();
        if (log.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr!.on('data', (b: Buffer) => (log += b.toString()));
      child.once('exit', (code) => fail(new Error(`redis-server exited with code ${code}:\n${log}`)));
    });
  }

  /** Stops the server (its data is gone: no persistence) and starts an empty one on the same port. */
  async restart(): Promise<void> {
    await this.halt();
    await this.launch();
  }

  async stop(): Promise<void> {
    await this.halt();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async halt(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}
