// A 2-D plot area: data → pixel transform, frame, grid, ticks and axis labels, clipped line drawing.
import { fitText, font, type Ctx } from './canvas.js';

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** "Nice" tick values (1, 2, 2.5, 5 × 10^k steps) covering [lo, hi], at most maxCount of them. */
export function niceTicks(lo: number, hi: number, maxCount: number): number[] {
  if (!(hi > lo) || maxCount < 2) return [lo];
  const raw = (hi - lo) / (maxCount - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return ticks;
}

/** Tick label with as many decimals as the tick step needs (so 0.25-steps show 0.25, not 0.3). */
export function formatTick(v: number, ticks: readonly number[]): string {
  if (Math.abs(v) >= 1e5 || (v !== 0 && Math.abs(v) < 1e-3)) return v.toExponential(1);
  const step = ticks.length > 1 ? Math.abs(ticks[1] - ticks[0]) : 1;
  let decimals = 0;
  while (decimals < 6 && Math.abs(Math.round(step * 10 ** decimals) - step * 10 ** decimals) > 1e-6) decimals++;
  return v.toFixed(decimals);
}

export interface AxesLabels {
  title?: string;
  xLabel: string;
  yLabel: string;
}

/** Margins around a plot area that leave room for the title, tick labels and axis labels. */
export function plotRect(outer: Rect): Rect {
  const left = 74;
  const right = 18;
  const top = 40;
  const bottom = 58;
  return { x: outer.x + left, y: outer.y + top, w: outer.w - left - right, h: outer.h - top - bottom };
}

export class Axes {
  constructor(
    readonly ctx: Ctx,
    readonly rect: Rect,
    readonly xDomain: readonly [number, number],
    readonly yDomain: readonly [number, number],
  ) {}

  px(x: number): number {
    const [a, b] = this.xDomain;
    return this.rect.x + ((x - a) / (b - a || 1)) * this.rect.w;
  }

  py(y: number): number {
    const [a, b] = this.yDomain;
    return this.rect.y + this.rect.h - ((y - a) / (b - a || 1)) * this.rect.h;
  }

  /** Grid, frame, ticks with labels, axis labels and the title (above the plot area, centred on it). */
  drawFrame(labels: AxesLabels): void {
    const { ctx, rect } = this;
    const xTicks = niceTicks(this.xDomain[0], this.xDomain[1], Math.max(2, Math.floor(rect.w / 70)));
    const yTicks = niceTicks(this.yDomain[0], this.yDomain[1], Math.max(2, Math.floor(rect.h / 40)));
    ctx.save();
    ctx.strokeStyle = '#e6e6e6';
    ctx.lineWidth = 1;
    ctx.setLineDash([]);
    for (const t of xTicks) this.segment(this.px(t), rect.y, this.px(t), rect.y + rect.h);
    for (const t of yTicks) this.segment(rect.x, this.py(t), rect.x + rect.w, this.py(t));
    ctx.strokeStyle = '#333333';
    ctx.strokeRect(Math.round(rect.x) + 0.5, Math.round(rect.y) + 0.5, Math.round(rect.w), Math.round(rect.h));
    ctx.fillStyle = '#222222';
    ctx.font = font(12);
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (const t of xTicks) {
      this.segment(this.px(t), rect.y + rect.h, this.px(t), rect.y + rect.h + 5);
      ctx.fillText(formatTick(t, xTicks), this.px(t), rect.y + rect.h + 8);
    }
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const t of yTicks) {
      this.segment(rect.x - 5, this.py(t), rect.x, this.py(t));
      ctx.fillText(formatTick(t, yTicks), rect.x - 8, this.py(t));
    }
    ctx.textAlign = 'center';
    ctx.textBaseline = 'alphabetic';
    fitText(ctx, labels.xLabel, rect.x + rect.w / 2, rect.y + rect.h + 44, rect.w, 14);
    ctx.save();
    ctx.translate(rect.x - 58, rect.y + rect.h / 2);
    ctx.rotate(-Math.PI / 2);
    fitText(ctx, labels.yLabel, 0, 0, rect.h, 14);
    ctx.restore();
    if (labels.title) fitText(ctx, labels.title, rect.x + rect.w / 2, rect.y - 14, rect.w + 60, 16, { bold: true });
    ctx.restore();
  }

  /** A polyline in data coordinates, clipped to the plot area. */
  line(xs: ArrayLike<number>, ys: ArrayLike<number>, style: { color: string; width?: number; dash?: number[] }): void {
    const { ctx } = this;
    ctx.save();
    this.clip();
    ctx.strokeStyle = style.color;
    ctx.lineWidth = style.width ?? 2;
    ctx.setLineDash(style.dash ?? []);
    ctx.lineJoin = 'round';
    ctx.beginPath();
    for (let i = 0; i < xs.length; i++) {
      if (i === 0) ctx.moveTo(this.px(xs[i]), this.py(ys[i]));
      else ctx.lineTo(this.px(xs[i]), this.py(ys[i]));
    }
    ctx.stroke();
    ctx.restore();
  }

  /** A filled, outlined circle marker in data coordinates. */
  marker(x: number, y: number, color: string, radius = 6): void {
    const { ctx } = this;
    ctx.save();
    ctx.fillStyle = color;
    ctx.strokeStyle = '#000000';
    ctx.lineWidth = 1.5;
    ctx.setLineDash([]);
    ctx.beginPath();
    ctx.arc(this.px(x), this.py(y), radius, 0, 2 * Math.PI);
    ctx.fill();
    ctx.stroke();
    ctx.restore();
  }

  clip(): void {
    const { ctx, rect } = this;
    ctx.beginPath();
    ctx.rect(rect.x, rect.y, rect.w, rect.h);
    ctx.clip();
  }

  private segment(x0: number, y0: number, x1: number, y1: number): void {
    const { ctx } = this;
    ctx.beginPath();
    ctx.moveTo(Math.round(x0) + 0.5, Math.round(y0) + 0.5);
    ctx.lineTo(Math.round(x1) + 0.5, Math.round(y1) + 0.5);
    ctx.stroke();
  }
}
