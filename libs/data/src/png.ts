// PNG to raw 8-bit samples, as PIL, OpenCV and torchvision read them: gAMA, cHRM, sRGB and iCCP are ignored and
// alpha is never multiplied into the colours. Colour-managed decoders (Skia, browsers) convert gAMA files, which
// shifts every pixel the pretrained features see. Only the structure and the pixel data are read here; the
// caller's inflate keeps this file free of Node built-ins.
import { DataFileError } from './errors.js';

/** Samples as stored: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA (palette expanded to 3, or 4 when it has tRNS). */
export interface DecodedPixels {
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  data: Uint8Array;
}

export interface PngHeader {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlaced: boolean;
}

/** The parts of a PNG the pixels depend on; `idat` is still deflated. */
export interface PngParts {
  header: PngHeader;
  idat: Uint8Array;
  palette?: Uint8Array;
  paletteAlpha?: Uint8Array;
}

const SAMPLES_PER_PIXEL: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
const ALLOWED_DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
// Adam7 passes: x start, y start, x step, y step.
const ADAM7 = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

/**
 * Walks the chunks (the container was checked before: signature, lengths, CRCs, IEND) and collects the header,
 * palette, palette alpha and the concatenated IDAT data.
 */
export function parsePng(buf: Uint8Array, name: string): PngParts {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let header: PngHeader | undefined;
  let palette: Uint8Array | undefined;
  let paletteAlpha: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  let idatLength = 0;
  for (let at = 8; at + 8 <= buf.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(buf[at + 4], buf[at + 5], buf[at + 6], buf[at + 7]);
    const body = buf.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      // The pixel limit was checked on the first IHDR; a second one could claim any size.
      if (header) throw new DataFileError(name, 'corrupt PNG: more than one IHDR chunk');
      header = parseHeader(body, name);
    }
    else if (type === 'PLTE') palette = body;
    else if (type === 'tRNS') paletteAlpha = body;
    else if (type === 'IDAT') {
      idat.push(body);
      idatLength += body.length;
    } else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (!header) throw new DataFileError(name, 'corrupt PNG: no IHDR chunk');
  if (idat.length === 0) throw new DataFileError(name, 'corrupt PNG: no IDAT chunk (no image data)');
  if (header.colorType === 3) {
    if (!palette || palette.length === 0 || palette.length % 3 !== 0) {
      throw new DataFileError(name, 'corrupt PNG: palette image without a valid PLTE chunk');
    }
  }
  const joined = idat.length === 1 ? idat[0] : new Uint8Array(idatLength);
  if (idat.length > 1) {
    let o = 0;
    for (const part of idat) {
      joined.set(part, o);
      o += part.length;
    }
  }
  return { header, idat: joined, palette, paletteAlpha: header.colorType === 3 ? paletteAlpha : undefined };
}

function parseHeader(body: Uint8Array, name: string): PngHeader {
  if (body.length !== 13) throw new DataFileError(name, `corrupt PNG: IHDR is ${body.length} bytes, expected 13`);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const width = view.getUint32(0);
  const height = view.getUint32(4);
  const [bitDepth, colorType, compression, filter, interlace] = body.subarray(8, 13);
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    throw new DataFileError(name, `corrupt PNG: invalid size ${width}×${height}`);
  }
  const depths = ALLOWED_DEPTHS[colorType];
  if (!depths) throw new DataFileError(name, `unsupported PNG colour type ${colorType}`);
  if (!depths.includes(bitDepth)) {
    throw new DataFileError(name, `corrupt PNG: bit depth ${bitDepth} is not allowed with colour type ${colorType}`);
  }
  if (compression !== 0 || filter !== 0 || interlace > 1) {
    throw new DataFileError(name, `corrupt PNG: unknown compression/filter/interlace method (${compression}/${filter}/${interlace})`);
  }
  return { width, height, bitDepth, colorType, interlaced: interlace === 1 };
}

/** Size of the inflated IDAT stream: one filter byte per row of every (pass) image. */
export function inflatedSize(h: PngHeader): number {
  const bitsPerPixel = SAMPLES_PER_PIXEL[h.colorType] * h.bitDepth;
  const rowBytes = (w: number) => Math.ceil((w * bitsPerPixel) / 8);
  if (!h.interlaced) return h.height * (1 + rowBytes(h.width));
  let size = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    const w = Math.ceil((h.width - x0) / dx);
    const ht = Math.ceil((h.height - y0) / dy);
    if (w > 0 && ht > 0) size += ht * (1 + rowBytes(w));
  }
  return size;
}

