import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend.js';
import { Network } from '../network.js';
import { readSafetensors } from '../safetensors-files.js';
import { identical, readPng, relL2 } from '../testing.test-util.js';
import { greedyCoreset, randomSubset } from './coreset.js';
import { PatchDensity, resolvePatchDensityOptions } from './patch-density.js';
import { gaussianBlur, gaussianKernel } from './smooth.js';

const shared = path.resolve(__dirname, '../../../../../shared');
const bottle = path.join(shared, 'data/mvtec_ad_256/bottle');
const dense = path.join(shared, 'fixtures/dense');
const weights = path.join(shared, 'weights/resnet18-imagenet-to-layer3.safetensors');
const haveShared = [bottle, dense, weights].every((p) => fs.existsSync(p));
if (!haveShared) console.warn(`patch-density.spec: reference checks skipped, ${bottle}, ${dense} or ${weights} is absent`);

beforeAll(() => initBackend());

(haveShared ? describe : describe.skip)('PatchDensity against the reference dense maps (../shared/fixtures/dense)', () => {
  const manifest = haveShared ? JSON.parse(fs.readFileSync(path.join(dense, 'manifest.json'), 'utf8')) : { train: [], test: [] };
  let network: Network;
  let density: PatchDensity;
  let result: ReturnType<PatchDensity['maps']>;
  let masks: Array<Uint8Array | undefined>;
  beforeAll(async () => {
    network = new Network();
    network.loadWeights(readSafetensors(weights), { strict: false });
    const train = await Promise.all(manifest.train.map((f: string) => readPng(path.join(bottle, f))));
    const test = await Promise.all(manifest.test.map((f: string) => readPng(path.join(bottle, f))));
    masks = await Promise.all(
      manifest.test.map(async (f: string) => {
        const m = path.join(bottle, f.replace(/^test\//, 'ground_truth/').replace(/\.png$/, '_mask.png'));
        if (!fs.existsSync(m)) return undefined;
        const img = await readPng(m);
        return Uint8Array.from({ length: img.width * img.height }, (_, p) => (img.data[3 * p] >= 128 ? 1 : 0));
      }),
    );
    density = PatchDensity.fit(network, train, { sampling: 'all' });
    result = density.maps(network, test);
  }, 120_000);
  afterAll(() => {
    density?.dispose();
    network?.dispose();
  });

  it('matches distances32 and the blurred maps to ≤ 1e-3 relative L2, and the image maxima', () => {
    const expected = readSafetensors(path.join(dense, 'expected.safetensors')).tensors;
    const grids = new Float32Array(result.grids.length * 1024);
    result.grids.forEach((g, i) => grids.set(g, i * 1024));
    const maps = new Float32Array(result.maps.length * 256 * 256);
    result.maps.forEach((m, i) => maps.set(m, i * 256 * 256));
    expect(result.grid).toEqual({ height: 32, width: 32 });
    expect(density.bankSize).toBe(20 * 32 * 32);
    expect(relL2(grids, expected.get('distances32')!.data as Float32Array)).toBeLessThan(1e-3);
    expect(relL2(maps, expected.get('maps')!.data as Float32Array)).toBeLessThan(1e-3);
    manifest.image_max.forEach((m: number, i: number) => expect(result.scores[i]).toBeCloseTo(m, 3));
  });

  it('puts the map mass of defective images inside their defect masks', () => {
    let checked = 0;
    masks.forEach((mask, i) => {
      if (!mask || mask.every((v) => v === 0)) return;
      const map = result.maps[i];
      let inside = 0;
      let outside = 0;
      let nIn = 0;
      for (let p = 0; p < map.length; p++) {
        if (mask[p]) {
          inside += map[p];
          nIn++;
        } else outside += map[p];
      }
      // Mean inside the defect well above the mean outside, and most of the hottest 1 % of pixels inside it.
      const ratio = inside / nIn / (outside / (map.length - nIn));
      const cut = Float32Array.from(map).sort()[Math.floor(map.length * 0.99)];
      let hot = 0;
      let hotInside = 0;
      for (let p = 0; p < map.length; p++) {
        if (map[p] < cut) continue;
        hot++;
        hotInside += mask[p];
      }
      expect(ratio).toBeGreaterThan(1.5);
      expect(hotInside / hot).toBeGreaterThan(0.5);
      checked++;
    });
    expect(checked).toBe(4);
  });

  it('scores identically after a state round trip, and names a feature-size mismatch', async () => {
    const copy = PatchDensity.fromState(structuredClone(density.state));
    const test = await Promise.all(manifest.test.map((f: string) => readPng(path.join(bottle, f))));
    const again = copy.maps(network, test);
    again.maps.forEach((m, i) => expect(identical(m, result.maps[i])).toBe(true));
    copy.dispose();
    const narrow = PatchDensity.fromState({ ...density.state, config: { ...density.state.config, stages: ['layer2'] } });
    const img = { width: 64, height: 64, channels: 3 as const, data: new Uint8Array(64 * 64 * 3) };
    expect(() => narrow.maps(network, [img])).toThrow('the network gives 128-d patch features but the bank was built from 384-d ones');
    narrow.dispose();
  });
});

describe('greedy k-center coreset', () => {
  it('picks, each time, the row farthest from those already picked (brute force, exact distances)', () => {
    const n = 300;
    const d = 7;
    let s = 12345;
    const x = Float32Array.from({ length: n * d }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 10);
    const t = tf.tensor2d(x, [n, d]);
    const picks = greedyCoreset(t, 25, { seed: 3, projection: 0 });
    t.dispose();
    expect(new Set(picks).size).toBe(25);
    const dist = (i: number, j: number) => {
      let acc = 0;
      for (let k = 0; k < d; k++) acc += (x[i * d + k] - x[j * d + k]) ** 2;
      return acc;
    };
    for (let k = 1; k < picks.length; k++) {
      const minTo = (i: number) => Math.min(...Array.from(picks.subarray(0, k), (p) => dist(i, p)));
      let far = 0;
      for (let i = 1; i < n; i++) if (minTo(i) > minTo(far)) far = i;
      expect([k, picks[k]]).toEqual([k, far]);
    }
  });

  it('is seeded, and the random subset is distinct, sorted and seeded', () => {
    const t = tf.randomUniform([500, 16], 0, 1, 'float32', 1) as tf.Tensor2D;
    const a = greedyCoreset(t, 40, { seed: 1 });
    expect(Array.from(greedyCoreset(t, 40, { seed: 1 }))).toEqual(Array.from(a));
    expect(Array.from(greedyCoreset(t, 40, { seed: 2 }))).not.toEqual(Array.from(a));
    t.dispose();
    const r = randomSubset(1000, 100, 5);
    expect(new Set(r).size).toBe(100);
    expect(Array.from(r)).toEqual(Array.from(r).sort((p, q) => p - q));
    expect(Array.from(randomSubset(1000, 100, 5))).toEqual(Array.from(r));
    expect(() => randomSubset(10, 11, 0)).toThrow('count must be an integer in [1, 10] (got 11)');
  });
});

describe('map smoothing', () => {
  it('uses scipy’s kernel (radius round(4σ)) and reflect borders, preserving a constant map and the total mass', () => {
    expect(gaussianKernel(4).length).toBe(33);
    expect(gaussianKernel(1.2).length).toBe(11);
    const flat = new Float32Array(40 * 30).fill(2.5);
    expect(Array.from(gaussianBlur(flat, 40, 30, 4)).every((v) => Math.abs(v - 2.5) < 1e-5)).toBe(true);
    const spike = new Float32Array(64 * 64);
    spike[32 * 64 + 32] = 1;
    const blurred = gaussianBlur(spike, 64, 64, 4);
    expect(blurred.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(blurred[32 * 64 + 32]).toBeCloseTo(1 / (2 * Math.PI * 16), 3);
  });
});

describe('options and state checks', () => {
  it('names the option and its range', () => {
    expect(() => resolvePatchDensityOptions({ fraction: 0 })).toThrow('PatchDensityOptions.fraction must be a number in [0.000001, 1] (got 0)');
    expect(() => resolvePatchDensityOptions({ k: 1.5 })).toThrow('PatchDensityOptions.k must be an integer in [1, 100] (got 1.5)');
    expect(() => resolvePatchDensityOptions({ sampling: 'best' as 'all' })).toThrow('sampling must be coreset, random or all');
    expect(() => resolvePatchDensityOptions({ stages: [] })).toThrow('stages must be distinct names among layer1..layer4');
    expect(() => resolvePatchDensityOptions({ neighbourhood: 2 })).toThrow('neighbourhood must be an odd integer');
  });

  it('refuses an empty bank, a bank that is not rows × dim and non-finite values', () => {
    const config = resolvePatchDensityOptions();
    const grid = { height: 4, width: 4 };
    expect(() => PatchDensity.fromState({ config, dim: 3, grid, bank: new Float32Array(0) })).toThrow('the bank must be a non-empty float32 array');
    expect(() => PatchDensity.fromState({ config, dim: 3, grid, bank: new Float32Array(7) })).toThrow('rows × 3 (got 7 values)');
    expect(() => PatchDensity.fromState({ config, dim: 2, grid, bank: Float32Array.of(1, NaN) })).toThrow('non-finite value at 1');
  });

  it('fits and scores a tiny random network end to end (random sampling, k = 2, projection)', () => {
    const network = new Network({ seed: 1 });
    const img = (v: number) => ({ width: 64, height: 64, channels: 3 as const, data: new Uint8Array(64 * 64 * 3).map((_, i) => (i * v) & 255) });
    const d = PatchDensity.fit(network, [img(3), img(5), img(7)], { sampling: 'random', fraction: 0.5, k: 2, featureProjection: 32, sigma: 1 });
    expect(d.state.dim).toBe(32);
    expect(d.bankSize).toBe(Math.round(3 * 8 * 8 * 0.5));
    const r = d.maps(network, [img(3), img(11)]);
    expect(r.maps[0].length).toBe(64 * 64);
    // A training image's own patches are in the bank only at 50 %: its score stays below an unseen image's.
    expect(r.scores[0]).toBeLessThan(r.scores[1]);
    const again = PatchDensity.fromState(d.state).maps(network, [img(3), img(11)]);
    expect(identical(again.maps[1], r.maps[1])).toBe(true);
    d.dispose();
    // A candidate pool smaller than all patches: the coreset runs over a seeded stratified sample of 50 rows.
    const fitPooled = () => PatchDensity.fit(network, [img(3), img(5), img(7)], { fraction: 0.1, coresetPool: 50 });
    const a = fitPooled();
    const b = fitPooled();
    expect(a.bankSize).toBe(Math.round(3 * 64 * 0.1));
    expect(identical(a.state.bank, b.state.bank)).toBe(true);
    a.dispose();
    b.dispose();
    network.dispose();
  });
});
