// Every PNG layout the spec allows, written by an independent encoder (testing/png-writer), decodes to its samples;
// the reference files in ../shared/fixtures/decode decode to the bytes PIL reads.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { decodeImage, decodeMask } from './decode.js';
import { type PngColorType, writeRawPng } from './testing/png-writer.test-util.js';

const CHANNELS: Record<PngColorType, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function samples(n: number, bitDepth: number, seed: number): number[] {
  const max = 2 ** bitDepth;
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s % max;
  });
}

/** Expected RGB for samples of a gray or RGB(A) image: the high byte, low depths scaled to 0..255. */
function toRgb(values: number[], colorType: PngColorType, bitDepth: number): number[] {
  const eight = (v: number) => (bitDepth === 16 ? v >> 8 : bitDepth < 8 ? (v * 255) / (2 ** bitDepth - 1) : v);
  const ch = CHANNELS[colorType];
  const out: number[] = [];
  for (let i = 0; i < values.length; i += ch) {
    if (ch <= 2) out.push(eight(values[i]), eight(values[i]), eight(values[i]));
    else out.push(eight(values[i]), eight(values[i + 1]), eight(values[i + 2]));
  }
  return out;
}

describe('PNG layouts', () => {
  const layouts: Array<[PngColorType, 1 | 2 | 4 | 8 | 16]> = [
    [0, 1], [0, 2], [0, 4], [0, 8], [0, 16], [2, 8], [2, 16], [4, 8], [4, 16], [6, 8], [6, 16],
  ];
  // Odd sizes put partial bytes at row ends and leave some Adam7 passes empty.
  const sizes: Array<[number, number]> = [[1, 1], [3, 2], [13, 9], [9, 13]];
  it.each(layouts)('colour type %i at %i bits, every filter, plain and interlaced', (colorType, bitDepth) => {
    return (async () => {
      for (const [w, h] of sizes) {
        const values = samples(w * h * CHANNELS[colorType], bitDepth, w * 31 + h + colorType * 7 + bitDepth);
        const expected = toRgb(values, colorType, bitDepth);
        for (const filter of [0, 1, 2, 3, 4] as const) {
          for (const interlace of [false, true]) {
            const png = writeRawPng(w, h, colorType, bitDepth, values, { filter, interlace });
            const img = await decodeImage(png);
            expect({ w, h, filter, interlace, data: Array.from(img.data) }).toEqual({ w, h, filter, interlace, data: expected });
          }
        }
      }
    })();
  });

  it('expands palettes at 1–8 bits, with tRNS as alpha for channels 4', async () => {
    const rgb = Array.from({ length: 16 * 3 }, (_, i) => (i * 41) & 255);
    const alpha = Array.from({ length: 16 }, (_, i) => 255 - i * 9);
    for (const bitDepth of [1, 2, 4, 8] as const) {
      const idx = samples(7 * 5, Math.min(bitDepth, 4), bitDepth);
      const png = writeRawPng(7, 5, 3, bitDepth, idx, { palette: { rgb, alpha }, interlace: bitDepth === 2, filter: 4 });
      const img = await decodeImage(png, { channels: 4 });
      expect(Array.from(img.data)).toEqual(idx.flatMap((k) => [rgb[3 * k], rgb[3 * k + 1], rgb[3 * k + 2], alpha[k]]));
    }
  });

  it('ignores gAMA, cHRM, sRGB and iCCP', async () => {
    const values = samples(4 * 4 * 3, 8, 5);
    const plain = await decodeImage(writeRawPng(4, 4, 2, 8, values));
    const gama = Buffer.alloc(4);
    gama.writeUInt32BE(100000); // gamma 1.0: a colour-managed decoder brightens every dark pixel
    const managed = writeRawPng(4, 4, 2, 8, values, { chunks: [['gAMA', gama], ['sRGB', Uint8Array.of(0)]] });
    expect(Array.from((await decodeImage(managed)).data)).toEqual(Array.from(plain.data));
  });

  it('names corrupt image data: bad filter byte, short or long stream, missing IDAT', async () => {
    const good = writeRawPng(4, 2, 0, 8, samples(8, 8, 1), { filter: 1 });
    await expect(decodeImage(withStream(good, [7, 1, 2, 3, 4, 0, 5, 6, 7, 8]), { name: 'f.png' })).rejects.toThrow(
      'f.png: corrupt PNG: unknown filter type 7 on row 0',
    );
    await expect(decodeImage(withStream(good, [0, 1, 2, 3, 4]), { name: 's.png' })).rejects.toThrow(
      's.png: corrupt PNG: image data inflates to 5 bytes, expected 10',
    );
    await expect(decodeImage(withStream(good, new Array(11).fill(0)), { name: 'l.png' })).rejects.toThrow(
      'l.png: corrupt PNG: image data inflates to more than the 10 bytes a 4×2 image needs',
    );
  });

  it('refuses a decompression bomb from its header, before inflating', async () => {
    const png = writeRawPng(1, 1, 0, 8, [0]);
    png.writeUInt32BE(100000, 16);
    png.writeUInt32BE(100000, 20);
    fixCrc(png, 8);
    await expect(decodeImage(png, { name: 'bomb.png' })).rejects.toThrow(
      'bomb.png: image is 100000×100000 = 10000000000 pixels, over the limit of 178956970',
    );
    await expect(decodeImage(writeRawPng(4, 4, 0, 8, new Array(16).fill(0)), { maxPixels: 15 })).rejects.toThrow('over the limit of 15');
  });
});

