// Map post-processing on typed arrays: bilinear upsampling (torch's align_corners=False) and a Gaussian blur that
// matches scipy.ndimage.gaussian_filter (mode 'reflect', truncate 4), the reference PatchCore pipeline's.

/** Bilinear resize of a single-channel map, half-pixel centres (torch align_corners=False, no antialiasing). */
export function resizeMapBilinear(src: Float32Array, w0: number, h0: number, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  const xs = axis(w0, w);
  const ys = axis(h0, h);
  for (let y = 0; y < h; y++) {
    const r0 = ys.lo[y] * w0;
    const r1 = ys.hi[y] * w0;
    const fy = ys.frac[y];
    for (let x = 0; x < w; x++) {
      const a = xs.lo[x];
      const b = xs.hi[x];
      const fx = xs.frac[x];
      const top = src[r0 + a] + (src[r0 + b] - src[r0 + a]) * fx;
      const bottom = src[r1 + a] + (src[r1 + b] - src[r1 + a]) * fx;
      out[y * w + x] = top + (bottom - top) * fy;
    }
  }
  return out;
}

function axis(inSize: number, outSize: number): { lo: Int32Array; hi: Int32Array; frac: Float32Array } {
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const frac = new Float32Array(outSize);
  const scale = inSize / outSize;
  for (let i = 0; i < outSize; i++) {
    const c = Math.max((i + 0.5) * scale - 0.5, 0);
    const l = Math.min(Math.floor(c), inSize - 1);
    lo[i] = l;
    hi[i] = Math.min(l + 1, inSize - 1);
    frac[i] = c - l;
  }
  return { lo, hi, frac };
}

/** scipy's 1-D Gaussian weights: radius = round(truncate·σ), normalised to sum 1. */
export function gaussianKernel(sigma: number, truncate = 4): Float64Array {
  const radius = Math.floor(truncate * sigma + 0.5);
  const k = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp((-0.5 * i * i) / (sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/** scipy 'reflect' (half-sample symmetric: d c b a | a b c d | d c b a) index into [0, n). */
function reflect(i: number, n: number): number {
  const period = 2 * n;
  let j = ((i % period) + period) % period;
  if (j >= n) j = period - 1 - j;
  return j;
}

/** Separable Gaussian blur of a w × h map, as scipy.ndimage.gaussian_filter(map, sigma, mode='reflect'). */
export function gaussianBlur(src: Float32Array, w: number, h: number, sigma: number): Float32Array {
  if (!(sigma > 0)) return Float32Array.from(src);
  const k = gaussianKernel(sigma);
  const r = (k.length - 1) / 2;
  const tmp = new Float64Array(w * h);
  const xi = Int32Array.from({ length: w + 2 * r }, (_, i) => reflect(i - r, w));
  const yi = Int32Array.from({ length: h + 2 * r }, (_, i) => reflect(i - r, h));
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let t = 0; t < k.length; t++) s += k[t] * src[row + xi[x + t]];
      tmp[row + x] = s;
    }
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let t = 0; t < k.length; t++) s += k[t] * tmp[yi[y + t] * w + x];
      out[y * w + x] = s;
    }
  }
  return out;
}
