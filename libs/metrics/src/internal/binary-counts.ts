import { float32FromKey, float32KeysInto, float64FromKey, float64Keys } from './keys.js';
import { sortPairs32, sortPairs64 } from './radix-sort.js';

/** Scores accepted by the image-level metrics. */
export type Scores = Float32Array | Float64Array | readonly number[];

/**
 * Cumulative true/false positive counts at each distinct score, thresholds descending (scikit-learn's
 * `_binary_clf_curve`): predicting "anomalous" for score >= thresholds[i] gives tps[i] true and fps[i] false positives.
 */
export interface BinaryCounts {
  thresholds: Float64Array;
  tps: Float64Array;
  fps: Float64Array;
  positives: number;
  negatives: number;
}

export function checkLabels(labels: Uint8Array, n: number, scoresName: string, labelsName: string): number {
  if (!(labels instanceof Uint8Array)) throw new TypeError(`${labelsName} must be a Uint8Array of 0/1`);
  if (labels.length !== n)
    throw new RangeError(`length mismatch: ${scoresName} has ${n} values but ${labelsName} has ${labels.length}`);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const v = labels[i];
    if (v > 1) throw new RangeError(`${labelsName}[${i}] is ${v}; labels must be 0 or 1`);
    positives += v;
  }
  return positives;
}

function nonFinite(name: string, i: number, v: number): RangeError {
  return new RangeError(`${name}[${i}] is ${v}; scores must be finite numbers`);
}

export function checkScoresType(scores: Scores, scoresName: string): void {
  if (!(scores instanceof Float32Array || scores instanceof Float64Array || Array.isArray(scores)))
    throw new TypeError(`${scoresName} must be a Float32Array, Float64Array or number[]`);
}

export function binaryCounts(scores: Scores, labels: Uint8Array, scoresName = 'scores', labelsName = 'labels') {
  checkScoresType(scores, scoresName);
  const n = scores.length;
  const positives = checkLabels(labels, n, scoresName, labelsName);
  const index = new Uint32Array(n);
  for (let i = 0; i < n; i++) index[i] = i;

  // Ascending keys with the original index alongside; `value(j)` reads the score at sorted position j back.
  let order: Uint32Array;
  let keyAt: (j: number) => number;
  let sameAsNext: (j: number) => boolean;
  if (scores instanceof Float32Array) {
    const keys = new Uint32Array(n);
    const bad = float32KeysInto(scores, keys, 0);
    if (bad >= 0) throw nonFinite(scoresName, bad, scores[bad]);
    const s = sortPairs32(keys, index);
    order = s.payload;
    keyAt = (j) => float32FromKey(s.keys[j]);
    sameAsNext = (j) => s.keys[j] === s.keys[j + 1];
  } else {
    const f64 = scores instanceof Float64Array ? scores : Float64Array.from(scores);
    const k = float64Keys(f64);
    if (typeof k === 'number') throw nonFinite(scoresName, k, f64[k]);
    const s = sortPairs64(k.hi, k.lo, index);
    order = s.payload;
    keyAt = (j) => float64FromKey(s.hi[j], s.lo[j]);
    sameAsNext = (j) => s.hi[j] === s.hi[j + 1] && s.lo[j] === s.lo[j + 1];
  }

  let distinct = 0;
  for (let j = 0; j < n; j++) if (j === n - 1 || !sameAsNext(j)) distinct++;
  const thresholds = new Float64Array(distinct);
  const tps = new Float64Array(distinct);
  const fps = new Float64Array(distinct);
  let tp = 0;
  let fp = 0;
  let g = 0;
  for (let j = n - 1; j >= 0; j--) {
    if (labels[order[j]] === 1) tp++;
    else fp++;
    if (j === 0 || !sameAsNext(j - 1)) {
      thresholds[g] = keyAt(j);
      tps[g] = tp;
      fps[g] = fp;
      g++;
    }
  }
  return { thresholds, tps, fps, positives, negatives: n - positives } satisfies BinaryCounts;
}
