// Drawing image cells on a figure: scaled pixels, mask outlines at display resolution, captions.
import { createCanvas } from '@napi-rs/canvas';
import type { PixelImage } from '@ssad/augment';
import { maskOutline, resizeMask, toRgba, type Rgb } from '../image/pixels.js';
import { fitText, type Ctx } from '../plot/canvas.js';

export interface CellRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Draw an image into a size×size cell (aspect ratio kept, centred). Returns the drawn rectangle. */
export function drawImageCell(ctx: Ctx, image: PixelImage, x: number, y: number, size: number): CellRect {
  const src = createCanvas(image.width, image.height);
  const sctx = src.getContext('2d');
  const img = sctx.createImageData(image.width, image.height);
  img.data.set(toRgba(image));
  sctx.putImageData(img, 0, 0);
  const scale = size / Math.max(image.width, image.height);
  const w = Math.round(image.width * scale);
  const h = Math.round(image.height * scale);
  const rect = { x: x + Math.floor((size - w) / 2), y: y + Math.floor((size - h) / 2), w, h };
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(src, rect.x, rect.y, rect.w, rect.h);
  return rect;
}

/**
 * Outline a 0/1 mask (in the image's width×height frame) over a drawn cell, computed at display resolution so
 * the line stays `thickness` screen pixels wide whatever the scale.
 */
export function drawMaskOutline(
  ctx: Ctx,
  mask: Uint8Array,
  width: number,
  height: number,
  rect: CellRect,
  color: Rgb,
  thickness = 2,
): void {
  const scaled = resizeMask(mask, width, height, rect.w, rect.h);
  const outline = maskOutline(scaled, rect.w, rect.h, thickness);
  const layer = createCanvas(rect.w, rect.h);
  const lctx = layer.getContext('2d');
  const img = lctx.createImageData(rect.w, rect.h);
  for (let i = 0; i < outline.length; i++)
    if (outline[i]) img.data.set([color[0], color[1], color[2], 255], i * 4);
  lctx.putImageData(img, 0, 0);
  ctx.drawImage(layer, rect.x, rect.y);
}

export function caption(ctx: Ctx, text: string, x: number, y: number, maxWidth: number, size = 13, bold = false): void {
  ctx.save();
  ctx.fillStyle = '#111111';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'alphabetic';
  fitText(ctx, text, x, y, maxWidth, size, { bold });
  ctx.restore();
}

export const rgbCss = (c: Rgb): string => `rgb(${c[0]},${c[1]},${c[2]})`;
