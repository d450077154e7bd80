// Test and bench helpers (not part of the library): real MVTec images decoded with @napi-rs/canvas, and
// synthetic images with distinct pixels.
import fs from 'node:fs';
import path from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { PixelImage } from '../src/image.js';

/** `/work/shared`, found from the repository root (`../shared`) or from this folder. */
export function sharedRoot(from: string): string {
  const candidates = [path.resolve(from, '../../../../shared'), path.resolve(from, '../../../shared'), path.resolve(process.cwd(), '../shared')];
  return candidates.find((p) => fs.existsSync(path.join(p, 'data'))) ?? candidates[0]!;
}

export function bottleTrainDir(shared: string): string {
  return path.join(shared, 'data/mvtec_ad_256/bottle/train/good');
}

/** The bottle train folder and a `describe` that skips, with a printed reason, when `../shared` is absent. */
export function realImageSuite(specFile: string): { dir: string; maybe: jest.Describe } {
  const dir = bottleTrainDir(sharedRoot(path.dirname(specFile)));
  const present = fs.existsSync(dir);
  if (!present) console.warn(`${path.basename(specFile)}: ${dir} not found, real-image tests skipped`);
  return { dir, maybe: present ? describe : describe.skip };
}

/**
 * A problem collector checked after every test: `check(ok, what)` records up to 20 failures, so 2,000-sample
 * loops make one assertion per test instead of millions (jest's expect is slow in hot loops).
 */
export function problemCollector(): (ok: boolean, what: string) => void {
  const problems: string[] = [];
  beforeEach(() => {
    problems.length = 0;
  });
  afterEach(() => {
    expect(problems).toEqual([]);
  });
  return (ok, what) => {
    if (!ok && problems.length < 20) problems.push(what);
  };
}

/** Decodes the first `count` PNGs of a folder to RGB PixelImages. */
export async function loadRgbImages(dir: string, count: number): Promise<PixelImage[]> {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.png')).sort().slice(0, count);
  const out: PixelImage[] = [];
  for (const f of files) {
    const img = await loadImage(fs.readFileSync(path.join(dir, f)));
    const canvas = createCanvas(img.width, img.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const rgba = ctx.getImageData(0, 0, img.width, img.height).data;
    const rgb = new Uint8Array(img.width * img.height * 3);
    for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
      rgb[j] = rgba[i]!;
      rgb[j + 1] = rgba[i + 1]!;
      rgb[j + 2] = rgba[i + 2]!;
    }
    out.push({ width: img.width, height: img.height, channels: 3, data: rgb });
  }
  return out;
}

const { imul } = Math;

/** An image whose neighbouring pixels all differ (a hash of position and channel), so any move is visible. */
export function noiseImage(width: number, height: number, channels: 1 | 3 | 4, salt = 0): PixelImage {
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i++) {
    let z = imul(i + 1 + salt * 7919, 0x9e3779b1);
    z ^= z >>> 15;
    z = imul(z, 0x85ebca6b);
    data[i] = (z >>> 24) & 0xff;
  }
  if (channels === 4) for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width, height, channels, data };
}

/** A copy of a rectangle of `image` (real content at a size the statistical tests can afford). */
export function cropImage(image: PixelImage, x: number, y: number, width: number, height: number): PixelImage {
  const c = image.channels;
  const data = new Uint8Array(width * height * c);
  for (let r = 0; r < height; r++) {
    const from = ((y + r) * image.width + x) * c;
    data.set(image.data.subarray(from, from + width * c), r * width * c);
  }
  return { width, height, channels: c, data };
}

/** 64×64 crops around the centre of each image (where the bottle is), at a few offsets. */
export function realCrops(images: readonly PixelImage[], size = 64): PixelImage[] {
  const out: PixelImage[] = [];
  for (const im of images) {
    for (const [dx, dy] of [[0.25, 0.25], [0.5, 0.4], [0.35, 0.6]] as const) {
      out.push(cropImage(im, Math.floor((im.width - size) * dx), Math.floor((im.height - size) * dy), size, size));
    }
  }
  return out;
}
