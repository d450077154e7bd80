// The scoring bundle as a folder (Node): written as a detector folder plus bundle.json, read back through the
// same checks as any other source (only the files bundle.json lists, only from inside the folder).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Detector } from '../detector.js';
import { replaceFolder, writeFileAtomic } from '../atomic-write.js';
import { insideFolder, writeDetectorFiles } from '../detector-files.js';
import type { DetectorMetadata } from '../detector-manifest.js';
import { readRegularFile } from '../read-file.js';
import {
  BUNDLE_FILES, BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, BUNDLE_MANIFEST, MAX_BUNDLE_MANIFEST_BYTES, parseBundleManifest, type BundleFit, type BundleMaps,
} from './bundle-manifest.js';
import { ScoringBundle } from './scoring-bundle.js';

export interface BundleScoring {
  fit: BundleFit;
  /** Scale of the normalised score: the validation normal images' standard deviation of the chosen score. */
  scoreScale: number;
  /** Required exactly when the detector has a patch density. */
  maps?: BundleMaps;
  /** The validation normal images' chosen image scores (the threshold's quantile was taken of these). */
  validationScores?: number[];
  metadata?: DetectorMetadata;
}

/**
 * Writes `detector` and its scoring settings as the bundle folder `dir`, atomically (a temporary sibling folder
 * replaces `dir`, see atomic-write.ts): a crash or a full disk leaves the previous bundle or the new one. An
 * existing `dir` holding other files than a bundle's is refused.
 */
export function writeBundle(dir: string, detector: Detector, scoring: BundleScoring): void {
  if ((scoring.maps !== undefined) !== (detector.patch !== undefined))
    throw new Error(`writeBundle: scoring.maps must be given exactly when the detector has a patch density (it ${detector.patch ? 'has one' : 'has none'})`);
  replaceFolder(dir, (tmp) => {
    writeDetectorFiles(detector, tmp);
    const files = Object.fromEntries(
      BUNDLE_FILES.filter((name) => fs.existsSync(path.join(tmp, name))).map((name) => [name, { bytes: fs.statSync(path.join(tmp, name)).size }]),
    );
    const text = `${JSON.stringify({ format: BUNDLE_FORMAT, formatVersion: BUNDLE_FORMAT_VERSION, files, ...scoring, metadata: scoring.metadata ?? {} }, null, 2)}\n`;
    // The reader's checks on what is about to be written: a bundle that would not load is never written.
    parseBundleManifest(text, path.join(dir, BUNDLE_MANIFEST));
    writeFileAtomic(path.join(tmp, BUNDLE_MANIFEST), text);
  }, { names: [...BUNDLE_FILES, BUNDLE_MANIFEST], what: 'scoring bundle' });
}

/** Reads and checks the bundle in `dir`. */
export function readBundle(dir: string): ScoringBundle {
  const manifestFile = insideFolder(dir, BUNDLE_MANIFEST);
  if (!fs.existsSync(manifestFile)) throw new Error(`${manifestFile}: missing, ${dir} is not a scoring bundle (write one with \`ssad export\`)`);
  const read = (name: string, maxBytes: number) => readRegularFile(insideFolder(dir, name), { what: `bundle file ${name}`, maxBytes });
  const text = read(BUNDLE_MANIFEST, MAX_BUNDLE_MANIFEST_BYTES);
  const manifest = parseBundleManifest(new TextDecoder().decode(text), manifestFile);
  const files = new Map([[BUNDLE_MANIFEST, text]]);
  // A file longer than listed is refused before it is read whole; ScoringBundle reports shorter ones.
  for (const [name, { bytes }] of Object.entries(manifest.files)) if (fs.existsSync(path.join(dir, name))) files.set(name, read(name, bytes));
  return ScoringBundle.fromFiles(files, `${dir}${path.sep}`);
}
