import { auroc, f1AtThreshold, f1Max, precisionRecallCurve, rocCurve } from './index.js';

function lcg(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

/** Mann-Whitney: fraction of (positive, negative) pairs ordered right, ties counting one half. */
function pairAuroc(scores: ArrayLike<number>, labels: Uint8Array): number {
  let wins = 0;
  let pairs = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < labels.length; j++) {
      if (labels[j] !== 0) continue;
      pairs++;
      if (scores[i] > scores[j]) wins += 1;
      else if (scores[i] === scores[j]) wins += 0.5;
    }
  }
  return wins / pairs;
}

function randomCase(seed: number, n: number, levels: number) {
  const rand = lcg(seed);
  const labels = Uint8Array.from({ length: n }, () => (rand() < 0.4 ? 1 : 0));
  labels[0] = 1;
  labels[1] = 0;
  const scores = Float64Array.from(labels, (l) => Math.floor((rand() + 0.3 * l) * levels) / levels - 0.5);
  return { scores, labels };
}

describe('auroc / rocCurve', () => {
  it('is 1, 0 and 0.5 on perfect, reversed and fully tied scores', () => {
    const labels = Uint8Array.from([0, 0, 1, 1]);
    expect(auroc(Float64Array.from([0.1, 0.2, 0.8, 0.9]), labels)).toBe(1);
    expect(auroc(Float64Array.from([0.9, 0.8, 0.2, 0.1]), labels)).toBe(0);
    expect(auroc(Float64Array.from([3, 3, 3, 3]), labels)).toBe(0.5);
  });

  it.each([
    [1, 50, 5],
    [2, 300, 20],
    [3, 1000, 1000],
  ])('equals the pair count with ties (seed %i, n %i, %i score levels) for all score types', (seed, n, levels) => {
    const { scores, labels } = randomCase(seed, n, levels);
    const expected = pairAuroc(scores, labels);
    expect(auroc(scores, labels)).toBeCloseTo(expected, 12);
    expect(auroc(Array.from(scores), labels)).toBeCloseTo(expected, 12);
    const f32 = Float32Array.from(scores);
    expect(auroc(f32, labels)).toBeCloseTo(pairAuroc(f32, labels), 12);
  });

  it('has one point per distinct score, from (0, 0) at +Infinity to (1, 1)', () => {
    const c = rocCurve(Float64Array.from([0.1, 0.4, 0.35, 0.8, 0.4]), Uint8Array.from([0, 0, 1, 1, 1]));
    expect(Array.from(c.thresholds)).toEqual([Infinity, 0.8, 0.4, 0.35, 0.1]);
    expect(Array.from(c.tpr)).toEqual([0, 1 / 3, 2 / 3, 1, 1]);
    expect(Array.from(c.fpr)).toEqual([0, 0, 0.5, 0.5, 1]);
  });

  it('rejects bad input naming the argument and index', () => {
    const labels = Uint8Array.from([0, 1, 1]);
    expect(() => auroc(Float64Array.from([0, 1]), labels)).toThrow(/length mismatch: scores has 2 values but labels has 3/);
    expect(() => auroc(Float64Array.from([0, NaN, 1]), labels)).toThrow(/scores\[1\] is NaN/);
    expect(() => auroc(Float32Array.from([0, 1, -Infinity]), labels)).toThrow(/scores\[2\] is -Infinity/);
    expect(() => auroc(Float64Array.from([0, 1, 2]), Uint8Array.from([0, 2, 1]))).toThrow(/labels\[1\] is 2; labels must be 0 or 1/);
    expect(() => auroc(Float64Array.from([0, 1]), Uint8Array.from([1, 1]))).toThrow(/no negative \(0\) example/);
    expect(() => rocCurve(Float64Array.from([0, 1]), Uint8Array.from([0, 0]))).toThrow(/no positive \(1\) example/);
    expect(() => auroc(Int32Array.from([0, 1]) as unknown as Float64Array, Uint8Array.from([0, 1]))).toThrow(/scores must be a Float32Array/);
  });
});

/** Precision and recall at every distinct threshold, counted directly. */
function bruteCurve(scores: Float64Array, labels: Uint8Array) {
  const ts = Array.from(new Set(scores)).sort((a, b) => a - b);
  const positives = labels.reduce((s, l) => s + l, 0);
  return ts.map((t) => {
    let tp = 0;
    let fp = 0;
    scores.forEach((s, i) => {
      if (s >= t) labels[i] ? tp++ : fp++;
    });
    const p = tp / (tp + fp);
    const r = tp / positives;
    return { t, p, r, f1: p + r === 0 ? 0 : (2 * p * r) / (p + r) };
  });
}

describe('precisionRecallCurve / f1Max / f1AtThreshold', () => {
  it.each([
    [4, 60, 6],
    [5, 400, 50],
  ])('match direct counting at every distinct threshold (seed %i)', (seed, n, levels) => {
    const { scores, labels } = randomCase(seed, n, levels);
    const brute = bruteCurve(scores, labels);
    const c = precisionRecallCurve(scores, labels);
    expect(Array.from(c.thresholds)).toEqual(brute.map((b) => b.t));
    expect(Array.from(c.precision)).toEqual([...brute.map((b) => b.p), 1]);
    expect(Array.from(c.recall)).toEqual([...brute.map((b) => b.r), 0]);
    const best = brute.reduce((a, b) => (b.f1 > a.f1 ? b : a));
    expect(f1Max(scores, labels)).toEqual({ f1: best.f1, threshold: best.t, precision: best.p, recall: best.r });
    for (const b of brute.slice(0, 5)) expect(f1AtThreshold(scores, labels, b.t).f1).toBe(b.f1);
  });

  it('breaks F1 ties towards the lowest threshold, like argmax over the ascending curve', () => {
    // t = 1: P = 1, R = 1/2 → F1 = 2/3; t = 0: P = 1/2, R = 1 → F1 = 2/3.
    const r = f1Max(Float64Array.from([0, 0, 1, 0]), Uint8Array.from([0, 1, 1, 0]));
    expect(r.threshold).toBe(0);
    expect(r.f1).toBeCloseTo(2 / 3, 15);
  });

  it('f1AtThreshold flags score >= threshold and gives precision 0 when nothing is flagged', () => {
    const scores = Float32Array.from([0.2, 0.5, 0.5, 0.9]);
    const labels = Uint8Array.from([0, 1, 0, 1]);
    expect(f1AtThreshold(scores, labels, 0.5)).toEqual({ f1: (2 * (2 / 3)) / (2 / 3 + 1), threshold: 0.5, precision: 2 / 3, recall: 1 });
    expect(f1AtThreshold(scores, labels, 2)).toEqual({ f1: 0, threshold: 2, precision: 0, recall: 0 });
    expect(() => f1AtThreshold(scores, labels, NaN)).toThrow(/threshold must be a number/);
    expect(() => f1Max(scores, new Uint8Array(4))).toThrow(/labels has no positive \(1\) example; precisionRecallCurve/);
  });
});
