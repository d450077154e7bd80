import { createCanvas, loadImage } from '@napi-rs/canvas';
import { PALETTE, fontFamily } from '../plot/canvas.js';
import { plotRect } from '../plot/axes.js';
import { heatmapToMask } from '../maps/normalize.js';
import { overlayHeatmap, toRgba } from '../image/pixels.js';
import { renderRoc } from './roc.js';
import { renderPro } from './pro.js';
import { renderTrainingCurves } from './training.js';
import { DEFECT_FILL, GOOD_FILL, renderScoreHistogram } from './histogram.js';
import { renderScatter } from './scatter.js';
import { GT_COLOR, PRED_COLOR, renderHeatmapRows } from './heatmap-rows.js';
import { OUTLINE_COLOR, renderPretextGrid } from './pretext-grid.js';

interface Decoded {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

async function decode(png: Buffer): Promise<Decoded> {
  expect(Array.from(png.subarray(1, 4))).toEqual([0x50, 0x4e, 0x47]); // "PNG"
  const img = await loadImage(png);
  const canvas = createCanvas(img.width, img.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  return { width: img.width, height: img.height, data: ctx.getImageData(0, 0, img.width, img.height).data };
}

const hex = (c: string): number[] => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
/** rgba(r,g,b,a) over white, as the PNG stores it. */
const overWhite = (css: string): number[] => {
  const [r, g, b, a] = css.match(/[\d.]+/g)!.map(Number);
  return [r, g, b].map((c) => Math.round(c * a + 255 * (1 - a)));
};

/** Pixels (x, y) whose colour is within tol of rgb, optionally inside a rectangle. */
function find(img: Decoded, rgb: readonly number[], tol = 3, rect?: { x: number; y: number; w: number; h: number }) {
  const hits: { x: number; y: number }[] = [];
  const [x0, y0, x1, y1] = rect ? [rect.x, rect.y, rect.x + rect.w, rect.y + rect.h] : [0, 0, img.width, img.height];
  for (let y = Math.max(0, Math.floor(y0)); y < Math.min(img.height, y1); y++)
    for (let x = Math.max(0, Math.floor(x0)); x < Math.min(img.width, x1); x++) {
      const i = (y * img.width + x) * 4;
      if (Math.abs(img.data[i] - rgb[0]) <= tol && Math.abs(img.data[i + 1] - rgb[1]) <= tol && Math.abs(img.data[i + 2] - rgb[2]) <= tol)
        hits.push({ x, y });
    }
  return hits;
}

/** ROC points of a classifier whose positives score `shift` higher (negative shift = worse than chance). */
function roc(shift: number) {
  const n = 400;
  const scores: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    labels.push(i % 2);
    scores.push(Math.sin(i * 12.9898) * 1.5 + (i % 2) * shift);
  }
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const fpr = [0];
  const tpr = [0];
  let tp = 0;
  let fp = 0;
  for (const i of order) {
    if (labels[i]) tp++;
    else fp++;
    fpr.push(fp / (n / 2));
    tpr.push(tp / (n / 2));
  }
  return { fpr: Float64Array.from(fpr), tpr: Float64Array.from(tpr) };
}

describe('fonts', () => {
  it('uses an installed family (this machine: DejaVu Sans) or the generic fallback', () => {
    expect(typeof fontFamily()).toBe('string');
    expect(fontFamily().length).toBeGreaterThan(0);
  });
});

describe('renderRoc', () => {
  const rect = plotRect({ x: 0, y: 0, w: 560, h: 520 });
  // Curve pixels (series colour, inside the plot area, away from the legend) mapped back to (fpr, tpr).
  async function curvePoints(shift: number) {
    const img = await decode(renderRoc({ ...roc(shift), auroc: 0.9, threshold: { fpr: 0.2, tpr: 0.8, value: 1 } }));
    expect([img.width, img.height]).toEqual([560, 520]);
    return find(img, hex(PALETTE[0]), 10, { x: rect.x + 3, y: rect.y + 3, w: rect.w - 6, h: rect.h - 6 })
      .map(({ x, y }) => ({ fpr: (x - rect.x) / rect.w, tpr: 1 - (y - rect.y) / rect.h }))
      .filter((p) => !(p.fpr > 0.35 && p.tpr < 0.25)) // the legend box (lower right)
      .filter((p) => Math.hypot(p.fpr - 0.2, p.tpr - 0.8) > 0.03); // the threshold marker
  }

  it('draws a good classifier above the diagonal and a bad one below', async () => {
    const good = await curvePoints(2.5);
    expect(good.length).toBeGreaterThan(100);
    expect(good.every((p) => p.tpr >= p.fpr - 0.02)).toBe(true);
    const bad = await curvePoints(-2.5);
    expect(bad.filter((p) => p.tpr < p.fpr).length).toBeGreaterThan(bad.length * 0.9);
  });

  it('shows the series colour in the legend swatch', async () => {
    const img = await decode(renderRoc({ ...roc(2), auroc: 0.95 }, { width: 400, height: 400 }));
    expect([img.width, img.height]).toEqual([400, 400]);
    const r = plotRect({ x: 0, y: 0, w: 400, h: 400 });
    // Legend (lower right): a run of series-coloured pixels for the swatch.
    expect(find(img, hex(PALETTE[0]), 3, { x: r.x + r.w * 0.25, y: r.y + r.h * 0.7, w: r.w * 0.75, h: r.h * 0.3 }).length).toBeGreaterThan(30);
    expect(() => renderRoc({ fpr: new Float64Array([0, NaN]), tpr: new Float64Array([0, 1]), auroc: 1 })).toThrow(/non-finite point at index 1/);
  });
});

describe('renderPro', () => {
  it('plots up to the FPR limit with the curve colour present', async () => {
    const fpr = Float64Array.from({ length: 101 }, (_, i) => i / 100);
    const img = await decode(renderPro({ fpr, pro: fpr.map((x) => Math.min(1, 3 * x)), aupro: 0.5 }));
    expect([img.width, img.height]).toEqual([560, 520]);
    const rect = plotRect({ x: 0, y: 0, w: 560, h: 520 });
    // pro = 3·fpr reaches 0.9 at the right edge (fpr 0.3): curve pixels in the top-right of the plot area.
    expect(find(img, hex(PALETTE[0]), 10, { x: rect.x + rect.w - 20, y: rect.y, w: 18, h: rect.h * 0.2 }).length).toBeGreaterThan(5);
    expect(() => renderPro({ fpr, pro: fpr, aupro: 0.5 }, { fprLimit: 0 })).toThrow(/fprLimit must be in \(0, 1\]/);
  });
});

describe('renderTrainingCurves', () => {
  it('draws both stages in their legend colours, in two panels', async () => {
    const png = renderTrainingCurves([
      { name: 'stage 1', loss: [1, 0.7, 0.5], accuracy: [0.5, 0.7, 0.8] },
      { name: 'stage 2', loss: [0.4, 0.3], accuracy: [0.85, 0.9] },
    ]);
    const img = await decode(png);
    expect([img.width, img.height]).toEqual([1000, 440]);
    for (const half of [0, 500]) {
      const region = { x: half, y: 0, w: 500, h: 440 };
      expect(find(img, hex(PALETTE[0]), 3, region).length).toBeGreaterThan(30);
      expect(find(img, hex(PALETTE[1]), 3, region).length).toBeGreaterThan(30);
    }
  });

  it('accepts a stage without accuracy and rejects mismatched epochs', async () => {
    const img = await decode(renderTrainingCurves([{ name: 'only loss', loss: [1, 0.5] }]));
    expect(find(img, hex(PALETTE[0]), 3, { x: 500, y: 0, w: 500, h: 440 })).toHaveLength(0);
    expect(() => renderTrainingCurves([{ name: 's', loss: [1, 2], accuracy: [1] }])).toThrow(/accuracy has 1 epochs, loss has 2/);
  });
});

describe('renderScoreHistogram', () => {
  it('shows good and defective bars in their legend colours and the threshold line', async () => {
    const scores = Float64Array.from({ length: 60 }, (_, i) => (i < 40 ? i / 40 : 2 + (i - 40) / 20));
    const labels = Uint8Array.from({ length: 60 }, (_, i) => (i < 40 ? 0 : 1));
    const img = await decode(renderScoreHistogram({ scores, labels, threshold: 1.5 }, { bins: 12 }));
    expect([img.width, img.height]).toEqual([640, 440]);
    const rect = plotRect({ x: 0, y: 0, w: 640, h: 440 });
    const good = find(img, overWhite(GOOD_FILL), 3, rect);
    const bad = find(img, overWhite(DEFECT_FILL), 3, rect);
    expect(good.length).toBeGreaterThan(500);
    expect(bad.length).toBeGreaterThan(500);
    // Good scores are below 1, defective above 2: their bars sit left and right of the threshold.
    const mean = (ps: { x: number }[]) => ps.reduce((s, p) => s + p.x, 0) / ps.length;
    expect(mean(good)).toBeLessThan(mean(bad));
    expect(find(img, [0, 0, 0], 20, { x: rect.x + 2, y: rect.y + rect.h / 2, w: rect.w - 4, h: 40 }).length).toBeGreaterThan(10);
    expect(() => renderScoreHistogram({ scores, labels: new Uint8Array(3) })).toThrow(/labels has 3 entries/);
  });
});

describe('renderScatter', () => {
  it('colours each group, lists only present groups in the legend', async () => {
    const n = 90;
    const points = new Float64Array(2 * n);
    const groups = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      groups[i] = i % 3 === 0 ? 0 : i % 3 === 1 ? 2 : 5;
      points[2 * i] = groups[i] * 10 + Math.cos(i);
      points[2 * i + 1] = Math.sin(i);
    }
    const img = await decode(renderScatter({ points, groups }));
    expect([img.width, img.height]).toEqual([800, 560]);
    for (const g of [0, 2, 5]) expect(find(img, hex(PALETTE[g]), 3).length).toBeGreaterThan(20);
    for (const g of [1, 3, 4]) expect(find(img, hex(PALETTE[g]), 3)).toHaveLength(0);
    expect(() => renderScatter({ points, groups: new Uint8Array(n).fill(9) })).toThrow(/groups\[0\] is 9, allowed \[0, 5\]/);
  });
});

