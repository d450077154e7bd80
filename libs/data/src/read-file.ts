// Reading a file a dataset names. fs.readFile would wait forever on a FIFO (no writer ever comes) and read a
// device such as /dev/zero until memory runs out; this opens without blocking and reads regular files only.
import { constants } from 'node:fs';
import fs, { type FileHandle } from 'node:fs/promises';
import { DataFileError, describeError } from './errors.js';

function problem(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'file does not exist';
  if (code === 'EISDIR') return 'is a directory, not an image file';
  if (code === 'ELOOP') return 'a symbolic link that loops';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return describeError(err);
}

/**
 * The bytes of the regular file `file`; anything else is a DataFileError naming it as `name` ("cannot read
 * <what>: …").
 */
export async function readRegularFile(file: string, what: string, name = file): Promise<Uint8Array> {
  let handle: FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new DataFileError(name, `cannot read ${what}: ${problem(err)}`, { cause: err });
  }
  try {
    const stat = await handle.stat();
    if (stat.isDirectory()) throw new DataFileError(name, `cannot read ${what}: is a directory, not an image file`);
    if (!stat.isFile()) throw new DataFileError(name, `cannot read ${what}: not a regular file (a FIFO, socket or device)`);
    return await handle.readFile();
  } catch (err) {
    if (err instanceof DataFileError) throw err;
    throw new DataFileError(name, `cannot read ${what}: ${problem(err)}`, { cause: err });
  } finally {
    await handle.close();
  }
}
