// Legend box: one swatch + label per item, sized from the measured text, placed in a corner of a plot area.
import { font, type Ctx } from './canvas.js';
import type { Rect } from './axes.js';

export interface LegendItem {
  label: string;
  color: string;
  /** Swatch: a line (curves), a filled box (bars, areas) or a dot (scatter groups). Default 'line'. */
  kind?: 'line' | 'box' | 'dot';
  dash?: number[];
}

export type Corner = 'upper-left' | 'upper-right' | 'lower-left' | 'lower-right';

const ROW = 20;
const SWATCH = 22;
const PAD = 8;

/** Size of the legend box for these items at the legend font. */
export function legendSize(ctx: Ctx, items: readonly LegendItem[]): { w: number; h: number } {
  ctx.save();
  ctx.font = font(12);
  const text = Math.max(0, ...items.map((i) => ctx.measureText(i.label).width));
  ctx.restore();
  return { w: PAD * 3 + SWATCH + text, h: PAD * 2 + ROW * items.length - 4 };
}

/** Draw the legend inside `area`, in the given corner (or at an explicit top-left point). */
export function drawLegend(ctx: Ctx, area: Rect, items: readonly LegendItem[], corner: Corner | { x: number; y: number }): Rect {
  const { w, h } = legendSize(ctx, items);
  const x = typeof corner === 'object' ? corner.x : corner.endsWith('left') ? area.x + 10 : area.x + area.w - w - 10;
  const y = typeof corner === 'object' ? corner.y : corner.startsWith('upper') ? area.y + 10 : area.y + area.h - h - 10;
  ctx.save();
  ctx.fillStyle = 'rgba(255,255,255,0.92)';
  ctx.strokeStyle = '#999999';
  ctx.lineWidth = 1;
  ctx.setLineDash([]);
  ctx.fillRect(x, y, w, h);
  ctx.strokeRect(Math.round(x) + 0.5, Math.round(y) + 0.5, Math.round(w), Math.round(h));
  ctx.font = font(12);
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  items.forEach((item, i) => {
    const cy = Math.round(y + PAD + ROW * i + ROW / 2 - 2);
    const sx = x + PAD;
    ctx.fillStyle = item.color;
    ctx.strokeStyle = item.color;
    if (item.kind === 'box') ctx.fillRect(sx, cy - 6, SWATCH, 12);
    else if (item.kind === 'dot') {
      ctx.beginPath();
      ctx.arc(sx + SWATCH / 2, cy, 5, 0, 2 * Math.PI);
      ctx.fill();
    } else {
      ctx.lineWidth = 3;
      ctx.setLineDash(item.dash ?? []);
      ctx.beginPath();
      ctx.moveTo(sx, cy + 0.5);
      ctx.lineTo(sx + SWATCH, cy + 0.5);
      ctx.stroke();
    }
    ctx.fillStyle = '#222222';
    ctx.fillText(item.label, sx + SWATCH + PAD, cy);
  });
  ctx.restore();
  return { x, y, w, h };
}
