// Float RGB rasters and the anti-aliased shapes the synthetic scenes and defects are drawn with. Coverage maps are
// Float32Array(size²) in [0, 1]; a defect's mask is where its coverage reaches 0.5.
import type { Rng } from '@ssad/augment';

export interface Raster {
  size: number;
  /** RGB, HWC, values in [0, 1]. */
  rgb: Float32Array;
}

export type Rgb = readonly [number, number, number];

export function newRaster(size: number): Raster {
  return { size, rgb: new Float32Array(size * size * 3) };
}

export function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/** Pixel bounding box of a disc of radius r around (cx, cy), clipped to the image. */
export function bounds(size: number, cx: number, cy: number, r: number): [number, number, number, number] {
  return [
    Math.max(0, Math.floor(cx - r - 1)),
    Math.max(0, Math.floor(cy - r - 1)),
    Math.min(size - 1, Math.ceil(cx + r + 1)),
    Math.min(size - 1, Math.ceil(cy + r + 1)),
  ];
}

/** A closed shape with a wobbly outline: radius r0·(1 + Σ a_k sin(kθ + φ_k)), k = 2..5. */
export interface Blob {
  cx: number;
  cy: number;
  r0: number;
  amp: Float32Array;
  phase: Float32Array;
}

export function randomBlob(rng: Rng, cx: number, cy: number, r0: number, wobble: number): Blob {
  const amp = new Float32Array(4);
  const phase = new Float32Array(4);
  for (let k = 0; k < 4; k++) {
    amp[k] = rng.uniform(0, wobble) / (k + 1);
    phase[k] = rng.uniform(0, 2 * Math.PI);
  }
  return { cx, cy, r0, amp, phase };
}

/** Coverage of a blob whose edge ramps from 1 to 0 over `edge` pixels (1 ≈ anti-aliased, larger = soft). */
export function blobCoverage(size: number, b: Blob, edge: number): Float32Array {
  const cov = new Float32Array(size * size);
  let maxR = b.r0;
  for (let k = 0; k < 4; k++) maxR += b.r0 * b.amp[k];
  const [x0, y0, x1, y1] = bounds(size, b.cx, b.cy, maxR + edge);
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dx = x + 0.5 - b.cx;
      const dy = y + 0.5 - b.cy;
      const theta = Math.atan2(dy, dx);
      let r = 1;
      for (let k = 0; k < 4; k++) r += b.amp[k] * Math.sin((k + 2) * theta + b.phase[k]);
      cov[y * size + x] = clamp01((b.r0 * r - Math.sqrt(dx * dx + dy * dy)) / edge + 0.5);
    }
  }
  return cov;
}

/** Points along a quadratic Bézier from p0 through control c to p1. */
export function bezier(p0: [number, number], c: [number, number], p1: [number, number], steps: number): Float32Array {
  const pts = new Float32Array((steps + 1) * 2);
  for (let i = 0; i <= steps; i++) {
    const t = i / steps;
    const a = (1 - t) * (1 - t);
    const m = 2 * t * (1 - t);
    const z = t * t;
    pts[i * 2] = a * p0[0] + m * c[0] + z * p1[0];
    pts[i * 2 + 1] = a * p0[1] + m * c[1] + z * p1[1];
  }
  return pts;
}

/**
 * Anti-aliased stroke coverage of a polyline: 1 within width/2 of it, falling to 0 one pixel further out. `taper`
 * thins both ends, as a scratch does.
 */
export function strokeCoverage(size: number, pts: Float32Array, width: number, taper: boolean): Float32Array {
  const cov = new Float32Array(size * size);
  const n = pts.length / 2;
  for (let i = 0; i + 1 < n; i++) {
    const ax = pts[i * 2];
    const ay = pts[i * 2 + 1];
    const bx = pts[i * 2 + 2];
    const by = pts[i * 2 + 3];
    const t = (i + 0.5) / (n - 1);
    const half = (taper ? width * Math.min(1, 4 * t * (1 - t) + 0.35) : width) / 2;
    const [x0, y0] = bounds(size, Math.min(ax, bx), Math.min(ay, by), half + 1);
    const [, , x1, y1] = bounds(size, Math.max(ax, bx), Math.max(ay, by), half + 1);
    const ex = bx - ax;
    const ey = by - ay;
    const len2 = ex * ex + ey * ey || 1;
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        const px = x + 0.5 - ax;
        const py = y + 0.5 - ay;
        const u = Math.min(1, Math.max(0, (px * ex + py * ey) / len2));
        const qx = px - u * ex;
        const qy = py - u * ey;
        const d = Math.sqrt(qx * qx + qy * qy);
        const c = clamp01(half + 0.5 - d);
        const at = y * size + x;
        if (c > cov[at]) cov[at] = c;
      }
    }
  }
  return cov;
}

/** out = mix(out, out·tint, cov·strength): a translucent, multiplicative layer (texture shows through). */
export function multiplyLayer(r: Raster, cov: Float32Array, tint: Rgb, strength: number): void {
  const { rgb } = r;
  for (let p = 0; p < cov.length; p++) {
    const a = cov[p] * strength;
    if (a === 0) continue;
    for (let k = 0; k < 3; k++) rgb[p * 3 + k] *= 1 - a + a * tint[k];
  }
}

/** out = mix(out, src, cov): src is a colour or another raster (what lies under a hole or missing piece). */
export function replaceLayer(r: Raster, cov: Float32Array, src: Rgb | Raster): void {
  const { rgb } = r;
  const under = 'rgb' in src ? src.rgb : undefined;
  const colour = 'rgb' in src ? undefined : src;
  for (let p = 0; p < cov.length; p++) {
    const a = cov[p];
    if (a === 0) continue;
    for (let k = 0; k < 3; k++) {
      const s = under ? under[p * 3 + k] : (colour as Rgb)[k];
      rgb[p * 3 + k] += a * (s - rgb[p * 3 + k]);
    }
  }
}

export function maskOf(cov: Float32Array): Uint8Array {
  const m = new Uint8Array(cov.length);
  for (let p = 0; p < cov.length; p++) m[p] = cov[p] >= 0.5 ? 1 : 0;
  return m;
}
