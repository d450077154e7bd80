// Hostile image files issue 14 lists, one by one, with the error each must give; image-fuzz.spec.ts covers the
// cases nobody listed. Bombs are refused from their headers: none of these tests allocates their claimed size.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createCanvas } from '@napi-rs/canvas';
import { DEFAULT_MAX_PIXELS, decodeImage } from './decode.js';
import { DecodePool } from './decode-pool.js';
import { encodePng } from './encode.js';
import { tempDir } from './testing/fixtures.test-util.js';
import { readChunks, writeChunks } from './testing/image-seeds.test-util.js';

const rgb = (w: number, h: number) => ({ width: w, height: h, channels: 3 as const, data: Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 13) & 255) });

function jpeg(w: number, h: number): Uint8Array {
  const canvas = createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#c84';
  ctx.fillRect(0, 0, w, h);
  return new Uint8Array(canvas.toBuffer('image/jpeg'));
}

/** Offset of the first start-of-frame marker (Skia writes baseline SOF0). */
const sofAt = (b: Uint8Array) => b.findIndex((v, i) => v === 0xff && b[i + 1] === 0xc0);
/** End of the APP0 segment that follows SOI. */
const app0End = (b: Uint8Array) => 4 + ((b[4] << 8) | b[5]);

function withSize(b: Uint8Array, w: number, h: number): Uint8Array {
  const out = b.slice();
  const at = sofAt(out);
  new DataView(out.buffer).setUint16(at + 5, h);
  new DataView(out.buffer).setUint16(at + 7, w);
  return out;
}

const insert = (b: Uint8Array, at: number, bytes: number[]) => Uint8Array.from([...b.subarray(0, at), ...bytes, ...b.subarray(at)]);

async function pngWithIhdr(edit: (ihdr: DataView) => void): Promise<Uint8Array> {
  const chunks = readChunks(new Uint8Array(await encodePng(rgb(4, 3))));
  const ihdr = chunks[0].body.slice();
  edit(new DataView(ihdr.buffer));
  chunks[0] = { type: 'IHDR', body: ihdr };
  return writeChunks(chunks);
}

const decode = (bytes: Uint8Array, maxPixels?: number) => decodeImage(bytes, { name: 'x.img', maxPixels });

describe('decompression bombs are refused from the header, before decoding', () => {
  it('PNG: an IHDR of 100000 × 100000 (CRC correct) and a second IHDR after a small first one', async () => {
    const bomb = await pngWithIhdr((v) => (v.setUint32(0, 100000), v.setUint32(4, 100000)));
    await expect(decode(bomb)).rejects.toThrow(`x.img: image is 100000×100000 = 10000000000 pixels, over the limit of ${DEFAULT_MAX_PIXELS}`);
    const chunks = readChunks(new Uint8Array(await encodePng(rgb(4, 3))));
    const second = chunks[0].body.slice();
    new DataView(second.buffer).setUint32(0, 20000);
    await expect(decode(writeChunks([chunks[0], { type: 'IHDR', body: second }, ...chunks.slice(1)]))).rejects.toThrow('x.img: corrupt PNG: more than one IHDR chunk');
  });

  it('JPEG: a start-of-frame of 65535 × 65535, also behind stray bytes or a zero segment length that libjpeg skips', async () => {
    const small = jpeg(40, 30);
    await expect(decode(withSize(small, 65535, 65535))).rejects.toThrow('x.img: image is 65535×65535 = 4294836225 pixels, over the limit');
    // libjpeg skips bytes between segments ("extraneous bytes") and treats a length below 2 as 2; the frame size
    // must be read the same way, or these 800-byte files reach Skia as 20000 × 20000 images (found by fuzzing).
    const stray = withSize(insert(small, app0End(small), [0x00, 0x12, 0x34]), 20000, 20000);
    await expect(decode(stray)).rejects.toThrow('x.img: image is 20000×20000 = 400000000 pixels, over the limit');
    const zeroLength = withSize(small, 20000, 20000);
    zeroLength[4] = 0;
    zeroLength[5] = 0;
    await expect(decode(zeroLength)).rejects.toThrow('x.img: image is 20000×20000 = 400000000 pixels, over the limit');
  });

  it('the limit holds on the decode pool, and maxPixels moves it either way', async () => {
    const pool = new DecodePool(1);
    await expect(pool.decode(withSize(jpeg(40, 30), 30000, 30000), 'p.jpg')).rejects.toThrow('p.jpg: image is 30000×30000 = 900000000 pixels, over the limit');
    await expect(pool.decode(jpeg(40, 30), 'p.jpg', 1000)).rejects.toThrow('p.jpg: image is 40×30 = 1200 pixels, over the limit of 1000');
    await expect(pool.decode(jpeg(40, 30), 'p.jpg', 1200)).resolves.toMatchObject({ width: 40, height: 30 });
    await pool.close();
    await expect(decode(new Uint8Array(await encodePng(rgb(40, 30))), 1199)).rejects.toThrow('over the limit of 1199');
    await expect(decodeImage(new Uint8Array(await encodePng(rgb(40, 30))), { maxPixels: 0 })).rejects.toThrow('maxPixels must be a positive integer (got 0)');
  });
});

