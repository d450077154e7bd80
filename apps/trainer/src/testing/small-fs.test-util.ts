// File systems for fault tests: a tmpfs of a given size (a full disk) or remounted read-only. Mounting needs root
// (CAP_SYS_ADMIN); where it is not allowed the callers skip with the reason. As root, chmod does not stop writes, so
// a read-only mount is the only way to get a folder root cannot write; without root, chmod a-w does it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';

/** Mounts a tmpfs of `bytes` at `dir` (created); returns why it cannot, or undefined when mounted. */
export function mountTmpfs(dir: string, bytes: number): string | undefined {
  if (process.platform !== 'linux') return `mounting a tmpfs needs Linux (this is ${process.platform})`;
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  fs.mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { stdio: 'pipe' });
    return undefined;
  } catch (e) {
    return `mount -t tmpfs failed: ${String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim()}`;
  }
}

export function remountReadOnly(dir: string): void {
  execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'pipe' });
}

export function unmount(dir: string): void {
  try {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  } catch {
    // Not mounted (the test skipped, or failed before mounting).
  }
}

/** Every file under `dir` with its size and SHA-256, to tell that nothing changed (jest compares 45 MB Buffers for minutes). */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = `${d}/${e.name}`;
      if (e.isDirectory()) walk(p);
      else {
        const bytes = fs.readFileSync(p);
        out.set(p, `${bytes.length} ${createHash('sha256').update(bytes).digest('hex')}`);
      }
    }
  };
  walk(dir);
  return out;
}
