// Figure canvas, fonts and PNG output shared by every renderer.
import { writeFile } from 'node:fs/promises';
import { createCanvas, GlobalFonts, type Canvas, type SKRSContext2D } from '@napi-rs/canvas';

export type Ctx = SKRSContext2D;

/** Sans-serif families tried in order; the first one installed wins. */
const PREFERRED_FONTS = ['DejaVu Sans', 'Liberation Sans', 'Arial', 'Helvetica', 'Noto Sans', 'Roboto'];
let family: string | undefined;

/**
 * The font family the figures use: the first of PREFERRED_FONTS installed on this machine, else any installed
 * family, else the generic 'sans-serif' (with no font at all, text draws nothing but nothing fails).
 */
export function fontFamily(): string {
  if (family === undefined) {
    const installed = new Set(GlobalFonts.families.map((f) => f.family));
    family = PREFERRED_FONTS.find((f) => installed.has(f)) ?? [...installed][0] ?? 'sans-serif';
  }
  return family;
}

export function font(size: number, bold = false): string {
  return `${bold ? 'bold ' : ''}${size}px "${fontFamily()}"`;
}

export function newFigure(width: number, height: number, fn: string): { canvas: Canvas; ctx: Ctx } {
  for (const [name, v] of [['width', width], ['height', height]] as const)
    if (!Number.isInteger(v) || v < 64 || v > 8192)
      throw new Error(`${fn}: options.${name} must be an integer in [64, 8192], got ${v}`);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  return { canvas, ctx };
}

export function toPng(canvas: Canvas): Buffer {
  return canvas.toBuffer('image/png');
}

/** Write a rendered PNG to a file. */
export async function savePng(path: string, png: Buffer): Promise<void> {
  await writeFile(path, png);
}

/**
 * Draw text no wider than maxWidth: the font shrinks down to minSize, then the text is cut with an ellipsis.
 * Keeps titles from running into each other or off the canvas.
 */
export function fitText(
  ctx: Ctx,
  text: string,
  x: number,
  y: number,
  maxWidth: number,
  size: number,
  options: { bold?: boolean; minSize?: number } = {},
): void {
  const minSize = options.minSize ?? Math.min(size, 10);
  let s = size;
  ctx.font = font(s, options.bold);
  while (s > minSize && ctx.measureText(text).width > maxWidth) ctx.font = font(--s, options.bold);
  let t = text;
  while (t.length > 1 && ctx.measureText(t).width > maxWidth) t = t.slice(0, -2) + '…';
  ctx.fillText(t, x, y);
}

/** Categorical colours (matplotlib tab10), distinguishable for the usual colour-vision deficiencies. */
export const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
] as const;
