import fs from 'node:fs';
import path from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { decodeImage, decodeMask } from './decode.js';
import { encodePng, writeMaskPng } from './encode.js';
import { writeRawPng } from './testing/png-writer.test-util.js';
import { tempDir } from './testing/fixtures.test-util.js';

describe('decodeImage colour types', () => {
  it('replicates 8-bit gray to 3 channels', async () => {
    const img = await decodeImage(writeRawPng(2, 1, 0, 8, [10, 200]));
    expect(img).toMatchObject({ width: 2, height: 1, channels: 3 });
    expect(Array.from(img.data)).toEqual([10, 10, 10, 200, 200, 200]);
  });

  it('keeps the high byte of 16-bit gray and RGB', async () => {
    expect(Array.from((await decodeImage(writeRawPng(2, 1, 0, 16, [0x1280, 0xff7f]))).data)).toEqual([18, 18, 18, 255, 255, 255]);
    expect(Array.from((await decodeImage(writeRawPng(1, 1, 2, 16, [0x0102, 0x8080, 0xfe00]))).data)).toEqual([1, 128, 254]);
  });

  it('expands palette images', async () => {
    const png = writeRawPng(2, 1, 3, 8, [1, 0], { palette: { rgb: [10, 20, 30, 200, 100, 50] } });
    expect(Array.from((await decodeImage(png)).data)).toEqual([200, 100, 50, 10, 20, 30]);
  });

  it('reads gray+alpha: exact where opaque, alpha kept with channels 4', async () => {
    const png = writeRawPng(2, 1, 4, 8, [100, 255, 100, 128]);
    expect(Array.from((await decodeImage(png)).data)).toEqual([100, 100, 100, 100, 100, 100]);
    const rgba = await decodeImage(png, { channels: 4 });
    expect(rgba.channels).toBe(4);
    expect(Array.from(rgba.data)).toEqual([100, 100, 100, 255, 100, 100, 100, 128]);
    expect(Array.from((await decodeImage(writeRawPng(1, 1, 4, 16, [0x6400, 0xffff]))).data)).toEqual([100, 100, 100]);
  });

  it('never multiplies alpha into the colours', async () => {
    const img = await decodeImage(writeRawPng(1, 1, 6, 8, [200, 100, 51, 7]), { channels: 4 });
    expect(Array.from(img.data)).toEqual([200, 100, 51, 7]);
    expect(Array.from((await decodeImage(writeRawPng(1, 1, 6, 8, [200, 100, 51, 0]))).data)).toEqual([200, 100, 51]);
  });

  it('gives ITU-R 601 luma with channels 1', async () => {
    const img = await decodeImage(writeRawPng(3, 1, 2, 8, [255, 0, 0, 0, 255, 0, 10, 20, 250]), { channels: 1 });
    // PIL's convert('L'): (r·19595 + g·38470 + b·7471 + 2^15) >> 16
    expect(Array.from(img.data)).toEqual([76, 150, 43]);
  });

  it('decodes JPEG', async () => {
    const c = createCanvas(16, 8);
    const ctx = c.getContext('2d');
    ctx.fillStyle = 'rgb(200, 40, 40)';
    ctx.fillRect(0, 0, 16, 8);
    const img = await decodeImage(c.toBuffer('image/jpeg'));
    expect(img).toMatchObject({ width: 16, height: 8, channels: 3 });
    expect(Math.abs(img.data[0] - 200)).toBeLessThan(6);
    expect(Math.abs(img.data[1] - 40)).toBeLessThan(6);
  });

  it('round-trips through encodePng for 1, 3 and 4 channels', async () => {
    for (const channels of [1, 3, 4] as const) {
      const data = new Uint8Array(5 * 3 * channels).map((_, i) => (i * 37) & 255);
      if (channels === 4) for (let i = 3; i < data.length; i += 4) data[i] = 255;
      const back = await decodeImage(await encodePng({ width: 5, height: 3, channels, data }), { channels });
      expect(Array.from(back.data)).toEqual(Array.from(data));
    }
  });

  it('decodes masks to 0/1 with a 128 threshold on any channel', async () => {
    const dir = tempDir('mask');
    const file = path.join(dir, 'm.png');
    await writeMaskPng(file, Uint8Array.from([0, 1, 1, 0]), 2, 2);
    expect(Array.from((await decodeMask(file)).mask)).toEqual([0, 1, 1, 0]);
    const rgb = await decodeMask(writeRawPng(3, 1, 2, 8, [255, 0, 0, 127, 127, 127, 0, 0, 200]));
    expect(Array.from(rgb.mask)).toEqual([1, 0, 1]);
  });
});

describe('decodeImage bad input', () => {
  const dir = tempDir('bad');
  const good = writeRawPng(8, 8, 2, 8, new Array(8 * 8 * 3).fill(90));

  it('names a truncated PNG', async () => {
    const file = path.join(dir, 'truncated.png');
    fs.writeFileSync(file, good.subarray(0, good.length - 20));
    await expect(decodeImage(file)).rejects.toThrow(`${file}: truncated PNG`);
  });

  it('names a PNG with a flipped bit', async () => {
    const file = path.join(dir, 'flipped.png');
    const bad = Buffer.from(good);
    bad[45] ^= 0x10;
    fs.writeFileSync(file, bad);
    await expect(decodeImage(file)).rejects.toThrow(/flipped\.png: corrupt PNG: CRC mismatch in chunk IDAT/);
  });

  it('names a text file called .png, an empty file and a missing file', async () => {
    const text = path.join(dir, 'notes.png');
    fs.writeFileSync(text, 'these are not pixels');
    await expect(decodeImage(text)).rejects.toThrow(`${text}: not a PNG or JPEG image`);
    const empty = path.join(dir, 'empty.png');
    fs.writeFileSync(empty, '');
    await expect(decodeImage(empty)).rejects.toThrow(`${empty}: empty file`);
    await expect(decodeImage(path.join(dir, 'nope.png'))).rejects.toThrow('nope.png: cannot read image: file does not exist');
    await expect(decodeImage(dir)).rejects.toThrow('is a directory');
  });

  it('names a truncated JPEG', async () => {
    const c = createCanvas(64, 64);
    const ctx = c.getContext('2d');
    for (let i = 0; i < 64; i++) {
      ctx.fillStyle = `rgb(${(i * 53) % 256}, ${(i * 97) % 256}, ${(i * 31) % 256})`;
      ctx.fillRect((i * 13) % 60, (i * 29) % 60, 5, 5);
    }
    const jpeg = c.toBuffer('image/jpeg');
    const file = path.join(dir, 'cut.jpg');
    fs.writeFileSync(file, jpeg.subarray(0, jpeg.length - 100));
    await expect(decodeImage(file)).rejects.toThrow(`${file}: truncated JPEG: no end-of-image marker`);
    const head = path.join(dir, 'head.jpg');
    fs.writeFileSync(head, jpeg.subarray(0, 100));
    await expect(decodeImage(head)).rejects.toThrow(`${head}: truncated or corrupt JPEG`);
  });

  it('rejects a bad channels option', async () => {
    await expect(decodeImage(good, { channels: 2 as 3 })).rejects.toThrow('options.channels must be 1, 3 or 4');
  });
});
