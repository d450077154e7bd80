// Anomaly maps stay raw until this explicit step: normalising each image by its own min/max would stretch the
// noise of a clean image to full scale (it would look anomalous) and would corrupt AU-PRO, so the range is
// measured once over a whole set of maps (one dataset / split) and applied to all of them.

/** Value range of a set of anomaly maps. */
export interface MapRange {
  min: number;
  max: number;
}

/** min and max over every pixel of every map (one range for the whole dataset). */
export function mapRange(maps: readonly Float32Array[]): MapRange {
  if (maps.length === 0) throw new Error('mapRange: maps is empty (need at least one map)');
  let min = Infinity;
  let max = -Infinity;
  maps.forEach((map, m) => {
    for (let i = 0; i < map.length; i++) {
      const v = map[i];
      if (!Number.isFinite(v)) throw new Error(`mapRange: maps[${m}][${i}] is ${v} (maps must be finite)`);
      if (v < min) min = v;
      if (v > max) max = v;
    }
  });
  if (min === Infinity) throw new Error('mapRange: every map is empty');
  return { min, max };
}

/** (v − min) / (max − min), clipped to [0, 1]; a degenerate range (max ≤ min) gives all zeros. */
export function normalizeMap(map: Float32Array, range: MapRange): Float32Array {
  checkRange(range, 'normalizeMap');
  const out = new Float32Array(map.length);
  const span = range.max - range.min;
  if (!(span > 0)) return out;
  for (let i = 0; i < map.length; i++) {
    const v = (map[i] - range.min) / span;
    out[i] = v <= 0 ? 0 : v >= 1 ? 1 : v;
  }
  return out;
}

/** normalizeMap over a set of maps with one shared range (default: the set's own mapRange). */
export function normalizeMaps(maps: readonly Float32Array[], range: MapRange = mapRange(maps)): Float32Array[] {
  checkRange(range, 'normalizeMaps');
  return maps.map((m) => normalizeMap(m, range));
}

/** Binary mask (0/1 per pixel): 1 where map ≥ threshold. */
export function heatmapToMask(map: Float32Array, threshold: number): Uint8Array {
  if (!Number.isFinite(threshold)) throw new Error(`heatmapToMask: threshold must be a finite number, got ${threshold}`);
  const out = new Uint8Array(map.length);
  for (let i = 0; i < map.length; i++) out[i] = map[i] >= threshold ? 1 : 0;
  return out;
}

function checkRange(range: MapRange, fn: string): void {
  if (!range || !Number.isFinite(range.min) || !Number.isFinite(range.max))
    throw new Error(`${fn}: range must be { min, max } with finite numbers, got ${JSON.stringify(range)}`);
}
