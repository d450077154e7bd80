// Options and argument checks shared by the chart renderers.

export interface FigureOptions {
  /** Canvas width in pixels (default per figure). */
  width?: number;
  /** Canvas height in pixels (default per figure). */
  height?: number;
  /** Figure title (default per figure). */
  title?: string;
}

export function checkCurve(fn: string, name: string, xs: ArrayLike<number>, ys: ArrayLike<number>): void {
  if (xs.length !== ys.length || xs.length < 2)
    throw new Error(`${fn}: ${name} needs two arrays of equal length ≥ 2, got ${xs.length} and ${ys.length}`);
  for (let i = 0; i < xs.length; i++)
    if (!Number.isFinite(xs[i]) || !Number.isFinite(ys[i]))
      throw new Error(`${fn}: ${name} has a non-finite point at index ${i} (${xs[i]}, ${ys[i]})`);
}

export const fmt = (v: number, digits = 3): string => (Number.isFinite(v) ? v.toFixed(digits) : String(v));
