import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { GaussianDensity } from './density.js';
import { initBackend } from './backend.js';

const shared = path.resolve(__dirname, '../../../../shared');
const gde = path.join(shared, 'fixtures/gde');
const maybe = fs.existsSync(gde) ? describe : describe.skip;
if (!fs.existsSync(gde)) console.warn(`density.spec: fixture tests skipped, ${gde} is absent`);

function f32(file: string): Float32Array {
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

maybe('GaussianDensity vs scikit-learn LedoitWolf (gde fixture)', () => {
  const expected = fs.existsSync(gde) ? JSON.parse(fs.readFileSync(path.join(gde, 'expected.json'), 'utf8')) : {};
  const distances: number[] = expected.squared_mahalanobis_test;
  for (const l2Normalize of [false, true]) {
    it(`matches shrinkage to 1e-6, location and distances to 1e-4 relative (l2Normalize ${l2Normalize})`, () => {
      const dim = expected.dim;
      const density = GaussianDensity.estimate(f32(path.join(gde, expected.train.file)), dim, { l2Normalize });
      expect(Math.abs(density.state.shrinkage - expected.shrinkage)).toBeLessThan(1e-6);
      expect(Math.max(...expected.location.map((v: number, i: number) => Math.abs(v - density.state.mean[i])))).toBeLessThan(1e-6);
      const got = density.score(f32(path.join(gde, expected.test.file)));
      expect(got).toHaveLength(distances.length);
      const worst = Math.max(...distances.map((d, i) => Math.abs(got[i] - d) / Math.abs(d)));
      expect(worst).toBeLessThan(1e-4);
    });
  }

  it('scoreTensor agrees with score and is differentiable', async () => {
    await initBackend();
    const dim = expected.dim;
    const density = GaussianDensity.estimate(f32(path.join(gde, expected.train.file)), dim);
    const test = f32(path.join(gde, expected.test.file));
    const want = density.score(test);
    const x = tf.tensor2d(test, [test.length / dim, dim]);
    const got = density.scoreTensor(x).dataSync();
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i]) / want[i]).toBeLessThan(1e-3);
    const g = tf.grad((e: tf.Tensor) => tf.sum(density.scoreTensor(e as tf.Tensor2D)))(x);
    expect(g.shape).toEqual([test.length / dim, dim]);
    expect(tf.sum(tf.abs(g)).dataSync()[0]).toBeGreaterThan(0);
    tf.dispose([x, g]);
  });
});

describe('GaussianDensity input checks', () => {
  it('rejects ragged input and too few rows, naming the argument', () => {
    expect(() => GaussianDensity.estimate(new Float32Array(7), 2)).toThrow(/length 7 is not a positive multiple of dim 2/);
    expect(() => GaussianDensity.estimate(new Float32Array(2), 2)).toThrow(/at least 2 embeddings/);
  });
  it('a far-away point scores higher than the training points', () => {
    const x = new Float64Array([1, 0, 0.9, 0.1, 0.8, 0.3, 0.95, -0.1, 0.85, 0.2]);
    const d = GaussianDensity.estimate(x, 2);
    const s = d.score(new Float64Array([0.9, 0.1, -1, 0]));
    expect(s[1]).toBeGreaterThan(10 * s[0]);
  });
});
