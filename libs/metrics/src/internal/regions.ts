// 8-connected component labelling, as scipy.ndimage.label(mask, structure=np.ones((3, 3))): two raster passes
// with union-find over provisional labels.

/** Growable Uint32Array of region sizes, indexed by global region id (id 0 unused: it marks normal pixels). */
export class RegionSizes {
  private buf = new Uint32Array(64);
  count = 0;

  push(size: number): number {
    if (this.count + 1 >= this.buf.length) {
      const next = new Uint32Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[++this.count] = size;
    return this.count;
  }

  get(id: number): number {
    return this.buf[id];
  }
}

function find(parent: Int32Array, x: number): number {
  while (parent[x] !== x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

function union(parent: Int32Array, a: number, b: number): number {
  const ra = find(parent, a);
  const rb = find(parent, b);
  if (ra === rb) return ra;
  if (ra < rb) {
    parent[rb] = ra;
    return ra;
  }
  parent[ra] = rb;
  return rb;
}

/**
 * Labels the nonzero pixels of `mask` (height × width) into `out` with global ids continuing `sizes`; normal
 * pixels get 0. `foreground` is the number of nonzero pixels (it bounds the provisional labels).
 */
export function labelRegions8(
  mask: Uint8Array,
  width: number,
  height: number,
  foreground: number,
  out: Uint32Array,
  sizes: RegionSizes,
): void {
  if (foreground === 0) {
    out.fill(0);
    return;
  }
  const parent = new Int32Array(foreground + 1);
  let next = 1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      if (mask[i] === 0) {
        out[i] = 0;
        continue;
      }
      // Already-visited neighbours: west, north-west, north, north-east.
      let l = 0;
      if (x > 0 && out[i - 1] !== 0) l = out[i - 1];
      if (y > 0) {
        const up = i - width;
        if (x > 0 && out[up - 1] !== 0) l = l === 0 ? out[up - 1] : union(parent, l, out[up - 1]);
        if (out[up] !== 0) l = l === 0 ? out[up] : union(parent, l, out[up]);
        if (x + 1 < width && out[up + 1] !== 0) l = l === 0 ? out[up + 1] : union(parent, l, out[up + 1]);
      }
      if (l === 0) {
        l = next++;
        parent[l] = l;
      }
      out[i] = l;
    }
  }
  // Resolve provisional labels to roots, give each root a global id, then count region sizes.
  const globalId = new Uint32Array(next);
  const counts = new Uint32Array(next);
  const n = width * height;
  for (let i = 0; i < n; i++) {
    const l = out[i];
    if (l === 0) continue;
    const r = find(parent, l);
    out[i] = r;
    counts[r]++;
  }
  for (let r = 1; r < next; r++) if (parent[r] === r) globalId[r] = sizes.push(counts[r]);
  for (let i = 0; i < n; i++) if (out[i] !== 0) out[i] = globalId[out[i]];
}
