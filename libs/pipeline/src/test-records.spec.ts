import type { Sample } from '@ssad/data';
import { perDefectScores, testImageRecords } from './test-records.js';

const sample = (path: string, defect: string): Sample =>
  ({ item: { path, split: 'test', defect, label: defect === 'good' ? 0 : 1 }, image: { width: 1, height: 1, channels: 3, data: new Uint8Array(3) }, mask: new Uint8Array(1), content: { x: 0, y: 0, width: 1, height: 1 } });

describe('test records', () => {
  it('records each image with its decision, and scores every defect type against the good images', () => {
    const test = [sample('g1', 'good'), sample('g2', 'good'), sample('c1', 'crack'), sample('c2', 'crack'), sample('d1', 'dent')];
    const score = Float64Array.from([1, 3, 4, 2, 5]);
    const records = testImageRecords(test, score, { gaussian: Float64Array.from([9, 9, 9, 9, 9]) }, 3);
    expect(records.map((r) => `${r.file}:${r.decision}`)).toEqual(['g1:normal', 'g2:anomalous', 'c1:anomalous', 'c2:normal', 'd1:anomalous']);
    expect(records[0]).toMatchObject({ defect: 'good', label: 0, score: 1, scores: { gaussian: 9 } });
    expect(perDefectScores(records)).toEqual({
      good: { images: 2, imageAuroc: null, flagged: 1 },
      // crack 4 beats both good images, crack 2 beats one of them: 3 of 4 pairs.
      crack: { images: 2, imageAuroc: 0.75, flagged: 1 },
      dent: { images: 1, imageAuroc: 1, flagged: 1 },
    });
  });
});