function fixCrc(png: Buffer, at: number): void {
  const length = png.readUInt32BE(at);
  png.writeUInt32BE(zlib.crc32(png.subarray(at + 4, at + 8 + length)) >>> 0, at + 8 + length);
}

/** The PNG with its IDAT replaced by the deflated `stream` (valid CRCs), to reach the decoder's own checks. */
function withStream(png: Buffer, stream: number[]): Buffer {
  const at = png.indexOf('IDAT') - 4;
  const end = at + 12 + png.readUInt32BE(at);
  const body = zlib.deflateSync(Buffer.from(stream));
  const chunk = Buffer.alloc(12 + body.length);
  chunk.writeUInt32BE(body.length, 0);
  chunk.write('IDAT', 4, 'latin1');
  body.copy(chunk, 8);
  fixCrc(chunk, 0);
  return Buffer.concat([png.subarray(0, at), chunk, png.subarray(end)]);
}

const fixtures = path.resolve(__dirname, '../../../../shared/fixtures/decode');
const haveFixtures = fs.existsSync(path.join(fixtures, 'manifest.json'));
if (!haveFixtures) console.warn(`skipping the PIL decode fixtures: ${fixtures} is absent`);

interface FixtureEntry {
  width: number;
  height: number;
  raw_rgb: string;
  tolerance: string;
}
const entries: Array<[string, FixtureEntry]> = haveFixtures
  ? Object.entries(JSON.parse(fs.readFileSync(path.join(fixtures, 'manifest.json'), 'utf8')).files as Record<string, FixtureEntry>)
  : [];

(haveFixtures ? describe : describe.skip)('decodes as PIL reads (../shared/fixtures/decode)', () => {
  it.each(entries.length ? entries : [['none', {} as FixtureEntry]])('%s', async (file, entry) => {
    const img = await decodeImage(path.join(fixtures, file));
    const ref = fs.readFileSync(path.join(fixtures, entry.raw_rgb));
    expect([img.width, img.height, img.channels]).toEqual([entry.width, entry.height, 3]);
    let max = 0;
    let sum = 0;
    for (let i = 0; i < ref.length; i++) {
      const d = Math.abs(img.data[i] - ref[i]);
      max = Math.max(max, d);
      sum += d;
    }
    if (file.endsWith('.png')) expect(max).toBe(0);
    else {
      expect(max).toBeLessThanOrEqual(2);
      expect(sum / ref.length).toBeLessThanOrEqual(0.5);
    }
  });

  it('reads a mask from a colour-managed PNG by its stored values', async () => {
    const { mask } = await decodeMask(path.join(fixtures, 'gama-linear.png'));
    const ref = fs.readFileSync(path.join(fixtures, 'gama-linear.png.rgb'));
    for (let p = 0; p < mask.length; p += 97) {
      expect(mask[p]).toBe(ref[3 * p] >= 128 || ref[3 * p + 1] >= 128 || ref[3 * p + 2] >= 128 ? 1 : 0);
    }
  });
});
