// bundle.json, the manifest of a scoring bundle: a saved detector (detector.json + safetensors state, unchanged)
// plus what turns its raw output into something to act on — how inputs are fitted to the square, the scale of the
// 0–1 score, the display range and pixel threshold of the maps — and provenance. Plain files, so Node reads them
// from a folder and a browser fetches them; every field is checked before any state file is parsed.
import { DETECTOR_FILES, type DetectorMetadata } from '../detector-manifest.js';
import { parseStrictJson } from '../strict-json.js';

export const BUNDLE_FORMAT = 'ssad-bundle';
/** Written by writeBundle. Version 2 added `validationScores`; version 1 bundles still load (without them). */
export const BUNDLE_FORMAT_VERSION = 2;
export const BUNDLE_FORMAT_VERSIONS: readonly number[] = [1, 2];
export const BUNDLE_MANIFEST = 'bundle.json';
/** bundle.json is small; a larger one is refused before it is parsed. */
export const MAX_BUNDLE_MANIFEST_BYTES = 1024 * 1024;
/** The files a bundle may list besides bundle.json: exactly a detector folder's. */
export const BUNDLE_FILES: readonly string[] = Object.values(DETECTOR_FILES);
const REQUIRED: readonly string[] = [DETECTOR_FILES.manifest, DETECTOR_FILES.weights, DETECTOR_FILES.density];

/** How an image of another size or aspect ratio becomes the detector's input (@ssad/data's fitPixels modes). */
export type BundleFit = 'squash' | 'pad';
export const BUNDLE_FITS: readonly BundleFit[] = ['squash', 'pad'];

export interface BundleMaps {
  /** Raw map values shown from the bottom to the top of a colour scale (min is 0). */
  range: { min: number; max: number };
  /** Map value from which a pixel counts as anomalous. */
  pixelThreshold: number;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  formatVersion: number;
  /** Byte length of every file of the bundle besides bundle.json, by name (a short file is a broken download). */
  files: Record<string, { bytes: number }>;
  fit: BundleFit;
  /** Scale of the normalised score (see normalizeScore): the validation normal images' score spread. */
  scoreScale: number;
  /** Present when the detector has a patch density (dense anomaly maps). */
  maps?: BundleMaps;
  /**
   * (v2) The validation normal images' chosen image scores, the ones the threshold is a quantile of: what a page
   * shows beside its threshold slider. Absent in v1 and in bundles of runs evaluated before they were kept.
   */
  validationScores?: number[];
  /** Provenance, free-form JSON (category, seed, versions, metrics…). */
  metadata: DetectorMetadata;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Parses and checks bundle.json's text; `source` names it in errors. */
export function parseBundleManifest(text: string, source: string): BundleManifest {
  const fail = (field: string, problem: string): never => {
    throw new Error(`${source}: ${field} ${problem}`);
  };
  let json: unknown;
  try {
    json = parseStrictJson(text, 32);
  } catch (e) {
    throw new Error(`${source}: ${(e as Error).message}`);
  }
  if (!isObject(json)) return fail('the manifest', 'must be a JSON object');
  const m = json;
  if (m.format !== BUNDLE_FORMAT) fail('format', `is ${JSON.stringify(m.format)}, expected "${BUNDLE_FORMAT}" (is this an ssad scoring bundle?)`);
  if (!BUNDLE_FORMAT_VERSIONS.includes(m.formatVersion as number))
    fail('formatVersion', `${JSON.stringify(m.formatVersion)} is not supported (this @ssad/models reads versions ${BUNDLE_FORMAT_VERSIONS.join(' and ')})`);
  if (!isObject(m.files)) fail('files', 'must be an object of { bytes } by file name');
  const files: Record<string, { bytes: number }> = {};
  for (const [name, entry] of Object.entries(m.files as Record<string, unknown>)) {
    if (!BUNDLE_FILES.includes(name)) fail(`files["${name}"]`, `is not a bundle file (known: ${BUNDLE_FILES.join(', ')})`);
    const bytes = isObject(entry) ? entry.bytes : undefined;
    if (!Number.isSafeInteger(bytes) || (bytes as number) < 1) fail(`files["${name}"].bytes`, `must be a positive integer (got ${JSON.stringify(bytes)})`);
    files[name] = { bytes: bytes as number };
  }
  for (const name of REQUIRED) if (!files[name]) fail('files', `must list ${name}`);
  if (!BUNDLE_FITS.includes(m.fit as BundleFit)) fail('fit', `must be one of ${BUNDLE_FITS.join(', ')} (got ${JSON.stringify(m.fit)})`);
  if (!finite(m.scoreScale) || m.scoreScale <= 0) fail('scoreScale', `must be a positive number (got ${JSON.stringify(m.scoreScale)})`);
  let maps: BundleMaps | undefined;
  if (m.maps !== undefined) {
    const v = isObject(m.maps) ? m.maps : fail('maps', 'must be an object');
    const r = isObject(v.range) ? v.range : fail('maps.range', 'must be { min, max }');
    if (!finite(r.min) || !finite(r.max) || r.max <= r.min) fail('maps.range', `must be finite numbers with max > min (got ${JSON.stringify(r)})`);
    if (!finite(v.pixelThreshold)) fail('maps.pixelThreshold', `must be a finite number (got ${JSON.stringify(v.pixelThreshold)})`);
    maps = { range: { min: r.min as number, max: r.max as number }, pixelThreshold: v.pixelThreshold as number };
  }
  if (maps !== undefined && !files[DETECTOR_FILES.patch]) fail('maps', `needs a patch density (${DETECTOR_FILES.patch} in files)`);
  let validationScores: number[] | undefined;
  if (m.validationScores !== undefined) {
    if (m.formatVersion === 1) fail('validationScores', 'is a version 2 field (formatVersion is 1)');
    const v = m.validationScores;
    if (!Array.isArray(v) || v.length === 0 || !v.every(finite)) fail('validationScores', 'must be a non-empty list of finite numbers');
    validationScores = v as number[];
  }
  if (!isObject(m.metadata)) fail('metadata', 'must be an object');
  return {
    format: BUNDLE_FORMAT, formatVersion: m.formatVersion as number, files, fit: m.fit as BundleFit, scoreScale: m.scoreScale as number, maps, validationScores,
    metadata: m.metadata as DetectorMetadata,
  };
}
