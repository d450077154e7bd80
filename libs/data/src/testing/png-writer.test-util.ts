// Writes PNGs the way other tools do (16-bit, palette, gray+alpha), so tests can check decoding of every colour
// type without committing binary fixtures. Not part of the library build.
import zlib from 'node:zlib';

export type PngColorType = 0 | 2 | 3 | 4 | 6;
const CHANNELS: Record<PngColorType, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head.subarray(4), body])) >>> 0, 0);
  return Buffer.concat([head, body, crc]);
}

const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

export interface RawPngOptions {
  /** PLTE entries (and optional tRNS alpha) for colour type 3. */
  palette?: { rgb: number[]; alpha?: number[] };
  /** Adam7 interlacing. */
  interlace?: boolean;
  /** The filter written on every row (0 none, 1 sub, 2 up, 3 average, 4 Paeth), encoded independently of the decoder. */
  filter?: 0 | 1 | 2 | 3 | 4;
  /** Extra chunks written before IDAT, e.g. gAMA. */
  chunks?: Array<[string, Uint8Array]>;
}

function packRow(samples: ArrayLike<number>, from: number, count: number, bitDepth: number): Uint8Array {
  const row = new Uint8Array(Math.ceil((count * bitDepth) / 8));
  for (let i = 0; i < count; i++) {
    const v = samples[from + i];
    if (bitDepth === 16) {
      row[2 * i] = v >> 8;
      row[2 * i + 1] = v & 255;
    } else if (bitDepth === 8) row[i] = v;
    else row[(i * bitDepth) >> 3] |= v << (8 - bitDepth - ((i * bitDepth) & 7));
  }
  return row;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

function filterRows(rows: Uint8Array[], bpp: number, filter: number): Buffer {
  const out: number[] = [];
  rows.forEach((row, y) => {
    const prev = y > 0 ? rows[y - 1] : new Uint8Array(row.length);
    out.push(filter);
    for (let i = 0; i < row.length; i++) {
      const a = i >= bpp ? row[i - bpp] : 0;
      const b = prev[i];
      const c = i >= bpp ? prev[i - bpp] : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      out.push((row[i] - predictor) & 255);
    }
  });
  return Buffer.from(out);
}

/**
 * `samples` holds width*height*channels values of the colour type (palette indices for type 3), each < 2^bitDepth.
 */
export function writeRawPng(
  width: number,
  height: number,
  colorType: PngColorType,
  bitDepth: 1 | 2 | 4 | 8 | 16,
  samples: ArrayLike<number>,
  options: RawPngOptions = {},
): Buffer {
  const ch = CHANNELS[colorType];
  const bpp = Math.max(1, (ch * bitDepth) >> 3);
  const filter = options.filter ?? 0;
  const passes = options.interlace ? ADAM7 : ([[0, 0, 1, 1]] as const);
  const streams: Buffer[] = [];
  for (const [x0, y0, dx, dy] of passes) {
    const w = Math.ceil((width - x0) / dx);
    const h = Math.ceil((height - y0) / dy);
    if (w <= 0 || h <= 0) continue;
    const rows: Uint8Array[] = [];
    for (let y = 0; y < h; y++) {
      const pass: number[] = [];
      for (let x = 0; x < w; x++) {
        const at = ((y0 + y * dy) * width + x0 + x * dx) * ch;
        for (let k = 0; k < ch; k++) pass.push(samples[at + k]);
      }
      rows.push(packRow(pass, 0, w * ch, bitDepth));
    }
    streams.push(filterRows(rows, bpp, filter));
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colorType;
  ihdr[12] = options.interlace ? 1 : 0;
  const parts = [Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr)];
  for (const [type, body] of options.chunks ?? []) parts.push(chunk(type, body));
  if (options.palette) {
    parts.push(chunk('PLTE', Uint8Array.from(options.palette.rgb)));
    if (options.palette.alpha) parts.push(chunk('tRNS', Uint8Array.from(options.palette.alpha)));
  }
  parts.push(chunk('IDAT', zlib.deflateSync(Buffer.concat(streams))), chunk('IEND', new Uint8Array(0)));
  return Buffer.concat(parts);
}
