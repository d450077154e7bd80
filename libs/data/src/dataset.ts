import { DecodePool } from './decode-pool.js';
import { DataFileError } from './errors.js';
import { LruCache } from './lru.js';
import type { ResolvedOptions } from './options.js';
import { loadSample } from './sample.js';
import type { IssueLog } from './scan.js';
import { splitValidation } from './split.js';
import type { Dataset, DatasetItem, LoadAllOptions, Sample } from './types.js';
import { verifyItems } from './verify.js';

export interface DatasetParts {
  name: string;
  /** Normal training images before the validation split. */
  train: DatasetItem[];
  /** The folder they come from, named when none of them is usable. */
  trainDir: string;
  test: DatasetItem[];
  hasMasks: boolean;
}

// The cache holds its own copies, so a caller that edits pixels in place cannot corrupt later loads.
function copySample(s: Sample, item: DatasetItem): Sample {
  return { item, image: { ...s.image, data: s.image.data.slice() }, mask: s.mask.slice(), content: { ...s.content } };
}

/** Validation split, optional verification, and the cached, worker-backed loader shared by every dataset kind. */
export async function buildDataset(parts: DatasetParts, opts: ResolvedOptions, issues: IssueLog): Promise<Dataset> {
  let { train, test } = parts;
  if (opts.verify) {
    train = await verifyItems(train, issues, opts.maxPixels);
    test = await verifyItems(test, issues, opts.maxPixels);
  }
  if (train.length === 0) throw new DataFileError(parts.trainDir, `no valid normal training images left (${issues.warnings.length} files skipped, see the warnings)`);
  const split = splitValidation(train, opts.validationFraction, opts.seed);
  const { width, height } = opts;
  const pool = new DecodePool(opts.decodeThreads);
  const cache = new LruCache<string, Sample>(opts.cacheSize);
  const inflight = new Map<string, Promise<Sample>>();
  const warnings = issues.warnings;

  const load = (item: DatasetItem): Promise<Sample> => {
    const hit = cache.get(item.path);
    if (hit) return Promise.resolve(copySample(hit, item));
    const pending = inflight.get(item.path);
    if (pending) return pending.then((s) => copySample(s, item));
    const p = loadSample(item, width, height, pool, opts.fit, opts.maxPixels)
      .then((s) => {
        cache.set(item.path, copySample(s, item));
        return s;
      })
      .finally(() => inflight.delete(item.path));
    inflight.set(item.path, p);
    return p;
  };

  const loadAll = async (items: readonly DatasetItem[], options: LoadAllOptions = {}): Promise<Sample[]> => {
    const concurrency = options.concurrency ?? 4;
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
      throw new RangeError(`loadAll: concurrency must be an integer in [1, 256] (got ${concurrency})`);
    }
    const out: (Sample | undefined)[] = new Array(items.length);
    const failed: (DataFileError | undefined)[] = new Array(items.length);
    let next = 0;
    let done = 0;
    const worker = async (): Promise<void> => {
      while (next < items.length) {
        const i = next++;
        try {
          out[i] = await load(items[i]);
        } catch (err) {
          if (!(err instanceof DataFileError) || !issues.skipInvalid) throw err;
          failed[i] = err;
        }
        options.onProgress?.(++done, items.length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, items.length)) }, worker));
    // Warnings in item order, whatever order the files finished in.
    for (const err of failed) if (err) issues.report(err);
    return out.filter((s): s is Sample => s !== undefined);
  };

  const defects = [...new Set(test.filter((t) => t.label === 1).map((t) => t.defect))].sort();
  return {
    name: parts.name,
    width,
    height,
    train: split.train,
    validation: split.validation,
    test,
    defects,
    hasMasks: parts.hasMasks,
    warnings,
    load,
    loadAll,
    close: () => pool.close(),
  };
}
