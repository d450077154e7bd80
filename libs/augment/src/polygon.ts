// Random convex polygons inside a box and their rasterisation to a coverage map.
import type { Rng } from './rng.js';
// Module-level aliases: global lookups inside hot loops are slow in sandboxed contexts (jest's vm).
const { ceil, floor, max, min } = Math;

/**
 * k points uniform in [0, width] × [0, height], their convex hull (counter-clockwise in y-up terms), rescaled so
 * the hull's bounding box is the whole box: every side of the box is touched by a vertex. Returns the vertices
 * as x0, y0, x1, y1, … in box coordinates. A degenerate hull (all points collinear) falls back to the box.
 */
export function randomConvexPolygon(rng: Rng, width: number, height: number, k: number): Float64Array {
  const pts = new Float64Array(2 * k);
  for (let i = 0; i < k; i++) {
    pts[2 * i] = rng.uniform(0, width);
    pts[2 * i + 1] = rng.uniform(0, height);
  }
  const hull = convexHull(pts);
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < hull.length; i += 2) {
    minX = min(minX, hull[i]!);
    maxX = max(maxX, hull[i]!);
    minY = min(minY, hull[i + 1]!);
    maxY = max(maxY, hull[i + 1]!);
  }
  if (hull.length < 6 || maxX === minX || maxY === minY) return Float64Array.of(0, 0, width, 0, width, height, 0, height);
  // Divide before scaling so the extreme vertices land exactly on 0 and width / height.
  for (let i = 0; i < hull.length; i += 2) {
    hull[i] = ((hull[i]! - minX) / (maxX - minX)) * width;
    hull[i + 1] = ((hull[i + 1]! - minY) / (maxY - minY)) * height;
  }
  return hull;
}

/** Andrew's monotone chain; collinear points dropped. Input and output as x0, y0, x1, y1, …. */
export function convexHull(points: Float64Array): Float64Array {
  const n = points.length / 2;
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => points[2 * a]! - points[2 * b]! || points[2 * a + 1]! - points[2 * b + 1]!);
  if (n < 3) return Float64Array.from(idx.flatMap((i) => [points[2 * i]!, points[2 * i + 1]!]));
  const cross = (o: number, a: number, b: number): number =>
    (points[2 * a]! - points[2 * o]!) * (points[2 * b + 1]! - points[2 * o + 1]!) -
    (points[2 * a + 1]! - points[2 * o + 1]!) * (points[2 * b]! - points[2 * o]!);
  const chain: number[] = [];
  for (const pass of [idx, idx.slice().reverse()]) {
    const start = chain.length;
    for (const p of pass) {
      while (chain.length >= start + 2 && cross(chain[chain.length - 2]!, chain[chain.length - 1]!, p) <= 0) chain.pop();
      chain.push(p);
    }
    chain.pop();
  }
  return Float64Array.from(chain.flatMap((i) => [points[2 * i]!, points[2 * i + 1]!]));
}

/**
 * Hard-edged rasterisation of a convex polygon (box coordinates) as one span per row: pixels
 * `spans[2r] <= x < spans[2r + 1]` of row r have their centre inside (half-open at the right and bottom edges).
 * A polygon that reaches no pixel centre (possible only in boxes a few pixels wide) gets the pixel under its vertex
 * centroid, so a paste never comes out empty. Returns the number of pixels covered.
 */
export function polygonSpans(vertices: Float64Array, width: number, height: number, spans: Int32Array): number {
  const n = vertices.length / 2;
  let covered = 0;
  for (let py = 0; py < height; py++) {
    const y = py + 0.5;
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const yi = vertices[2 * i + 1]!;
      const yj = vertices[2 * j + 1]!;
      if (yi <= y !== yj <= y) {
        const xi = vertices[2 * i]!;
        const x = xi + ((y - yi) * (vertices[2 * j]! - xi)) / (yj - yi);
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
    }
    const a = lo === Infinity ? 0 : max(0, ceil(lo - 0.5));
    const b = lo === Infinity ? 0 : max(a, min(width, ceil(hi - 0.5)));
    spans[2 * py] = a;
    spans[2 * py + 1] = b;
    covered += b - a;
  }
  if (covered === 0 && n > 0 && width > 0 && height > 0) {
    let cx = 0;
    let cy = 0;
    for (let i = 0; i < n; i++) {
      cx += vertices[2 * i]!;
      cy += vertices[2 * i + 1]!;
    }
    const px = min(width - 1, floor(cx / n));
    const py = min(height - 1, floor(cy / n));
    spans[2 * py] = px;
    spans[2 * py + 1] = px + 1;
    covered = 1;
  }
  return covered;
}

/**
 * Rasterises a convex polygon (box coordinates) into `out` (width × height, row-major): 1 where the pixel centre
 * is inside (as polygonSpans), or with `antialias` the covered fraction of each pixel (4 sub-scanlines per row,
 * exact horizontal overlap). Returns the number of pixels with coverage > 0.
 */
export function rasterizePolygon(
  vertices: Float64Array,
  width: number,
  height: number,
  antialias: boolean,
  out: Float32Array,
): number {
  out.fill(0, 0, width * height);
  if (!antialias) {
    const spans = new Int32Array(2 * height);
    const covered = polygonSpans(vertices, width, height, spans);
    for (let r = 0; r < height; r++) out.fill(1, r * width + spans[2 * r]!, r * width + spans[2 * r + 1]!);
    return covered;
  }
  const n = vertices.length / 2;
  const xs = new Float64Array(n);
  const sub = 4;
  for (let py = 0; py < height; py++) {
    const row = py * width;
    for (let s = 0; s < sub; s++) {
      const y = py + (s + 0.5) / sub;
      let m = 0;
      for (let i = 0, j = n - 1; i < n; j = i++) {
        const yi = vertices[2 * i + 1]!;
        const yj = vertices[2 * j + 1]!;
        if (yi <= y !== yj <= y) {
          const xi = vertices[2 * i]!;
          xs[m++] = xi + ((y - yi) * (vertices[2 * j]! - xi)) / (yj - yi);
        }
      }
      sortPrefix(xs, m);
      for (let k = 0; k + 1 < m; k += 2) addCoverage(out, row, max(0, xs[k]!), min(width, xs[k + 1]!), 1 / sub);
    }
  }
  let covered = 0;
  for (let i = 0; i < width * height; i++) if (out[i]! > 0) covered++;
  if (covered === 0) {
    // Same fallback as the hard edge: the centroid pixel.
    const spans = new Int32Array(2 * height);
    polygonSpans(vertices, width, height, spans);
    for (let r = 0; r < height; r++) out.fill(1, r * width + spans[2 * r]!, r * width + spans[2 * r + 1]!);
    covered = 1;
  }
  return covered;
}

function addCoverage(out: Float32Array, row: number, a: number, b: number, weight: number): void {
  if (b <= a) return;
  const first = floor(a);
  const last = min(ceil(b) - 1, floor(b));
  for (let px = first; px <= last; px++) {
    const overlap = min(b, px + 1) - max(a, px);
    if (overlap > 0) out[row + px] = min(1, out[row + px]! + overlap * weight);
  }
}

function sortPrefix(a: Float64Array, m: number): void {
  for (let i = 1; i < m; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}
