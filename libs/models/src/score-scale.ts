// A 0–1 reading of an image score for people: 0.5 exactly at the decision threshold, and the logistic of the
// distance from it in units of the validation normal images' spread, so normalized ≥ 0.5 ⇔ anomalous and a
// normal image one standard deviation below the threshold reads 0.27. It is not a probability.

/** 1 / (1 + exp(−(score − threshold) / scale)); `scale` is the validation-normal standard deviation of the score. */
export function normalizeScore(score: number, threshold: number, scale: number): number {
  if (!(scale > 0) || !Number.isFinite(scale)) throw new Error(`normalizeScore: scale must be a positive number (got ${scale})`);
  return 1 / (1 + Math.exp(-(score - threshold) / scale));
}
