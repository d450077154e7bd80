import { checkImageContainer, imageDimensions } from './container.js';
import { checkPixelLimit } from './decode.js';
import { DataFileError } from './errors.js';
import { readRegularFile } from './read-file.js';
import type { IssueLog } from './scan.js';
import type { DatasetItem } from './types.js';

async function inspect(file: string, maxPixels: number): Promise<{ width: number; height: number }> {
  const bytes = await readRegularFile(file, 'image');
  checkImageContainer(bytes, file);
  checkPixelLimit(bytes, file, maxPixels);
  const dims = imageDimensions(bytes);
  if (!dims || dims.width < 1 || dims.height < 1) throw new DataFileError(file, 'no image size in the file header');
  return dims;
}

/** Reads every file once: structure, pixel count, and that each mask has its image's size. Returns the items that passed. */
export async function verifyItems(items: readonly DatasetItem[], issues: IssueLog, maxPixels: number): Promise<DatasetItem[]> {
  const ok: DatasetItem[] = [];
  for (const item of items) {
    try {
      const dims = await inspect(item.path, maxPixels);
      if (item.maskPath) {
        const m = await inspect(item.maskPath, maxPixels);
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
