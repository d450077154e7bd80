// safetensors files on disk (Node): the bytes through read-file.ts's checks, then safetensors.ts's parser.
import { writeFileAtomic } from './atomic-write.js';
import { readRegularFile } from './read-file.js';
import { HEAD_BYTES, headerLength } from './safetensors-header.js';
import { parseSafetensors, serializeSafetensors, type SafetensorsFile, type TensorMap } from './safetensors.js';

/** Reads and parses a safetensors file; a file that cannot be one is refused after reading its first 9 bytes. */
export function readSafetensors(file: string): SafetensorsFile {
  const bytes = readRegularFile(file, {
    what: 'safetensors file',
    checkHead: { headBytes: HEAD_BYTES, check: (head, size) => headerLength(head, size, file) },
  });
  return parseSafetensors(bytes, file);
}

/** Writes atomically (atomic-write.ts): a crash leaves the previous file or the whole new one. */
export function writeSafetensors(file: string, tensors: TensorMap, metadata?: Record<string, string>): void {
  writeFileAtomic(file, serializeSafetensors(tensors, metadata));
}
