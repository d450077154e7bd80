import { pixelsToMask, readSource } from './decode.js';
import type { DecodePool } from './decode-pool.js';
import { DataFileError } from './errors.js';
import { fitMask, fitPixels, type FitMode } from './fit.js';
import type { DatasetItem, Sample } from './types.js';

/** Decodes an item's image (and mask) and fits both to width×height by `fit`; errors name the offending file. */
export async function loadSample(
  item: DatasetItem,
  width: number,
  height: number,
  pool: DecodePool,
  fit: FitMode = 'squash',
  maxPixels?: number,
): Promise<Sample> {
  const src = await readSource(item.path);
  const decoded = await pool.decode(src.bytes, src.name, maxPixels);
  const { image, content } = fitPixels(decoded, width, height, fit);
  if (!item.maskPath) return { item, image, content, mask: new Uint8Array(width * height) };
  const m = await readSource(item.maskPath);
  const dm = await pool.decode(m.bytes, m.name, maxPixels);
  if (dm.width !== decoded.width || dm.height !== decoded.height) {
    throw new DataFileError(
      item.maskPath,
      `mask is ${dm.width}×${dm.height} but its image ${item.path} is ${decoded.width}×${decoded.height}`,
    );
  }
  const full = pixelsToMask(dm);
  return { item, image, content, mask: fitMask(full, dm.width, dm.height, width, height, fit) };
}
