// Small on-disk datasets for tests, written into a fresh temp dir.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { PixelImage } from '@ssad/augment';
import { writeMaskPng, writePng } from '../encode.js';

const made: string[] = [];
// Registered at import time, so it runs after every test of the importing spec file.
afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

export function tempDir(tag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ssad-data-${tag}-`));
  made.push(dir);
  return dir;
}

export function solid(width: number, height: number, value: number, channels: 1 | 3 = 3): PixelImage {
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = (value + i * 7) & 0xff;
  return { width, height, channels, data };
}

/** A square mask with ones in [x0, x1) × [y0, y1). */
export function boxMask(size: number, x0: number, y0: number, x1: number, y1: number): Uint8Array {
  const m = new Uint8Array(size * size);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * size + x] = 1;
  return m;
}

/** `<root>/<category>` in the MVTec layout: `train` good images, 2 good test images, `defects` with masks. */
export async function writeMvtecTree(
  root: string,
  category: string,
  { train = 5, size = 16, defects = { crack: 2 } as Record<string, number> } = {},
): Promise<string> {
  const dir = path.join(root, category);
  for (let i = 0; i < train; i++) await writePng(path.join(dir, 'train/good', `${String(i).padStart(3, '0')}.png`), solid(size, size, i));
  for (let i = 0; i < 2; i++) await writePng(path.join(dir, 'test/good', `${String(i).padStart(3, '0')}.png`), solid(size, size, 50 + i));
  for (const [defect, n] of Object.entries(defects)) {
    for (let i = 0; i < n; i++) {
      const name = String(i).padStart(3, '0');
      await writePng(path.join(dir, 'test', defect, `${name}.png`), solid(size, size, 100 + i));
      await writeMaskPng(path.join(dir, 'ground_truth', defect, `${name}_mask.png`), boxMask(size, 2, 2, 6 + i, 8), size, size);
    }
  }
  return dir;
}
