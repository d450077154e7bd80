// Skia (behind @napi-rs/canvas) decodes JPEG with libjpeg-turbo, exactly as PIL does, but then applies the EXIF
// orientation and converts an embedded ICC profile to sRGB. PIL's Image.open(f).convert('RGB'), torchvision and the
// masks (which carry no orientation) do neither, so both segments are removed before Skia sees the file.

const APP1 = 0xe1;
const APP2 = 0xe2;
const SOS = 0xda;

function startsWithText(buf: Uint8Array, at: number, text: string): boolean {
  if (at + text.length > buf.length) return false;
  for (let i = 0; i < text.length; i++) if (buf[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * The JPEG without its APP1 "Exif" and APP2 "ICC_PROFILE" segments (the same bytes when it has neither). Stops
 * at the first start-of-scan: segments after it are part of the image data.
 */
export function withoutExifAndIcc(buf: Uint8Array): Uint8Array {
  const drop: Array<[number, number]> = [];
  let at = 2;
  while (at + 4 <= buf.length && buf[at] === 0xff) {
    const marker = buf[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === SOS) break;
    const end = at + 2 + ((buf[at + 2] << 8) | buf[at + 3]);
    if (end > buf.length) break; // the container check reports truncation
    const body = at + 4;
    if ((marker === APP1 && startsWithText(buf, body, 'Exif\0')) || (marker === APP2 && startsWithText(buf, body, 'ICC_PROFILE\0'))) {
      drop.push([at, end]);
    }
    at = end;
  }
  if (drop.length === 0) return buf;
  const kept = buf.length - drop.reduce((n, [a, b]) => n + b - a, 0);
  const out = new Uint8Array(kept);
  let from = 0;
  let o = 0;
  for (const [a, b] of drop) {
    out.set(buf.subarray(from, a), o);
    o += a - from;
    from = b;
  }
  out.set(buf.subarray(from), o);
  return out;
}
