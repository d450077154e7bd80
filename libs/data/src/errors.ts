/**
 * A problem with one input file or directory. `path` names it so callers (and the `skipInvalid` warning list) can
 * say which file to fix; the message already contains the path.
 */
export class DataFileError extends Error {
  readonly path: string;
  readonly problem: string;
  constructor(path: string, problem: string, options?: { cause?: unknown }) {
    super(`${path}: ${problem}`, options);
    this.name = 'DataFileError';
    this.path = path;
    this.problem = problem;
  }
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