/** Branch-free Paeth predictor: the choice is data-dependent and mispredicts too often to branch on. */
function paeth(a: number, b: number, c: number): number {
  let pa = b - c; // |p - a| with p = a + b - c
  let pb = a - c;
  let pc = pa + pb;
  pa = (pa ^ (pa >> 31)) - (pa >> 31);
  pb = (pb ^ (pb >> 31)) - (pb >> 31);
  pc = (pc ^ (pc >> 31)) - (pc >> 31);
  const notA = ((pb - pa) | (pc - pa)) >> 31; // -1 unless pa <= pb and pa <= pc
  const pickC = (pc - pb) >> 31; // -1 when pc < pb
  return (a & ~notA) | (((b & ~pickC) | (c & pickC)) & notA);
}

/**
 * Paeth on 8-bit RGB rows (most industrial PNGs): the three channels' dependency chains run interleaved with the
 * left and upper-left bytes in locals, about twice as fast as the generic loop.
 */
function paethRgb(raw: Uint8Array, s: number, out: Uint8Array, o: number, p: number, rowBytes: number): void {
  let a0 = out[o];
  let a1 = out[o + 1];
  let a2 = out[o + 2];
  let c0 = out[p];
  let c1 = out[p + 1];
  let c2 = out[p + 2];
  for (let i = 3; i < rowBytes; i += 3) {
    const b0 = out[p + i];
    const b1 = out[p + i + 1];
    const b2 = out[p + i + 2];
    a0 = (raw[s + i] + paeth(a0, b0, c0)) & 255;
    a1 = (raw[s + i + 1] + paeth(a1, b1, c1)) & 255;
    a2 = (raw[s + i + 2] + paeth(a2, b2, c2)) & 255;
    out[o + i] = a0;
    out[o + i + 1] = a1;
    out[o + i + 2] = a2;
    c0 = b0;
    c1 = b1;
    c2 = b2;
  }
}

/** Reverses the per-row filters of one (pass) image in `raw` from `offset`; returns the bytes without filter bytes. */
function unfilter(raw: Uint8Array, offset: number, rows: number, rowBytes: number, bpp: number, name: string): Uint8Array {
  const out = new Uint8Array(rows * rowBytes);
  for (let y = 0; y < rows; y++) {
    const src = offset + y * (rowBytes + 1);
    const filter = raw[src];
    const o = y * rowBytes;
    const p = o - rowBytes; // previous row; only read when y > 0
    const s = src + 1;
    switch (filter) {
      case 0:
        out.set(raw.subarray(s, s + rowBytes), o);
        break;
      case 1:
        for (let i = 0; i < bpp; i++) out[o + i] = raw[s + i];
        for (let i = bpp; i < rowBytes; i++) out[o + i] = raw[s + i] + out[o + i - bpp];
        break;
      case 2:
        if (y === 0) out.set(raw.subarray(s, s + rowBytes), o);
        else for (let i = 0; i < rowBytes; i++) out[o + i] = raw[s + i] + out[p + i];
        break;
      case 3:
        if (y === 0) {
          for (let i = 0; i < bpp; i++) out[o + i] = raw[s + i];
          for (let i = bpp; i < rowBytes; i++) out[o + i] = raw[s + i] + (out[o + i - bpp] >> 1);
        } else {
          for (let i = 0; i < bpp; i++) out[o + i] = raw[s + i] + (out[p + i] >> 1);
          for (let i = bpp; i < rowBytes; i++) out[o + i] = raw[s + i] + ((out[o + i - bpp] + out[p + i]) >> 1);
        }
        break;
      case 4:
        if (y === 0) {
          // With no previous row Paeth always picks the left byte: the Sub filter.
          for (let i = 0; i < bpp; i++) out[o + i] = raw[s + i];
          for (let i = bpp; i < rowBytes; i++) out[o + i] = raw[s + i] + out[o + i - bpp];
        } else {
          for (let i = 0; i < bpp; i++) out[o + i] = raw[s + i] + out[p + i];
          if (bpp === 3) paethRgb(raw, s, out, o, p, rowBytes);
          else for (let i = bpp; i < rowBytes; i++) out[o + i] = raw[s + i] + paeth(out[o + i - bpp], out[p + i], out[p + i - bpp]);
        }
        break;
      default:
        throw new DataFileError(name, `corrupt PNG: unknown filter type ${filter} on row ${y}`);
    }
  }
  return out;
}

