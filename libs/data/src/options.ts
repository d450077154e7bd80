import os from 'node:os';
import { DEFAULT_MAX_PIXELS } from './decode.js';
import { FIT_MODES, type FitMode } from './fit.js';
import type { DatasetOptions } from './types.js';

export interface ResolvedOptions {
  width: number;
  height: number;
  fit: FitMode;
  skipInvalid: boolean;
  validationFraction: number;
  seed: number;
  verify: boolean;
  cacheSize: number;
  decodeThreads: number;
  maxPixels: number;
}

function intIn(fn: string, name: string, v: number, lo: number, hi: number): number {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`${fn}: ${name} must be an integer in [${lo}, ${hi}] (got ${v})`);
  return v;
}

export function resolveOptions(fn: string, o: DatasetOptions): ResolvedOptions {
  const size = o.imageSize ?? 256;
  const width = intIn(fn, 'imageSize width', typeof size === 'number' ? size : size?.width, 1, 8192);
  const height = intIn(fn, 'imageSize height', typeof size === 'number' ? size : size?.height, 1, 8192);
  const validationFraction = o.validationFraction ?? 0.1;
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new RangeError(`${fn}: validationFraction must be in [0, 1) (got ${validationFraction})`);
  }
  const fit = o.fit ?? 'squash';
  if (!FIT_MODES.includes(fit)) throw new RangeError(`${fn}: fit must be one of ${FIT_MODES.join(', ')} (got ${String(fit)})`);
  const seed = o.seed ?? 0;
  if (!Number.isFinite(seed)) throw new RangeError(`${fn}: seed must be a finite number (got ${seed})`);
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return {
    width,
    height,
    fit,
    skipInvalid: o.skipInvalid ?? false,
    validationFraction,
    seed,
    verify: o.verify ?? false,
    cacheSize: intIn(fn, 'cacheSize', o.cacheSize ?? 64, 0, 1_000_000),
    decodeThreads: intIn(fn, 'decodeThreads', o.decodeThreads ?? (cores >= 2 ? 2 : 0), 0, 64),
    maxPixels: intIn(fn, 'maxPixels', o.maxPixels ?? DEFAULT_MAX_PIXELS, 1, Number.MAX_SAFE_INTEGER),
  };
}
