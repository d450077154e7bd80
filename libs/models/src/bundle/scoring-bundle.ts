// A scoring bundle in memory: a Detector plus bundle.json's scoring settings, built from the bundle's files as
// bytes. No file system here: Node reads the files from a folder (bundle-files.ts), a browser fetches them, and
// both pass them to `fromFiles`, which checks them all (sizes, manifests, tensors) before allocating the network.
import type { PixelImage } from '@ssad/augment';
import type { Detector } from '../detector.js';
import { detectorFrom, type DetectorSource } from '../detector-load.js';
import { DETECTOR_FILES, type DetectorMetadata } from '../detector-manifest.js';
import { parseSafetensors } from '../safetensors.js';
import { normalizeScore } from '../score-scale.js';
import { BUNDLE_MANIFEST, MAX_BUNDLE_MANIFEST_BYTES, parseBundleManifest, type BundleFit, type BundleManifest, type BundleMaps } from './bundle-manifest.js';

/** One image's result. */
export interface BundleScore {
  /** The detector's chosen image score; `anomalous` is score ≥ threshold. */
  score: number;
  /** 0–1, 0.5 at the threshold (normalizeScore with the bundle's scoreScale). */
  normalizedScore: number;
  anomalous: boolean;
  /** Every image score the detector has. */
  scores: { gaussian: number; patch?: number; fused?: number };
  /** Raw anomaly map at the input size (height × width, row-major) when the bundle has maps. */
  map?: Float32Array;
}

/** The bundle's files by name (bundle.json and those it lists), e.g. each fetched into a Uint8Array. */
export type BundleFiles = ReadonlyMap<string, Uint8Array>;

function utf8(bytes: Uint8Array, source: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new Error(`${source}: not valid UTF-8`);
  }
}

export class ScoringBundle {
  private constructor(
    readonly detector: Detector,
    private readonly manifest: BundleManifest,
  ) {}

  /**
   * Checks and loads a bundle from its files' bytes; `prefix` goes in front of file names in errors (e.g. the
   * folder or URL they came from).
   */
  static fromFiles(files: BundleFiles, prefix = ''): ScoringBundle {
    const label = (name: string) => `${prefix}${name}`;
    const text = files.get(BUNDLE_MANIFEST);
    if (!text) throw new Error(`${label(BUNDLE_MANIFEST)}: missing (not a scoring bundle)`);
    if (text.length > MAX_BUNDLE_MANIFEST_BYTES) throw new Error(`${label(BUNDLE_MANIFEST)}: ${text.length} bytes, more than a bundle manifest's ${MAX_BUNDLE_MANIFEST_BYTES}`);
    const manifest = parseBundleManifest(utf8(text, label(BUNDLE_MANIFEST)), label(BUNDLE_MANIFEST));
    for (const [name, { bytes }] of Object.entries(manifest.files)) {
      const got = files.get(name);
      if (!got) throw new Error(`${label(name)}: missing (${label(BUNDLE_MANIFEST)} lists it)`);
      if (got.length !== bytes) throw new Error(`${label(name)}: ${got.length} bytes, ${BUNDLE_MANIFEST} says ${bytes} (a truncated or altered file)`);
    }
    const listed = (name: string) => {
      const bytes = manifest.files[name] ? files.get(name) : undefined;
      if (!bytes) throw new Error(`${label(name)}: missing (${label(BUNDLE_MANIFEST)} does not list it)`);
      return bytes;
    };
    const source: DetectorSource = {
      manifest: () => utf8(listed(DETECTOR_FILES.manifest), label(DETECTOR_FILES.manifest)),
      state: (name) => parseSafetensors(listed(name), label(name)),
      label,
    };
    const detector = detectorFrom(source);
    if ((manifest.maps !== undefined) !== (detector.patch !== undefined)) {
      detector.dispose();
      throw new Error(`${label(BUNDLE_MANIFEST)}: maps ${manifest.maps ? 'are given but the detector has no patch density' : 'are missing for a detector with a patch density'}`);
    }
    return new ScoringBundle(detector, manifest);
  }

  /** The size images must have for `score`: fit them first (@ssad/data's fitPixels(image, width, height, fit)). */
  get inputSize(): { width: number; height: number } {
    return { width: this.detector.imageSize.width, height: this.detector.imageSize.height };
  }

  get fit(): BundleFit {
    return this.manifest.fit;
  }

  get threshold(): number {
    return this.detector.threshold;
  }

  get scoreScale(): number {
    return this.manifest.scoreScale;
  }

  /** Display range and pixel threshold of the maps (undefined without a patch density). */
  get maps(): Readonly<BundleMaps> | undefined {
    return this.manifest.maps;
  }

  /** The validation normal images' scores the threshold came from (undefined in bundles without them). */
  get validationScores(): readonly number[] | undefined {
    return this.manifest.validationScores;
  }

  get formatVersion(): number {
    return this.manifest.formatVersion;
  }

  get metadata(): Readonly<DetectorMetadata> {
    return this.manifest.metadata;
  }

  /** Scores images already fitted to `inputSize`. */
  score(images: PixelImage[]): BundleScore[] {
    const { width, height } = this.inputSize;
    images.forEach((img, i) => {
      if (img.width !== width || img.height !== height)
        throw new Error(`ScoringBundle.score: images[${i}] is ${img.width}×${img.height}; fit it to ${width}×${height} first (fitPixels(image, ${width}, ${height}, '${this.fit}') from @ssad/data)`);
    });
    const all = this.detector.scoreAll(images);
    return images.map((_, i) => ({
      score: all.score[i],
      normalizedScore: normalizeScore(all.score[i], this.threshold, this.scoreScale),
      anomalous: all.score[i] >= this.threshold,
      scores: { gaussian: all.gaussian[i], patch: all.patch?.[i], fused: all.fused?.[i] },
      map: all.maps?.maps[i],
    }));
  }

  dispose(): void {
    this.detector.dispose();
  }
}
