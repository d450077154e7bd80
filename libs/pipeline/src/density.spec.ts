import fs from 'node:fs';
import path from 'node:path';
import { fitGaussian, scoreGaussian } from './density.js';

const dir = path.resolve(__dirname, '../../../../shared/fixtures/gde');
const maybe = fs.existsSync(dir) ? describe : describe.skip;
if (!fs.existsSync(dir)) console.warn(`density.spec: skipped, ${dir} is absent`);

const f32 = (file: string) => {
  const b = fs.readFileSync(path.join(dir, file));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

maybe('fitGaussian (Ledoit-Wolf) against scikit-learn', () => {
  it('matches the shrinkage and squared Mahalanobis distances of the fixture', () => {
    const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
    const d = expected.dim as number;
    const g = fitGaussian(f32('train.f32'), d);
    expect(Math.abs(g.shrinkage - expected.shrinkage)).toBeLessThan(1e-6);
    const s = scoreGaussian(g, f32('test.f32'), d);
    (expected.squared_mahalanobis_test as number[]).forEach((v, i) => expect(Math.abs(s[i] - v) / v).toBeLessThan(1e-4));
  });
});
