// A dense map as heatmap and overlay pixels with @ssad/viz's browser entry (the colour map, range and pixel
// threshold `ssad predict` uses), and masks outlined. Plain pixel buffers, no DOM: the scoring worker makes each
// image's overlay here, the page its heatmap and the pretext samples' outlines (dom.ts's canvasOf draws them).
import type { PixelImage } from '@ssad/augment';
import type { BundleMaps } from '@ssad/models';
import { colormap, heatmapToMask, lutIndex, maskOutline, normalizeMap, overlayHeatmap, toRgba, type Rgb } from '@ssad/viz';

/** Outline colour of masks (pretext masks, the pixel threshold's region): viz's OUTLINE_COLOR. */
export const OUTLINE: Rgb = [255, 0, 255];

/** `image` with the pixels of `mask` (0/1) outlined. */
export function withOutline(image: PixelImage, mask: Uint8Array, color: Rgb = OUTLINE): PixelImage {
  const rgba = toRgba(image);
  const edge = maskOutline(mask, image.width, image.height, Math.max(1, Math.round(image.width / 128)));
  for (let i = 0; i < edge.length; i++) if (edge[i]) rgba.set(color, i * 4);
  return { width: image.width, height: image.height, channels: 4, data: rgba };
}

/** The raw map through the bundle's display range and the turbo colour map (0 at the range's bottom). */
export function heatmapImage(map: Float32Array, width: number, height: number, maps: BundleMaps): PixelImage {
  const v = normalizeMap(map, maps.range);
  const lut = colormap('turbo');
  const out = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < v.length; i++) {
    const k = lutIndex(v[i]) * 3;
    out[i * 4] = lut[k];
    out[i * 4 + 1] = lut[k + 1];
    out[i * 4 + 2] = lut[k + 2];
    out[i * 4 + 3] = 255;
  }
  return { width, height, channels: 4, data: out };
}

/** The image under the coloured map, the region at or above the pixel threshold outlined. */
export function overlayImage(image: PixelImage, map: Float32Array, maps: BundleMaps): PixelImage {
  const over = overlayHeatmap(image, normalizeMap(map, maps.range));
  return withOutline(over, heatmapToMask(map, maps.pixelThreshold));
}
