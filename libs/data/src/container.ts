// Skia (behind @napi-rs/canvas) decodes a truncated PNG or JPEG without complaint and fills the missing rows with
// black, so the file's structure is checked here before decoding.
import zlib from 'node:zlib';
import { DataFileError } from './errors.js';

export type ImageFormat = 'png' | 'jpeg';

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
// zlib.crc32 exists from Node 20.15 / 22.2; without it the chunk walk alone still catches truncation.
const crc32: ((data: Uint8Array) => number) | undefined = (zlib as { crc32?: (d: Uint8Array) => number }).crc32;

function startsWith(buf: Uint8Array, bytes: number[]): boolean {
  if (buf.length < bytes.length) return false;
  return bytes.every((b, i) => buf[i] === b);
}

function hexHead(buf: Uint8Array): string {
  return Array.from(buf.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** A chunk type for messages: its four letters, or its bytes in hex when they are not letters (a damaged file). */
function chunkType(buf: Uint8Array, at: number): string {
  const type = String.fromCharCode(buf[at], buf[at + 1], buf[at + 2], buf[at + 3]);
  return /^[A-Za-z]{4}$/.test(type) ? type : `0x${hexHead(buf.subarray(at, at + 4)).replace(/ /g, '')}`;
}

function checkPng(buf: Uint8Array, name: string): void {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let at = 8;
  let first = true;
  while (at + 12 <= buf.length) {
    const length = view.getUint32(at);
    const type = chunkType(buf, at + 4);
    if (first && type !== 'IHDR') throw new DataFileError(name, `corrupt PNG: first chunk is "${type}", not IHDR`);
    first = false;
    const end = at + 12 + length;
    if (end > buf.length) {
      throw new DataFileError(
        name,
        `truncated PNG: chunk ${type} at byte ${at} needs ${length} bytes but the file ends at byte ${buf.length}`,
      );
    }
    if (crc32) {
      const stored = view.getUint32(at + 8 + length);
      if ((crc32(buf.subarray(at + 4, at + 8 + length)) >>> 0) !== stored) {
        throw new DataFileError(name, `corrupt PNG: CRC mismatch in chunk ${type} at byte ${at}`);
      }
    }
    if (type === 'IEND') return;
    at = end;
  }
  throw new DataFileError(name, `truncated PNG: no IEND chunk before the end of the file (${buf.length} bytes)`);
}

function checkJpeg(buf: Uint8Array, name: string): void {
  // Entropy-coded data stuffs 0xFF as FF 00, so FF D9 is only ever the end-of-image marker. An EXIF thumbnail has
  // its own EOI, but that lies before the main image's last start-of-scan (FF DA).
  let lastSos = -1;
  let lastEoi = -1;
  for (let i = buf.length - 2; i >= 2; i--) {
    if (buf[i] !== 0xff) continue;
    if (buf[i + 1] === 0xd9 && lastEoi < 0) lastEoi = i;
    if (buf[i + 1] === 0xda) {
      lastSos = i;
      break;
    }
  }
  if (lastSos < 0) throw new DataFileError(name, 'truncated or corrupt JPEG: no start-of-scan marker (no image data)');
  if (lastEoi < lastSos) throw new DataFileError(name, 'truncated JPEG: no end-of-image marker after the last scan');
}

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;

/** Markers without a length field: TEM and RST0..RST7. */
function standalone(marker: number): boolean {
  return marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
}

/** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC): the segments that carry the frame size. */
function startOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/**
 * The JPEG frame size, found the way libjpeg (inside Skia) reads markers, so that the pixel limit checks the size
 * the decoder will use: bytes between segments are skipped until the next 0xFF (libjpeg warns about "extraneous
 * bytes" and goes on), a segment length below 2 skips only the length itself, and the first start-of-frame
 * counts (libjpeg refuses a second one). Undefined when the scan or the end comes before any frame header, where
 * libjpeg fails too. A stricter walk (stopping at the first stray byte) let through a 772-byte file that Skia
 * decoded to 20000 × 20000 pixels, 6 GB.
 */
function jpegFrameSize(buf: Uint8Array): { width: number; height: number } | undefined {
  let at = 2;
  while (at + 1 < buf.length) {
    if (buf[at] !== 0xff) {
      at++;
      continue;
    }
    const marker = buf[at + 1];
    // Fill bytes (FF FF) and stuffed zeros (FF 00) are no markers.
    if (marker === 0xff || marker === 0x00) {
      at++;
      continue;
    }
    if (standalone(marker)) {
      at += 2;
      continue;
    }
    if (marker === SOI || marker === EOI || marker === SOS || at + 4 > buf.length) return undefined;
    if (startOfFrame(marker)) {
      if (at + 9 > buf.length) return undefined;
      return { height: (buf[at + 5] << 8) | buf[at + 6], width: (buf[at + 7] << 8) | buf[at + 8] };
    }
    at += 2 + Math.max(2, (buf[at + 2] << 8) | buf[at + 3]);
  }
  return undefined;
}

/** Width and height from the PNG IHDR or the JPEG start-of-frame, without decoding; undefined if not found. */
export function imageDimensions(buf: Uint8Array): { width: number; height: number } | undefined {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (startsWith(buf, PNG_SIGNATURE) && buf.length >= 24) return { width: view.getUint32(16), height: view.getUint32(20) };
  return startsWith(buf, [0xff, SOI]) ? jpegFrameSize(buf) : undefined;
}

/** Throws a DataFileError naming `name` unless `buf` is a complete PNG or JPEG. */
export function checkImageContainer(buf: Uint8Array, name: string): ImageFormat {
  if (buf.length === 0) throw new DataFileError(name, 'empty file (0 bytes), expected a PNG or JPEG image');
  if (startsWith(buf, PNG_SIGNATURE)) {
    checkPng(buf, name);
    return 'png';
  }
  if (startsWith(buf, [0xff, 0xd8, 0xff])) {
    checkJpeg(buf, name);
    return 'jpeg';
  }
  throw new DataFileError(name, `not a PNG or JPEG image (first bytes: ${hexHead(buf)})`);
}
