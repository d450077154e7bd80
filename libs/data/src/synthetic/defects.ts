// Defects of the synthetic dataset. They are drawn unlike @ssad/augment's pretext transforms (CutPaste copies a
// patch of the same image, scar pastes a thin rotated rectangle of random colour): here a defect is a curved,
// tapered dark stroke, a translucent soft-edged stain, a hole or missing piece that shows what lies beneath, or a
// cluster of small opaque specks. Each returns its coverage; the mask is coverage ≥ 0.5.
import type { Rng } from '@ssad/augment';
import {
  bezier,
  blobCoverage,
  multiplyLayer,
  randomBlob,
  replaceLayer,
  strokeCoverage,
  type Rgb,
} from './raster.js';
import type { Scene } from './scenes.js';

/** A point on the object (anywhere for full-frame textures), kept `margin` of the size away from the border. */
function pointOnObject(rng: Rng, scene: Scene, size: number, margin: number): [number, number] {
  for (let tries = 0; tries < 200; tries++) {
    const x = rng.uniform(margin, 1 - margin) * size;
    const y = rng.uniform(margin, 1 - margin) * size;
    if (!scene.object || scene.object[Math.floor(y) * size + Math.floor(x)] >= 0.99) return [x, y];
  }
  return [size / 2, size / 2];
}

function restrictToObject(cov: Float32Array, scene: Scene): Float32Array {
  if (scene.object) for (let p = 0; p < cov.length; p++) cov[p] *= scene.object[p];
  return cov;
}

/** A scratch or stray thread: a tapered quadratic curve, darker than the surface. */
export function scratch(rng: Rng, scene: Scene, size: number): Float32Array {
  const k = size / 256;
  const [x, y] = pointOnObject(rng, scene, size, 0.2);
  const length = rng.uniform(0.18, 0.32) * size;
  const a = rng.uniform(0, 2 * Math.PI);
  const hx = (Math.cos(a) * length) / 2;
  const hy = (Math.sin(a) * length) / 2;
  const bend = rng.uniform(-0.35, 0.35) * length;
  const pts = bezier([x - hx, y - hy], [x - Math.sin(a) * bend, y + Math.cos(a) * bend], [x + hx, y + hy], 48);
  const cov = restrictToObject(strokeCoverage(size, pts, Math.max(1.8, rng.uniform(1.8, 3) * k), true), scene);
  const dark = rng.uniform(0.2, 0.35);
  multiplyLayer(scene.albedo, cov, [dark, dark, dark * 1.05], 0.9);
  return cov;
}

/** A translucent stain with a soft, wobbly edge; the surface texture shows through. */
export function stain(rng: Rng, scene: Scene, size: number, tint: Rgb): Float32Array {
  const [x, y] = pointOnObject(rng, scene, size, 0.18);
  const r0 = rng.uniform(0.06, 0.09) * size;
  const cov = restrictToObject(blobCoverage(size, randomBlob(rng, x, y, r0, 0.3), 0.35 * r0), scene);
  multiplyLayer(scene.albedo, cov, tint, rng.uniform(0.75, 0.9));
  return cov;
}

/** A hole (texture) or a missing piece (on the disc's rim, or a patch of print): what lies beneath shows. */
export function missing(rng: Rng, scene: Scene, size: number, onRim: boolean): Float32Array {
  let x: number;
  let y: number;
  let r0: number;
  if (onRim && scene.object) {
    // The disc's rim: the outermost object pixel along a random ray from the image centre of mass.
    let sx = 0;
    let sy = 0;
    let n = 0;
    for (let p = 0; p < scene.object.length; p++) {
      sx += (p % size) * scene.object[p];
      sy += Math.floor(p / size) * scene.object[p];
      n += scene.object[p];
    }
    const cx = sx / n + 0.5;
    const cy = sy / n + 0.5;
    const a = rng.uniform(0, 2 * Math.PI);
    let r = 0;
    for (let t = 0; t < size; t++) {
      const px = Math.floor(cx + Math.cos(a) * t);
      const py = Math.floor(cy + Math.sin(a) * t);
      if (px < 0 || py < 0 || px >= size || py >= size) break;
      if (scene.object[py * size + px] >= 0.5) r = t;
    }
    x = cx + Math.cos(a) * r;
    y = cy + Math.sin(a) * r;
    r0 = rng.uniform(0.09, 0.13) * size;
  } else {
    [x, y] = pointOnObject(rng, scene, size, 0.15);
    r0 = rng.uniform(0.05, 0.08) * size;
  }
  const cov = restrictToObject(blobCoverage(size, randomBlob(rng, x, y, r0, 0.35), Math.max(1, size / 256)), scene);
  replaceLayer(scene.albedo, cov, scene.under);
  return cov;
}

/** A cluster of 3–7 small opaque specks of dirt. */
export function contamination(rng: Rng, scene: Scene, size: number): Float32Array {
  const k = size / 256;
  const [x, y] = pointOnObject(rng, scene, size, 0.15);
  const spread = 0.06 * size;
  const count = rng.int(4, 8);
  const cov = new Float32Array(size * size);
  for (let i = 0; i < count; i++) {
    const r0 = Math.max(1.5, rng.uniform(1.8, 3.8) * k);
    const b = randomBlob(rng, x + rng.uniform(-spread, spread), y + rng.uniform(-spread, spread), r0, 0.3);
    const c = blobCoverage(size, b, 1);
    for (let p = 0; p < cov.length; p++) if (c[p] > cov[p]) cov[p] = c[p];
  }
  const shade = rng.uniform(0.08, 0.16);
  replaceLayer(scene.albedo, cov, [shade * 1.2, shade, shade * 0.8]);
  return cov;
}
