// Where the images come from: an MVTec-layout root, or the synthetic dataset from @ssad/data when none is given.
import { listMvtecCategories, openMvtec, type Dataset, type Sample } from '@ssad/data';
import type { PixelImage } from '@ssad/augment';
import type { OnEvent } from './events.js';
import type { ExperimentOptions } from './options.js';

export interface LoadedCategory {
  name: string;
  train: PixelImage[];
  validation: PixelImage[];
  test: Sample[];
  warnings: string[];
}

export function listCategories(root: string): string[] {
  return listMvtecCategories(root);
}

export async function loadCategory(o: ExperimentOptions & { dataRoot: string }, onEvent?: OnEvent): Promise<LoadedCategory> {
  const ds: Dataset = await openMvtec(o.dataRoot, o.category, {
    imageSize: o.imageSize,
    fit: o.fit,
    validationFraction: o.validationFraction,
    seed: o.seed,
  });
  try {
    const count = (phase: string) => (done: number, total: number) => onEvent?.({ kind: 'count', phase, done, total });
    const train = await ds.loadAll(ds.train, { onProgress: count('load train') });
    const validation = await ds.loadAll(ds.validation, { onProgress: count('load val') });
    const test = await ds.loadAll(ds.test, { onProgress: count('load test') });
    if (validation.length === 0) throw new Error(`${ds.name}: the validation split is empty (too few train/good images for validationFraction ${o.validationFraction})`);
    if (!test.some((s) => s.item.label === 1) || !test.some((s) => s.item.label === 0))
      throw new Error(`${ds.name}: the test split needs both good and defective images`);
    return {
      name: ds.name,
      train: train.map((s) => s.image),
      validation: validation.map((s) => s.image),
      test,
      warnings: ds.warnings.map((w) => `${w.path}: ${w.problem}`),
    };
  } finally {
    await ds.close();
  }
}
