import fs from 'node:fs/promises';
import { checkImageContainer, imageDimensions } from './container.js';
import { DataFileError, describeError } from './errors.js';
import type { IssueLog } from './scan.js';
import type { DatasetItem } from './types.js';

async function inspect(file: string): Promise<{ width: number; height: number }> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    throw new DataFileError(file, `cannot read image: ${describeError(err)}`, { cause: err });
  }
  checkImageContainer(bytes, file);
  const dims = imageDimensions(bytes);
  if (!dims || dims.width < 1 || dims.height < 1) throw new DataFileError(file, 'no image size in the file header');
  return dims;
}

/** Reads every file once: structure, and that each mask has its image's size. Returns the items that passed. */
export async function verifyItems(items: readonly DatasetItem[], issues: IssueLog): Promise<DatasetItem[]> {
  const ok: DatasetItem[] = [];
  for (const item of items) {
    try {
      const dims = await inspect(item.path);
      if (item.maskPath) {
        const m = await inspect(item.maskPath);
        if (m.width !== dims.width || m.height !== dims.height) {
          throw new DataFileError(
            item.maskPath,
            `mask is ${m.width}×${m.height} but its image ${item.path} is ${dims.width}×${dims.height}`,
          );
        }
      }
      ok.push(item);
    } catch (err) {
      if (!(err instanceof DataFileError)) throw err;
      issues.report(err);
    }
  }
  return ok;
}
