import { pixelsToMask, readSource } from './decode.js';
import type { DecodePool } from './decode-pool.js';
import { DataFileError } from './errors.js';
import { resizeMask, resizePixelsToRgb } from './resize.js';
import type { DatasetItem, Sample } from './types.js';

/** Decodes an item's image (and mask) and resizes both to width×height; errors name the offending file. */
export async function loadSample(item: DatasetItem, width: number, height: number, pool: DecodePool): Promise<Sample> {
  const src = await readSource(item.path);
  const decoded = await pool.decode(src.bytes, src.name);
  const image = resizePixelsToRgb(decoded, width, height);
  if (!item.maskPath) return { item, image, mask: new Uint8Array(width * height) };
  const m = await readSource(item.maskPath);
  const dm = await pool.decode(m.bytes, m.name);
  if (dm.width !== decoded.width || dm.height !== decoded.height) {
    throw new DataFileError(
      item.maskPath,
      `mask is ${dm.width}×${dm.height} but its image ${item.path} is ${decoded.width}×${decoded.height}`,
    );
  }
  const full = pixelsToMask(dm);
  return { item, image, mask: resizeMask(full, dm.width, dm.height, width, height) };
}
