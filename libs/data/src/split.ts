import { Rng } from '@ssad/augment';
import type { DatasetItem } from './types.js';

/**
 * Holds out round(fraction × n) normal training images (seeded), always leaving at least one for training.
 * Both parts keep the input order.
 */
export function splitValidation(
  train: readonly DatasetItem[],
  fraction: number,
  seed: number,
): { train: DatasetItem[]; validation: DatasetItem[] } {
  const count = Math.min(Math.round(train.length * fraction), Math.max(0, train.length - 1));
  const order = new Int32Array(train.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  new Rng(seed).shuffle(order);
  const held = new Uint8Array(train.length);
  for (let i = 0; i < count; i++) held[order[i]] = 1;
  return { train: train.filter((_, i) => !held[i]), validation: train.filter((_, i) => held[i] === 1) };
}
