// Valid small PNG and JPEG files for the fuzz targets to mutate, made here rather than committed: every PNG colour
// type and depth (plain and Adam7, every filter, palette with and without tRNS, split IDAT), and JPEGs from Skia's
// encoder. The reference JPEGs of ../shared/fixtures/decode (progressive, grey, EXIF, ICC) join them when present.
import fs from 'node:fs';
import path from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { type PngColorType, writeRawPng } from './png-writer.test-util.js';

const CHANNELS: Record<PngColorType, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function samples(n: number, max: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s % max;
  });
}

const LAYOUTS: Array<[PngColorType, 1 | 2 | 4 | 8 | 16]> = [
  [0, 1], [0, 4], [0, 8], [0, 16], [2, 8], [2, 16], [3, 2], [3, 8], [4, 8], [4, 16], [6, 8], [6, 16],
];

/** A PNG with its IDAT split in two, as many encoders write large images. */
function splitIdat(png: Buffer): Uint8Array {
  const chunks = readChunks(png);
  const i = chunks.findIndex((c) => c.type === 'IDAT');
  const body = chunks[i].body;
  const half = body.length >> 1;
  chunks.splice(i, 1, { type: 'IDAT', body: body.subarray(0, half) }, { type: 'IDAT', body: body.subarray(half) });
  return writeChunks(chunks);
}

export interface Chunk {
  type: string;
  body: Uint8Array;
}

/** The chunks of a PNG, as far as their lengths hold (no CRC check). */
export function readChunks(png: Uint8Array): Chunk[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: Chunk[] = [];
  for (let at = 8; at + 12 <= png.length; ) {
    const length = view.getUint32(at);
    if (at + 12 + length > png.length) break;
    chunks.push({ type: String.fromCharCode(...png.subarray(at + 4, at + 8)), body: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
  }
  return chunks;
}

const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A PNG from chunks, with correct lengths and CRCs. */
export function writeChunks(chunks: readonly Chunk[]): Uint8Array {
  const out = new Uint8Array(8 + chunks.reduce((n, c) => n + 12 + c.body.length, 0));
  out.set([137, 80, 78, 71, 13, 10, 26, 10]);
  const view = new DataView(out.buffer);
  let at = 8;
  for (const c of chunks) {
    view.setUint32(at, c.body.length);
    for (let i = 0; i < 4; i++) out[at + 4 + i] = c.type.charCodeAt(i) & 0xff;
    out.set(c.body, at + 8);
    view.setUint32(at + 8 + c.body.length, crc32(out.subarray(at + 4, at + 8 + c.body.length)));
    at += 12 + c.body.length;
  }
  return out;
}

/** Recomputes every CRC of a (mutated) PNG whose chunk lengths still hold, so the edits reach the decoder. */
export function fixCrcs(png: Uint8Array): Uint8Array {
  if (png.length < 8) return png;
  const chunks = readChunks(png);
  const used = 8 + chunks.reduce((n, c) => n + 12 + c.body.length, 0);
  const fixed = writeChunks(chunks);
  const out = new Uint8Array(fixed.length + png.length - used);
  out.set(fixed);
  out.set(png.subarray(used), fixed.length);
  out.set(png.subarray(0, 8));
  return out;
}

export function pngSeeds(): Uint8Array[] {
  const seeds: Uint8Array[] = [];
  LAYOUTS.forEach(([colorType, bitDepth], k) => {
    const [w, h] = [[5, 3], [13, 9], [1, 1], [9, 13]][k % 4];
    const values = samples(w * h * CHANNELS[colorType], colorType === 3 ? Math.min(6, 2 ** bitDepth) : 2 ** bitDepth, k + 1);
    const palette = colorType === 3 ? { rgb: samples(18, 256, k), alpha: k % 2 ? [0, 128, 255] : undefined } : undefined;
    const png = writeRawPng(w, h, colorType, bitDepth, values, { filter: (k % 5) as 0 | 1 | 2 | 3 | 4, interlace: k % 3 === 0, palette });
    seeds.push(k % 4 === 1 ? splitIdat(png) : new Uint8Array(png));
  });
  return seeds;
}

/** JPEGs of a few sizes (odd ones leave partial MCUs) from Skia, plus the shared reference JPEGs when present. */
export function jpegSeeds(shared?: string): Uint8Array[] {
  const seeds = [[16, 16], [37, 23], [64, 8], [9, 30]].map(([w, h], k) => {
    const canvas = createCanvas(w, h);
    const ctx = canvas.getContext('2d');
    const g = ctx.createLinearGradient(0, 0, w, h);
    g.addColorStop(0, `rgb(${40 * k}, 90, 200)`);
    g.addColorStop(1, 'rgb(250, 200, 10)');
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, w, h);
    return new Uint8Array(canvas.toBuffer('image/jpeg', 85 - 20 * k));
  });
  const dir = shared && path.join(shared, 'fixtures/decode');
  if (dir && fs.existsSync(dir))
    for (const name of ['progressive.jpg', 'gray.jpg', 'exif-orientation.jpg', 'icc.jpg']) seeds.push(new Uint8Array(fs.readFileSync(path.join(dir, name))));
  return seeds;
}