/** Unfiltered rows → 8-bit samples (16-bit: high byte; low-depth gray scaled to 0..255; palette expanded). */
function toSamples(rows: Uint8Array, w: number, h: number, parts: PngParts, channels: number): Uint8Array {
  const { bitDepth, colorType } = parts.header;
  const samples = SAMPLES_PER_PIXEL[colorType];
  let values: Uint8Array;
  if (bitDepth === 8) values = rows;
  else if (bitDepth === 16) {
    values = new Uint8Array(w * h * samples);
    for (let i = 0, j = 0; j < values.length; i += 2, j++) values[j] = rows[i];
  } else {
    values = new Uint8Array(w * h);
    const rowBytes = Math.ceil((w * bitDepth) / 8);
    const mask = (1 << bitDepth) - 1;
    const scale = colorType === 3 ? 1 : 255 / mask;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const bit = x * bitDepth;
        const byte = rows[y * rowBytes + (bit >> 3)];
        values[y * w + x] = ((byte >> (8 - bitDepth - (bit & 7))) & mask) * scale;
      }
    }
  }
  if (colorType !== 3) return values;
  const palette = parts.palette as Uint8Array;
  const alpha = parts.paletteAlpha;
  const entries = palette.length / 3;
  const out = new Uint8Array(w * h * channels);
  for (let i = 0, o = 0; i < values.length; i++, o += channels) {
    const k = values[i];
    // An index past the palette is black (PIL does the same).
    if (k < entries) {
      out[o] = palette[3 * k];
      out[o + 1] = palette[3 * k + 1];
      out[o + 2] = palette[3 * k + 2];
    }
    if (channels === 4) out[o + 3] = alpha && k < alpha.length ? alpha[k] : 255;
  }
  return out;
}

/** Pixels from the inflated IDAT stream (`raw`, exactly `inflatedSize(header)` bytes). */
export function pngPixels(parts: PngParts, raw: Uint8Array, name: string): DecodedPixels {
  const { width, height, bitDepth, colorType, interlaced } = parts.header;
  const expected = inflatedSize(parts.header);
  if (raw.length !== expected) {
    throw new DataFileError(name, `corrupt PNG: image data inflates to ${raw.length} bytes, expected ${expected}`);
  }
  const samples = SAMPLES_PER_PIXEL[colorType];
  const channels = (colorType === 3 ? (parts.paletteAlpha ? 4 : 3) : samples) as DecodedPixels['channels'];
  const bitsPerPixel = samples * bitDepth;
  const bpp = Math.max(1, bitsPerPixel >> 3);
  const rowBytes = (w: number) => Math.ceil((w * bitsPerPixel) / 8);
  if (!interlaced) {
    const rows = unfilter(raw, 0, height, rowBytes(width), bpp, name);
    return { width, height, channels, data: toSamples(rows, width, height, parts, channels) };
  }
  const data = new Uint8Array(width * height * channels);
  let offset = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    const w = Math.ceil((width - x0) / dx);
    const h = Math.ceil((height - y0) / dy);
    if (w <= 0 || h <= 0) continue;
    const pass = toSamples(unfilter(raw, offset, h, rowBytes(w), bpp, name), w, h, parts, channels);
    offset += h * (1 + rowBytes(w));
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const to = ((y0 + y * dy) * width + x0 + x * dx) * channels;
        const from = (y * w + x) * channels;
        for (let c = 0; c < channels; c++) data[to + c] = pass[from + c];
      }
    }
  }
  return { width, height, channels, data };
}

const COLOUR_CHUNKS = new Set(['gAMA', 'cHRM', 'sRGB', 'iCCP']);

/**
 * Whether Skia returns exactly the stored samples once the colour chunks are gone: 8-bit and opaque (gray, RGB or a
 * palette without tRNS). Skia premultiplies alpha and its 16-bit reduction is its own, so those go through
 * {@link pngPixels}.
 */
export function skiaReadsExactly(parts: PngParts): boolean {
  const { bitDepth, colorType } = parts.header;
  return bitDepth === 8 && (colorType === 0 || colorType === 2 || (colorType === 3 && !parts.paletteAlpha));
}

/** The PNG without gAMA, cHRM, sRGB and iCCP chunks (the same bytes when it has none). */
export function withoutColourChunks(buf: Uint8Array): Uint8Array {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const kept: Uint8Array[] = [buf.subarray(0, 8)];
  let dropped = false;
  for (let at = 8; at + 12 <= buf.length; ) {
    const end = at + 12 + view.getUint32(at);
    const type = String.fromCharCode(buf[at + 4], buf[at + 5], buf[at + 6], buf[at + 7]);
    if (COLOUR_CHUNKS.has(type)) dropped = true;
    else kept.push(buf.subarray(at, end));
    at = end;
  }
  if (!dropped) return buf;
  const out = new Uint8Array(kept.reduce((n, k) => n + k.length, 0));
  let o = 0;
  for (const k of kept) {
    out.set(k, o);
    o += k.length;
  }
  return out;
}
