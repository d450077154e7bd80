import { mapEntries, type AnomalyMaps } from './images.js';

export interface ImageScoreOptions {
  /** 'max' (default, as the MVTec AD fixtures and most papers) or 'topk-mean': the mean of the k largest pixels. */
  reduce?: 'max' | 'topk-mean';
  /** Pixels averaged by 'topk-mean', an integer >= 1 and at most the image's pixel count. Default 100. */
  k?: number;
}

/** Partially orders `a` so that its k largest values occupy a[n-k..n) (Hoare-style quickselect, median of three). */
function selectTop(a: Float32Array, k: number): void {
  let lo = 0;
  let hi = a.length - 1;
  const target = a.length - k;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = a[lo];
    const y = a[mid];
    const z = a[hi];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return;
  }
}

/** One score per image from its anomaly map. Scores must be finite. */
export function imageScores(maps: AnomalyMaps, options: ImageScoreOptions = {}): Float64Array {
  const reduce = options.reduce ?? 'max';
  if (reduce !== 'max' && reduce !== 'topk-mean')
    throw new RangeError(`options.reduce must be 'max' or 'topk-mean', got ${String(reduce)}`);
  const k = options.k ?? 100;
  if (reduce === 'topk-mean' && !(Number.isInteger(k) && k >= 1))
    throw new RangeError(`options.k must be an integer >= 1, got ${String(k)}`);
  const images = mapEntries(maps);
  const out = new Float64Array(images.length);
  images.forEach((img, i) => {
    const map = img.data;
    if (map.length === 0) throw new RangeError(`maps[${i}] is empty`);
    for (let p = 0; p < map.length; p++)
      if (!Number.isFinite(map[p])) throw new RangeError(`${img.name(p)} is ${map[p]}; scores must be finite numbers`);
    if (reduce === 'max') {
      let m = map[0];
      for (let p = 1; p < map.length; p++) if (map[p] > m) m = map[p];
      out[i] = m;
      return;
    }
    if (k > map.length) throw new RangeError(`options.k is ${k} but maps[${i}] has only ${map.length} pixels`);
    const copy = Float32Array.from(map);
    selectTop(copy, k);
    let sum = 0;
    for (let p = copy.length - k; p < copy.length; p++) sum += copy[p];
    out[i] = sum / k;
  });
  return out;
}
