import type { PixelImage } from '@ssad/augment';
import type { ContentBox, FitMode } from './fit.js';

export type Split = 'train' | 'test';

/** One image of a dataset; `maskPath` is set for anomalous images whose dataset has masks. */
export interface DatasetItem {
  path: string;
  split: Split;
  /** 'good' for normal images, otherwise the defect type (the test sub-folder name). */
  defect: string;
  label: 0 | 1;
  maskPath?: string;
}

/** A loaded item at the dataset's size: 3-channel image and a 0/1 mask of width*height (all zero when normal). */
export interface Sample {
  item: DatasetItem;
  image: PixelImage;
  mask: Uint8Array;
  /** Where the image lies in `image` and `mask` (all of it unless `fit` is 'pad'). */
  content: ContentBox;
}

/** A per-file problem that `skipInvalid` turned into a warning instead of an error. */
export interface DatasetWarning {
  path: string;
  problem: string;
}

export interface LoadAllOptions {
  /** Files in flight at once (default 4). */
  concurrency?: number;
  /** Called after each item with the number done so far and the total. */
  onProgress?: (done: number, total: number) => void;
}

export interface Dataset {
  /** e.g. 'mvtec/bottle' or the folder dataset's name. */
  readonly name: string;
  readonly width: number;
  readonly height: number;
  /** Normal training images, without the validation images. */
  readonly train: readonly DatasetItem[];
  /** Normal images held out of `train` (seeded) for threshold selection. */
  readonly validation: readonly DatasetItem[];
  readonly test: readonly DatasetItem[];
  /** Defect types present in `test` (sorted, without 'good'). */
  readonly defects: readonly string[];
  /** Whether anomalous test images come with pixel masks. */
  readonly hasMasks: boolean;
  /** Problems skipped because of `skipInvalid`; loading adds to it. */
  readonly warnings: DatasetWarning[];
  /** Decodes and resizes one item (cached, least recently used out). Throws a DataFileError on a bad file. */
  load(item: DatasetItem): Promise<Sample>;
  /**
   * Loads items in order. With `skipInvalid`, a bad file becomes a warning and its sample is left out, so the
   * result can be shorter than `items`.
   */
  loadAll(items: readonly DatasetItem[], options?: LoadAllOptions): Promise<Sample[]>;
  /** Ends the decode worker threads (idle ones never keep the process alive). */
  close(): Promise<void>;
}

export interface DatasetOptions {
  /** Output size: a number for square images or { width, height } (default 256). */
  imageSize?: number | { width: number; height: number };
  /** 'squash' stretches every image to imageSize (default); 'pad' keeps its aspect ratio and mirrors into the rest. */
  fit?: FitMode;
  /**
   * Refuse images (and masks) with more pixels than this, from their header, before decoding (default
   * DEFAULT_MAX_PIXELS, PIL's bomb limit). Memory per image in flight is about 24 bytes × pixels.
   */
  maxPixels?: number;
  /** Per-file errors become `warnings` instead of throwing (default false). */
  skipInvalid?: boolean;
  /** Fraction of normal training images held out as `validation`, in [0, 1) (default 0.1). */
  validationFraction?: number;
  /** Seed of the validation split (default 0). */
  seed?: number;
  /** Read every file at open time and check its structure and its mask's size (default false: checked on load). */
  verify?: boolean;
  /** Decoded samples kept in memory (default 64). */
  cacheSize?: number;
  /** Worker threads that decode images (default 2, at most the machine's cores; 0 decodes on the calling thread). */
  decodeThreads?: number;
}
