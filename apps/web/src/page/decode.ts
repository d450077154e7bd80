// Images in the page: the browser's own decoder, asked for the stored samples (no colour-space conversion, no
// premultiplied alpha, no EXIF rotation — what @ssad/data's decodeImage returns in Node), then fitted to the
// detector's input with @ssad/data's fitPixels, the code `ssad predict` runs. An 8-bit PNG therefore reaches the
// network with exactly the pixels Node gives it; JPEG decoders may differ by a grey level here and there.
import type { PixelImage } from '@ssad/augment';
import { fitPixels, type FitMode } from '@ssad/data';

/** Larger images are refused (a browser tab has far less memory than a Node process). */
export const MAX_PAGE_PIXELS = 64 * 1024 * 1024;

export async function decodeImageFile(file: Blob, name: string): Promise<PixelImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none', imageOrientation: 'none' });
  } catch {
    throw new Error(`${name}: not an image this browser can decode (PNG or JPEG expected)`);
  }
  try {
    const { width, height } = bitmap;
    if (width * height > MAX_PAGE_PIXELS) throw new Error(`${name}: ${width}×${height} pixels, more than the page's limit of ${MAX_PAGE_PIXELS}`);
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' });
    if (!ctx) throw new Error(`${name}: no 2D canvas to decode into`);
    ctx.drawImage(bitmap, 0, 0);
    return { width, height, channels: 4, data: ctx.getImageData(0, 0, width, height).data };
  } finally {
    bitmap.close();
  }
}

/** The detector's input: `image` fitted to width × height as the bundle says (squash or pad). */
export function fitToInput(image: PixelImage, width: number, height: number, fit: FitMode): PixelImage {
  return fitPixels({ width: image.width, height: image.height, channels: image.channels, data: new Uint8Array(image.data.buffer, image.data.byteOffset, image.data.length) }, width, height, fit).image;
}