const W = 64;
function testImage() {
  const data = new Uint8Array(W * W * 3);
  for (let i = 0; i < W * W; i++) [data[i * 3], data[i * 3 + 1], data[i * 3 + 2]] = [90 + (i % W), 90, 150];
  return { width: W, height: W, channels: 3 as const, data };
}

describe('renderHeatmapRows', () => {
  it('overlay cell differs from the image cell only where the heatmap is non-zero; outlines drawn', async () => {
    const image = testImage();
    const heat = new Float32Array(W * W);
    const gt = new Uint8Array(W * W);
    for (let y = 10; y < 30; y++) for (let x = 30; x < 50; x++) [heat[y * W + x], gt[y * W + x]] = [(x - 29) / 20, 1];
    const png = renderHeatmapRows(
      [
        { image, heatmap: heat, gtMask: gt, predMask: heatmapToMask(heat, 0.5), score: 3.21, label: 'broken' },
        { image, heatmap: new Float32Array(W * W), score: 0.1, label: 'good' },
      ],
      { cellSize: W },
    );
    const img = await decode(png);
    // Layout: 16 px padding, cells 8 px apart, first row's cells at y = 80 (title 34 + header 22 + row title 24).
    expect([img.width, img.height]).toEqual([16 * 2 + W * 4 + 8 * 3 + 90, 34 + 22 + 2 * (24 + W + 8) + 16]);
    const cellX = (c: number) => 16 + c * (W + 8);
    const at = (x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 3));
    let changed = 0;
    for (let y = 0; y < W; y++)
      for (let x = 0; x < W; x++) {
        const same = at(cellX(0) + x, 80 + y).every((v, c) => Math.abs(v - at(cellX(2) + x, 80 + y)[c]) <= 1);
        if (heat[y * W + x] === 0) expect(same).toBe(true);
        else if (!same) changed++;
      }
    expect(changed).toBeGreaterThan(350);
    const cell = (c: number, row = 0) => ({ x: cellX(c), y: 80 + row * (24 + W + 8), w: W, h: W });
    expect(find(img, GT_COLOR, 2, cell(1)).length).toBeGreaterThan(40);
    expect(find(img, PRED_COLOR, 2, cell(3)).length).toBeGreaterThan(20);
    expect(find(img, GT_COLOR, 2, cell(1, 1))).toHaveLength(0); // the good row has no mask
    // The heatmap cell of the good row equals its image.
    const overlay = toRgba(overlayHeatmap(image, new Float32Array(W * W)));
    expect(overlay).toEqual(toRgba(image));
  });

  it('rejects a heatmap of the wrong size, naming the row', () => {
    expect(() => renderHeatmapRows([{ image: testImage(), heatmap: new Float32Array(10), score: 1, label: 'x' }])).toThrow(
      /rows\[0\]\.heatmap has 10 values/,
    );
  });
});

describe('renderPretextGrid', () => {
  it('outlines the changed regions, not the normal row', async () => {
    const image = testImage();
    const mask = new Uint8Array(W * W);
    for (let y = 20; y < 40; y++) for (let x = 20; x < 40; x++) mask[y * W + x] = 1;
    const samples = [0, 1, 2, 3].flatMap((label) => [0, 1].map(() => ({ image, mask: label ? mask : new Uint8Array(W * W), label })));
    const img = await decode(renderPretextGrid(samples, { cellSize: W, perRow: 2 }));
    const rowH = 24 + W + 6;
    expect([img.width, img.height]).toEqual([320, 34 + 4 * rowH + 16]);
    const row = (r: number) => ({ x: 0, y: 34 + r * rowH + 24, w: img.width, h: W });
    expect(find(img, OUTLINE_COLOR, 2, row(0))).toHaveLength(0);
    for (const r of [1, 2, 3]) expect(find(img, OUTLINE_COLOR, 2, row(r)).length).toBeGreaterThan(2 * 60);
    expect(() => renderPretextGrid([{ image, mask, label: 4 }])).toThrow(/label is 4, allowed \[0, 3\]/);
  });
});
