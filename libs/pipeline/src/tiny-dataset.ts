// A tiny MVTec-layout category written in well under a second, for tests and smoke runs of the apps: striped
// textures with seeded phase, brightness and noise; defects are dark or bright blobs with their masks.
import fs from 'node:fs';
import path from 'node:path';
import { Rng, type PixelImage } from '@ssad/augment';
import { writeMaskPng, writePng } from '@ssad/data';

export interface TinyCategoryOptions {
  size?: number;
  train?: number;
  testGood?: number;
  testDefect?: number;
  seed?: number;
}

function texture(rng: Rng, size: number): PixelImage {
  const data = new Uint8Array(size * size * 3);
  const phase = rng.uniform(0, 2 * Math.PI);
  const light = rng.uniform(0.85, 1.15);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const v = (110 + 50 * Math.sin((x + y) * 0.6 + phase)) * light + rng.normal() * 6;
      const i = (y * size + x) * 3;
      data[i] = Math.max(0, Math.min(255, v));
      data[i + 1] = Math.max(0, Math.min(255, v * 0.9));
      data[i + 2] = Math.max(0, Math.min(255, v * 0.7));
    }
  return { width: size, height: size, channels: 3, data };
}

function addBlob(img: PixelImage, rng: Rng): Uint8Array {
  const s = img.width;
  const mask = new Uint8Array(s * s);
  const r = rng.uniform(s * 0.08, s * 0.18);
  const cx = rng.uniform(r, s - r);
  const cy = rng.uniform(r, s - r);
  const value = rng.pick([20, 240]);
  for (let y = 0; y < s; y++)
    for (let x = 0; x < s; x++)
      if ((x - cx) ** 2 + (y - cy) ** 2 <= r * r) {
        mask[y * s + x] = 1;
        for (let c = 0; c < 3; c++) img.data[(y * s + x) * 3 + c] = value;
      }
  return mask;
}

/** Writes `<root>/<category>/{train/good,test/good,test/blob,ground_truth/blob}`. */
export async function writeTinyCategory(root: string, category: string, o: TinyCategoryOptions = {}): Promise<string> {
  const size = o.size ?? 32;
  const rng = new Rng(o.seed ?? 0);
  const dir = path.join(root, category);
  const dirs = ['train/good', 'test/good', 'test/blob', 'ground_truth/blob'].map((d) => path.join(dir, d));
  for (const d of dirs) fs.mkdirSync(d, { recursive: true });
  const name = (i: number) => `${String(i).padStart(3, '0')}.png`;
  for (let i = 0; i < (o.train ?? 20); i++) await writePng(path.join(dirs[0], name(i)), texture(rng, size));
  for (let i = 0; i < (o.testGood ?? 4); i++) await writePng(path.join(dirs[1], name(i)), texture(rng, size));
  for (let i = 0; i < (o.testDefect ?? 4); i++) {
    const img = texture(rng, size);
    const mask = addBlob(img, rng);
    await writePng(path.join(dirs[2], name(i)), img);
    await writeMaskPng(path.join(dirs[3], `${String(i).padStart(3, '0')}_mask.png`), mask, size, size);
  }
  return dir;
}
