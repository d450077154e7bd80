// Hooks for crash tests, off unless their environment variables are set: SSAD_TRACE_WRITES=1 reports every step
// of every crash-safe write (models' atomic-write: `ssad-write <n> <step> <path>`), SSAD_KILL_AT_WRITE=<n> ends the
// process at the n-th step (the app passes a SIGKILL of itself), so a test can stop a real run exactly inside a
// checkpoint, detector, figure or metrics write. The apps install them at start.
import { describeFsError, observeWrites } from '@ssad/models';

export function installWriteHooks(env: NodeJS.ProcessEnv, io: { print: (line: string) => void; kill: () => void }): void {
  const trace = env.SSAD_TRACE_WRITES === '1';
  const killAt = env.SSAD_KILL_AT_WRITE === undefined ? undefined : Number(env.SSAD_KILL_AT_WRITE);
  if (!trace && killAt === undefined) return;
  if (killAt !== undefined && !(Number.isInteger(killAt) && killAt >= 1)) throw new Error(`SSAD_KILL_AT_WRITE: expected an integer ≥ 1, got "${env.SSAD_KILL_AT_WRITE}"`);
  let n = 0;
  observeWrites((step, target) => {
    n++;
    if (trace) io.print(`ssad-write ${n} ${step} ${target}\n`);
    if (n === killAt) io.kill();
  });
}

/** The one-line message of an error: a file-system error names its path and reason (`cannot write …: no space left`). */
export function errorMessage(err: unknown): string {
  return describeFsError(err) ?? (err instanceof Error ? err.message : String(err));
}
