// The messages between the page and its scoring worker (worker/score-worker.ts), which runs all the tfjs work —
// backend choice, the detector built from the bundle's bytes, scoring, the maps — so the page's own thread never
// waits on it. Each request carries an id; the worker answers it once, with a value or an error message (the
// message the page shows, unchanged), and may send progress lines before. Pixel buffers and maps travel as
// transferred ArrayBuffers, not copies. Nothing here imports tfjs: the page's own script stays small.
import type { PixelImage } from '@ssad/augment';
import type { BundleFit, BundleMaps, BundleScore, DetectorMetadata, EmbeddingKind, ImageScoreKind, ThresholdEstimate } from '@ssad/models';

export type PageBackend = 'webgl' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly PageBackend[] = ['webgl', 'wasm', 'cpu'];

/** The `?backend=` request, checked. */
export function requestedBackend(value: string | null): PageBackend | undefined {
  if (value === null || value === '') return undefined;
  if (!BACKEND_ORDER.includes(value as PageBackend)) throw new Error(`?backend=${value}: must be one of ${BACKEND_ORDER.join(', ')}`);
  return value as PageBackend;
}

export interface BackendPick {
  backend: PageBackend;
  /** Why each earlier backend was passed over. */
  skipped: string[];
  /** Details of the one in use (threads, precision). */
  detail: string;
}

/** What the page shows of a loaded bundle and needs to draw its results (the detector itself stays in the worker). */
export interface BundleSummary {
  inputSize: { width: number; height: number };
  fit: BundleFit;
  threshold: number;
  thresholdQuantile: number;
  thresholdEstimate: ThresholdEstimate;
  scoreScale: number;
  maps?: BundleMaps;
  validationScores?: number[];
  formatVersion: number;
  metadata: DetectorMetadata;
  imageScore: ImageScoreKind;
  embedding: EmbeddingKind;
  /** The detector has a patch density (dense anomaly maps). */
  denseMaps: boolean;
  /** Milliseconds of the warm-up image (shader compilation, WASM start). */
  warmupMs: number;
}

/** One scored image: the bundle's result, the image fitted to the input, its overlay, the time `score` took. */
export interface ScoredImage {
  result: BundleScore;
  /** As the network saw it: fitted to the bundle's input size (squash or pad, as the bundle says). */
  image: PixelImage;
  /** The image under the coloured map, the region at or above the pixel threshold outlined (bundles with maps). */
  overlay?: PixelImage;
  /** Milliseconds of bundle.score on the fitted image. */
  ms: number;
}

/** Each call: what the page sends and what the worker answers. */
export interface ScoreCalls {
  /** Picks the first backend of `order` that works. */
  init: { request: { order: PageBackend[] }; reply: BackendPick };
  /** Checks and builds the bundle from its files' bytes (`prefix` goes before file names in errors), warms it up. */
  load: { request: { files: [string, Uint8Array][]; prefix: string }; reply: BundleSummary };
  /** Fits one decoded image (any size) to the bundle's input, scores it and draws its overlay. */
  score: { request: { image: PixelImage }; reply: ScoredImage };
}
export type CallName = keyof ScoreCalls;

export type WorkerRequest = { [K in CallName]: { id: number; call: K } & ScoreCalls[K]['request'] }[CallName];

export type WorkerReply =
  | { id: number; kind: 'done'; value: ScoreCalls[CallName]['reply'] }
  | { id: number; kind: 'failed'; message: string }
  | { id: number; kind: 'progress'; message: string };

/** The ArrayBuffers under typed arrays, each once (to transfer them). */
export function buffersOf(...arrays: (ArrayBufferView | undefined)[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  for (const a of arrays) if (a && a.buffer instanceof ArrayBuffer) out.add(a.buffer);
  return [...out];
}

/** `a` on a buffer of its own (a view into a larger buffer is copied), so transferring it moves nothing else. */
export function ownBuffer<T extends Uint8Array | Uint8ClampedArray | Float32Array>(a: T): T {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength && a.buffer instanceof ArrayBuffer ? a : (a.slice() as T);
}
