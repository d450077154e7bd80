// PatchDensity.fromState on states that fit can produce and on damaged ones (the detector loader relies on it).
import { Rng, type PixelImage } from '@ssad/augment';
import { initBackend } from '../backend.js';
import { Network } from '../network.js';
import { PatchDensity } from './patch-density.js';

const images = (n: number, rng: Rng): PixelImage[] =>
  Array.from({ length: n }, () => ({ width: 32, height: 32, channels: 3 as const, data: Uint8Array.from({ length: 32 * 32 * 3 }, () => rng.int(0, 255)) }));

let network: Network;
beforeAll(async () => {
  await initBackend();
  network = new Network({ headWidths: [8] });
});
afterAll(() => network.dispose());

it('restores a density whose featureProjection is at least the feature dimension (fit then projects nothing)', () => {
  const fitted = PatchDensity.fit(network, images(2, new Rng(1)), { sampling: 'random', fraction: 0.5, featureProjection: 512 });
  expect(fitted.state.projection).toBeUndefined();
  expect(fitted.state.dim).toBe(384);
  const restored = PatchDensity.fromState(fitted.state);
  expect(restored.bankSize).toBe(fitted.bankSize);
  restored.dispose();
  fitted.dispose();
});

it('refuses a projection of the wrong size or with non-finite values', () => {
  const fitted = PatchDensity.fit(network, images(2, new Rng(2)), { sampling: 'random', fraction: 0.5, featureProjection: 16 });
  const { projection } = fitted.state;
  expect(projection).toHaveLength(384 * 16);
  expect(() => PatchDensity.fromState({ ...fitted.state, projection: projection!.slice(16) })).toThrow(
    'patch density: the projection must be float32 384 × 16 (got 6128 values, dim 16)',
  );
  const nan = projection!.slice();
  nan[7] = NaN;
  expect(() => PatchDensity.fromState({ ...fitted.state, projection: nan })).toThrow('patch density: the projection holds a non-finite value at 7');
  expect(() => PatchDensity.fromState({ ...fitted.state, projection: undefined })).toThrow(
    'patch density: featureProjection 16 with 384-d features needs projection, but the state has none',
  );
  fitted.dispose();
});
