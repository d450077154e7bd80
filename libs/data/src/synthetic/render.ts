import type { PixelImage } from '@ssad/augment';
import { Rng } from '@ssad/augment';
import { contamination, missing, scratch, stain } from './defects.js';
import { finish } from './finish.js';
import { maskOf } from './raster.js';
import { disc, print, weave, type Scene } from './scenes.js';

/** Categories of the synthetic dataset and their defect types. */
export const SYNTHETIC_CATEGORIES = {
  weave: ['hole', 'stain', 'thread'],
  disc: ['contamination', 'missing', 'scratch'],
  print: ['contamination', 'missing', 'smudge'],
} as const satisfies Record<string, readonly string[]>;

export type SyntheticCategory = keyof typeof SYNTHETIC_CATEGORIES;

const SCENES: Record<SyntheticCategory, (rng: Rng, size: number) => Scene> = { weave, disc, print };

function drawDefect(category: SyntheticCategory, defect: string, rng: Rng, scene: Scene, size: number): Float32Array {
  switch (`${category}/${defect}`) {
    case 'weave/hole':
      return missing(rng, scene, size, false);
    case 'weave/stain':
      return stain(rng, scene, size, [0.55, 0.4, 0.22]);
    case 'weave/thread':
    case 'disc/scratch':
      return scratch(rng, scene, size);
    case 'disc/missing':
      return missing(rng, scene, size, true);
    case 'print/missing':
      return missing(rng, scene, size, false);
    case 'print/smudge':
      return stain(rng, scene, size, [0.45, 0.5, 0.75]);
    default:
      return contamination(rng, scene, size);
  }
}

export interface SyntheticSample {
  image: PixelImage;
  /** 0/1, size×size; all zero for 'good'. */
  mask: Uint8Array;
  /** The same image without its defect (only with `withClean`). */
  clean?: PixelImage;
}

/**
 * Renders one image of a synthetic category. `defect` is 'good' or one of SYNTHETIC_CATEGORIES[category]. The
 * scene, the defect and the camera draw from separate forks of `rng`, so `clean` differs only by the defect.
 */
export function renderSyntheticSample(
  category: SyntheticCategory,
  defect: string,
  rng: Rng,
  size: number,
  options: { withClean?: boolean } = {},
): SyntheticSample {
  const defects: readonly string[] | undefined = SYNTHETIC_CATEGORIES[category];
  if (!defects) {
    throw new RangeError(`renderSyntheticSample: category must be one of ${Object.keys(SYNTHETIC_CATEGORIES).join(', ')} (got ${category})`);
  }
  if (defect !== 'good' && !defects.includes(defect)) {
    throw new RangeError(`renderSyntheticSample: defect for ${category} must be good, ${defects.join(', ')} (got ${defect})`);
  }
  if (!Number.isInteger(size) || size < 32 || size > 2048) {
    throw new RangeError(`renderSyntheticSample: size must be an integer in [32, 2048] (got ${size})`);
  }
  const sceneRng = rng.fork();
  const defectRng = rng.fork();
  // A seed rather than a fork, so the clean copy can replay the very same lighting and noise.
  const cameraSeed = rng.nextUint32();
  const scene = SCENES[category](sceneRng, size);
  const clean = options.withClean ? finish({ size, rgb: scene.albedo.rgb.slice() }, new Rng(cameraSeed)) : undefined;
  if (defect === 'good') return { image: finish(scene.albedo, new Rng(cameraSeed)), mask: new Uint8Array(size * size), clean };
  const mask = maskOf(drawDefect(category, defect, defectRng, scene, size));
  return { image: finish(scene.albedo, new Rng(cameraSeed)), mask, clean };
}
