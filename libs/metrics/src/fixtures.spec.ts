// Reference values from scikit-learn and the official MVTec AD evaluation code (../shared/fixtures/metrics).
import fs from 'node:fs';
import path from 'node:path';
import { aupro, auroc, f1Max, imageScores, pixelAuroc, pixelMetrics, proCurve, type MaskMap, type ScoreMap } from './index.js';

const fixtures = path.resolve(__dirname, '../../../../shared/fixtures/metrics');
const present = fs.existsSync(path.join(fixtures, 'manifest.json'));
if (!present) console.warn(`metrics fixtures skipped: ${fixtures} is absent`);
const maybe = present ? describe : describe.skip;

interface Case {
  shape: [number, number, number];
  maps: string;
  masks: string;
  image_labels: number[];
  image_scores: number[];
  expected: Record<string, number>;
}

function readCase(c: Case) {
  const [count, height, width] = c.shape;
  const mapBytes = fs.readFileSync(path.join(fixtures, c.maps));
  // Copy into a fresh (aligned) buffer: Node's Buffer may start at any byte offset of its pool.
  const maps = new Float32Array(new Uint8Array(mapBytes).buffer);
  const masks = new Uint8Array(fs.readFileSync(path.join(fixtures, c.masks)));
  const per = height * width;
  const mapList: ScoreMap[] = [];
  const maskList: MaskMap[] = [];
  for (let i = 0; i < count; i++) {
    mapList.push({ data: maps.subarray(i * per, (i + 1) * per), height, width });
    maskList.push({ data: masks.subarray(i * per, (i + 1) * per), height, width });
  }
  return {
    stack: { maps: { data: maps, count, height, width }, masks: { data: masks, count, height, width } },
    list: { maps: mapList, masks: maskList },
  };
}

const manifest: Record<string, Case> = present
  ? JSON.parse(fs.readFileSync(path.join(fixtures, 'manifest.json'), 'utf8'))
  : {};
const cases = Object.entries(manifest).filter(([name]) => !name.startsWith('_'));

maybe('metrics fixtures (scikit-learn, official MVTec AD code)', () => {
  it('has the cases this suite expects', () => {
    expect(cases.map(([n]) => n).sort()).toEqual(['medium', 'non_square_multi_region', 'small', 'ties']);
  });

  // describe.each rejects an empty table, which is what an absent ../shared gives.
  if (cases.length > 0) describe.each(cases)('%s', (_name, c) => {
    const { stack, list } = readCase(c);
    const e = c.expected;

    it('AU-PRO at FPR 0.3 and 1.0 (to 1e-6), both layouts', () => {
      expect(Math.abs(aupro(stack.maps, stack.masks, { fprLimit: 0.3 }) - e['aupro_0.3'])).toBeLessThan(1e-6);
      expect(Math.abs(aupro(list.maps, list.masks) - e['aupro_0.3'])).toBeLessThan(1e-6);
      expect(Math.abs(aupro(stack.maps, stack.masks, { fprLimit: 1 }) - e['aupro_1.0'])).toBeLessThan(1e-6);
      const bare = aupro(
        list.maps.map((m) => m.data),
        list.masks.map((m) => m.data),
        { fprLimit: 1, size: { height: c.shape[1], width: c.shape[2] } },
      );
      expect(Math.abs(bare - e['aupro_1.0'])).toBeLessThan(1e-6);
    });

    it('pixel AUROC (to 1e-9), alone and with AU-PRO from one sort', () => {
      expect(Math.abs(pixelAuroc(stack.maps, stack.masks) - e.pixel_auroc)).toBeLessThan(1e-9);
      expect(Math.abs(pixelAuroc(list.maps.map((m) => m.data), list.masks.map((m) => m.data)) - e.pixel_auroc)).toBeLessThan(1e-9);
      const both = pixelMetrics(stack.maps, stack.masks);
      expect(Math.abs(both.pixelAuroc - e.pixel_auroc)).toBeLessThan(1e-9);
      expect(Math.abs(both.aupro - e['aupro_0.3'])).toBeLessThan(1e-6);
    });

    it('PRO curve runs from (0, 0) to (1, 1) with non-decreasing FPR and PRO', () => {
      const curve = proCurve(stack.maps, stack.masks);
      const n = curve.fpr.length;
      expect([curve.fpr[0], curve.pro[0], curve.fpr[n - 1], curve.pro[n - 1]]).toEqual([0, 0, 1, 1]);
      let disorder = 0;
      for (let i = 1; i < n; i++) {
        if (curve.fpr[i] < curve.fpr[i - 1] || curve.pro[i] < curve.pro[i - 1] - 1e-12) disorder++;
        if (i < n - 1 && !(curve.thresholds[i] < curve.thresholds[i - 1])) disorder++;
      }
      expect(disorder).toBe(0);
    });

    it('image scores are the max of each map', () => {
      expect(Array.from(imageScores(stack.maps))).toEqual(c.image_scores);
    });

    if (e.image_auroc === undefined) return;
    it('image AUROC and F1-max with its threshold (to 1e-9)', () => {
      const labels = Uint8Array.from(c.image_labels);
      const scores = Float64Array.from(c.image_scores);
      expect(Math.abs(auroc(scores, labels) - e.image_auroc)).toBeLessThan(1e-9);
      expect(Math.abs(auroc(Float32Array.from(scores), labels) - e.image_auroc)).toBeLessThan(1e-9);
      const f1 = f1Max(scores, labels);
      expect(Math.abs(f1.f1 - e.image_f1_max)).toBeLessThan(1e-9);
      expect(Math.abs(f1.threshold - e.image_f1_max_threshold)).toBeLessThan(1e-9);
    });
  });
});
