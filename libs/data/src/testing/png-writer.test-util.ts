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

/**
 * `samples` holds width*height*channels values of the colour type (palette indices for type 3), each < 2^bitDepth.
 */
export function writeRawPng(
  width: number,
  height: number,
  colorType: PngColorType,
  bitDepth: 8 | 16,
  samples: ArrayLike<number>,
  palette?: { rgb: number[]; alpha?: number[] },
): Buffer {
  const ch = CHANNELS[colorType];
  const bytesPerSample = bitDepth / 8;
  const stride = width * ch * bytesPerSample;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0;
    for (let i = 0; i < width * ch; i++) {
      const v = samples[y * width * ch + i];
      const at = y * (stride + 1) + 1 + i * bytesPerSample;
      if (bitDepth === 16) raw.writeUInt16BE(v, at);
      else raw[at] = v;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = bitDepth;
  ihdr[9] = colorType;
  const parts = [Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr)];
  if (palette) {
    parts.push(chunk('PLTE', Uint8Array.from(palette.rgb)));
    if (palette.alpha) parts.push(chunk('tRNS', Uint8Array.from(palette.alpha)));
  }
  parts.push(chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', new Uint8Array(0)));
  return Buffer.concat(parts);
}