describe('damaged and unsupported images are refused by name', () => {
  it('zero-sized images', async () => {
    await expect(decode(await pngWithIhdr((v) => v.setUint32(0, 0)))).rejects.toThrow('x.img: corrupt image: the header gives an empty size 0×3');
    await expect(decode(withSize(jpeg(40, 30), 40, 0))).rejects.toThrow('x.img: corrupt image: the header gives an empty size 40×0');
  });

  it('unsupported PNG colour types and depths', async () => {
    await expect(decode(await pngWithIhdr((v) => v.setUint8(9, 5)))).rejects.toThrow('x.img: unsupported PNG colour type 5');
    await expect(decode(await pngWithIhdr((v) => v.setUint8(8, 3)))).rejects.toThrow('x.img: corrupt PNG: bit depth 3 is not allowed with colour type 2');
  });

  it('truncated and bit-flipped files', async () => {
    const png = new Uint8Array(await encodePng(rgb(16, 16)));
    await expect(decode(png.subarray(0, png.length - 20))).rejects.toThrow(/^x\.img: truncated PNG/);
    const flipped = png.slice();
    flipped[50] ^= 4;
    await expect(decode(flipped)).rejects.toThrow(/^x\.img: corrupt PNG: CRC mismatch in chunk IDAT/);
    const j = jpeg(40, 30);
    await expect(decode(j.subarray(0, j.length - 10))).rejects.toThrow('x.img: truncated JPEG: no end-of-image marker after the last scan');
    const noSof = j.slice();
    noSof[sofAt(noSof) + 1] = 0xfe; // the frame header becomes a comment
    await expect(decode(noSof)).rejects.toThrow('x.img: corrupt image: no frame size before the image data');
  });

  it('names damaged chunk types in hex instead of printing their bytes', async () => {
    const png = new Uint8Array(await encodePng(rgb(4, 3)));
    png[37] = 0x01; // first byte of the type of the IDAT chunk, which starts at byte 33
    await expect(decode(png)).rejects.toThrow(/^x\.img: corrupt PNG: CRC mismatch in chunk 0x01444154 at byte 33/);
  });

  it('directories, FIFOs and devices named like images, without blocking', async () => {
    const dir = tempDir('special');
    fs.mkdirSync(path.join(dir, 'folder.png'));
    execFileSync('mkfifo', [path.join(dir, 'pipe.png')]);
    fs.symlinkSync('/dev/zero', path.join(dir, 'zero.png'));
    await expect(decodeImage(path.join(dir, 'folder.png'))).rejects.toThrow(`${path.join(dir, 'folder.png')}: cannot read image: is a directory, not an image file`);
    await expect(decodeImage(path.join(dir, 'pipe.png'))).rejects.toThrow(`${path.join(dir, 'pipe.png')}: cannot read image: not a regular file (a FIFO, socket or device)`);
    await expect(decodeImage(path.join(dir, 'zero.png'))).rejects.toThrow(`${path.join(dir, 'zero.png')}: cannot read image: not a regular file`);
  });

  it('a closed pool keeps decoding on the calling thread instead of starting new workers', async () => {
    const pool = new DecodePool(1);
    await pool.decode(jpeg(8, 8), 'a.jpg');
    await pool.close();
    expect(pool.parallel).toBe(false);
    await expect(pool.decode(jpeg(8, 8), 'b.jpg')).resolves.toMatchObject({ width: 8, height: 8 });
  });
});
