// An untrained detector exported as a scoring bundle, for timing the page (web:bench): speed does not depend on
// the weights, only on the input size and the patch bank's size, which match a `dense` preset run here (layer2+3
// patches, about 2,000 bank rows at 256 px).
import { Rng, type PixelImage } from '@ssad/augment';
import { Detector, Network, writeBundle } from '@ssad/models';

/** `n` seeded noise images of `size` × `size`. */
export function noiseImages(n: number, size: number, seed: number): PixelImage[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => ({ width: size, height: size, channels: 3 as const, data: Uint8Array.from({ length: size * size * 3 }, () => rng.int(0, 255)) }));
}

/** Writes the bundle into `dir` (call initBackend first). */
export function writeFixtureBundle(dir: string, size: number): void {
  const detector = Detector.create(new Network({ seed: 1 }), noiseImages(8, size, 1), noiseImages(4, size, 2), {
    imageSize: size,
    patch: { sampling: 'random', fraction: Math.min(1, 2048 / (8 * (size / 8) ** 2)) },
    metadata: { category: 'noise (timing fixture)' },
  });
  try {
    const validationScores = Array.from(detector.scoreAll(noiseImages(4, size, 2)).score);
    writeBundle(dir, detector, { fit: 'squash', scoreScale: 1, maps: { range: { min: 0, max: 10 }, pixelThreshold: 5 }, validationScores, metadata: { category: 'noise (timing fixture)' } });
  } finally {
    detector.dispose();
  }
}
