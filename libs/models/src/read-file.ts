// Reading files that may come from someone else. fs.readFileSync would block forever on a FIFO and read a device
// such as /dev/zero until memory runs out, and it reads the whole file before any check can look at its header.
import * as fs from 'node:fs';

export interface ReadFileOptions {
  /** What the file should be, for error messages ("safetensors file"). */
  what: string;
  /** Refuse files larger than this many bytes before reading them. Default: no limit. */
  maxBytes?: number;
  /** Sees the first `headBytes` bytes and the file size before the rest is read, and throws to refuse the file. */
  checkHead?: { headBytes: number; check: (head: Uint8Array, size: number) => void };
}

function errnoText(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

function readFully(fd: number, into: Uint8Array, from: number, file: string, what: string): void {
  for (let at = from; at < into.length; ) {
    const n = fs.readSync(fd, into, at, into.length - at, at);
    if (n === 0) throw new Error(`${file}: ${what} got shorter while being read (${at} of ${into.length} bytes)`);
    at += n;
  }
}

/** The bytes of a regular file; errors name the file, and nothing is allocated beyond the file's size. */
export function readRegularFile(file: string, options: ReadFileOptions): Uint8Array {
  const { what, maxBytes = Infinity, checkHead } = options;
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    throw new Error(`${file}: cannot read ${what} (${errnoText(e)})`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new Error(`${file}: cannot read ${what} (${stat.isDirectory() ? 'a directory' : 'not a regular file'})`);
    if (stat.size > maxBytes) throw new Error(`${file}: ${what} is ${stat.size} bytes, over the limit of ${maxBytes}`);
    const head = new Uint8Array(checkHead ? Math.min(checkHead.headBytes, stat.size) : 0);
    readFully(fd, head, 0, file, what);
    checkHead?.check(head, stat.size);
    // Allocated only once the head passed its check.
    const bytes = new Uint8Array(stat.size);
    bytes.set(head);
    readFully(fd, bytes, head.length, file, what);
    return bytes;
  } finally {
    fs.closeSync(fd);
  }
}
