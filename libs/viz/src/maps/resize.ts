// Bilinear resampling of a single-channel map with half-pixel centres, the same convention as
// tf.image.resizeBilinear(..., halfPixelCenters = true) and PIL, so a map resized here lines up with an image
// resized by the data loader.

/** Resample a width×height row-major map to outWidth×outHeight. */
export function resizeMap(
  map: Float32Array,
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
): Float32Array {
  for (const [name, v] of [['width', width], ['height', height], ['outWidth', outWidth], ['outHeight', outHeight]] as const)
    if (!Number.isInteger(v) || v < 1) throw new Error(`resizeMap: ${name} must be an integer ≥ 1, got ${v}`);
  if (map.length !== width * height)
    throw new Error(`resizeMap: map has ${map.length} values, expected width·height = ${width * height}`);
  if (width === outWidth && height === outHeight) return Float32Array.from(map);
  const out = new Float32Array(outWidth * outHeight);
  const sx = width / outWidth;
  const sy = height / outHeight;
  for (let y = 0; y < outHeight; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, height - 1);
    const wy = fy - y0;
    for (let x = 0; x < outWidth; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, width - 1);
      const wx = fx - x0;
      const top = map[y0 * width + x0] * (1 - wx) + map[y0 * width + x1] * wx;
      const bottom = map[y1 * width + x0] * (1 - wx) + map[y1 * width + x1] * wx;
      out[y * outWidth + x] = top * (1 - wy) + bottom * wy;
    }
  }
  return out;
}
