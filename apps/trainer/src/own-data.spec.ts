// The own-data workflow through the real `ssad` command: train on plain folders without masks, predict on new
// images of other sizes, export a bundle, and load and score it in Node the way the README shows.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decodeImage, decodeMask, fitPixels, resizeImage, writePng } from '@ssad/data';
import { initBackend, readBundle } from '@ssad/models';
import { checkRunMetrics, readNpy, writeTinyCategory } from '@ssad/pipeline';
import { runCli, SSAD } from './testing/cli-process.test-util.js';

const TINY = ['--preset', 'quick', '--image-size', '32', '--batch-size', '8', '--samples-per-epoch', '8', '--frozen-epochs', '1', '--full-epochs', '0',
  '--figure-images', '2', '--tsne-per-group', '0', '--image-score', 'fused'];
const pngSize = (file: string) => {
  const b = fs.readFileSync(file);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
};

describe('ssad on own data (spawned CLI)', () => {
  let tmp: string;
  let run: string;
  let trained: Awaited<ReturnType<typeof runCli>>;
  const sizes = { wide: [96, 64], tall: [40, 72] } as const;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-own-'));
    const data = await writeTinyCategory(path.join(tmp, 'data'), 'parts', { size: 32, train: 12, seed: 5 });
    // New images to predict on, of other sizes and aspect ratios than the training images.
    fs.mkdirSync(path.join(tmp, 'new'));
    for (const [name, [w, h]] of Object.entries(sizes)) {
      const src = await decodeImage(path.join(data, 'test', name === 'wide' ? 'blob' : 'good', '001.png'), { channels: 3 });
      await writePng(path.join(tmp, 'new', `${name}.png`), resizeImage(src, w, h));
    }
    fs.mkdirSync(path.join(tmp, 'empty'));
    fs.mkdirSync(path.join(tmp, 'bad'));
    fs.writeFileSync(path.join(tmp, 'bad', 'broken.png'), 'not a png');
    run = path.join(tmp, 'run');
    trained = await runCli(SSAD, ['train', '--train', path.join(data, 'train/good'), '--test-good', path.join(data, 'test/good'), '--test-defect',
      path.join(data, 'test/blob'), ...TINY, '--out', run], tmp);
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('trains on plain folders without masks: image metrics, per-image scores and per-defect AUROC, pixel metrics skipped in one line', () => {
    expect(trained.code).toBe(0);
    expect(trained.stdout.match(/^\[data\] no ground-truth masks: image metrics only, pixel metrics \(pixel AUROC, AU-PRO\) are skipped$/gm)).toHaveLength(1);
    expect(trained.stdout).toMatch(/^parts seed 0: image AUROC [\d.]+ · F1 [\d.]+ \(max [\d.]+\) · pixel metrics skipped \(no masks\) · fused image score/m);
    expect(trained.stdout).toMatch(/^\[preset\] preset quick: 32 px, 1\+0 epochs × 8 samples/m);
    const m = checkRunMetrics(JSON.parse(fs.readFileSync(path.join(run, 'metrics.json'), 'utf8')));
    // The launcher sets TF_CPP_MIN_LOG_LEVEL before libtensorflow loads: its CPU-feature notice is gone.
    if (m.backend === 'tensorflow') expect(trained.stderr).not.toMatch(/cpu_feature_guard/);
    expect(m).toMatchObject({ category: 'parts', masks: false, pixelAuroc: null, aupro: null, localizations: {} });
    expect(m.versions).toEqual({ ssad: '0.1.0', tfjs: expect.stringMatching(/^\d+\.\d+/), backend: expect.stringMatching(/^(tensorflow|cpu) \(/), node: process.versions.node });
    expect(m.testImages).toHaveLength(8);
    for (const r of m.testImages!) {
      expect(r.decision).toBe(r.score >= m.threshold ? 'anomalous' : 'normal');
      expect(r.label).toBe(r.defect === 'good' ? 0 : 1);
      expect(r.scores.fused).toBe(r.score);
    }
    expect(m.testImages!.map((r) => path.relative(tmp, r.file))).toContain(path.join('data', 'parts', 'test', 'blob', '000.png'));
    expect(m.perDefect!.good).toMatchObject({ images: 4, imageAuroc: null });
    expect(m.perDefect!.blob.images).toBe(4);
    // With one defect type its AUROC is the run's.
    expect(m.perDefect!.blob.imageAuroc).toBeCloseTo(m.imageAuroc, 12);
    const html = fs.readFileSync(path.join(run, 'report.html'), 'utf8');
    for (const s of ['By defect type', 'skipped: the test set has no ground-truth masks', '>000.png<', `node ${process.versions.node}`]) expect(html).toContain(s);
    // The finished run keeps no 89 MB checkpoint; its training history stays.
    expect(fs.existsSync(path.join(run, 'checkpoint'))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(run, 'history.json'), 'utf8'))).toHaveLength(1);
  });

  it('predicts on new images with raw and 0–1 scores, and overlay, mask and raw map at each input\'s own size', async () => {
    const out = path.join(tmp, 'pred');
    const r = await runCli(SSAD, ['predict', '--detector', run, '--out', out, path.join(tmp, 'new')], tmp);
    expect(r.code).toBe(0);
    const p = JSON.parse(fs.readFileSync(path.join(out, 'predictions.json'), 'utf8'));
    expect(p.detector).toBe(path.join(run, 'detector'));
    expect(p.predictions).toHaveLength(2);
    for (const x of p.predictions) {
      const [w, h] = sizes[path.basename(x.path, '.png') as keyof typeof sizes];
      expect([x.width, x.height]).toEqual([w, h]);
      expect(x.normalizedScore).toBeGreaterThanOrEqual(0);
      expect(x.normalizedScore).toBeLessThanOrEqual(1);
      expect(x.decision).toBe(x.score >= p.threshold ? 'anomalous' : 'normal');
      expect(x.normalizedScore >= 0.5).toBe(x.decision === 'anomalous');
      expect(r.stdout).toContain(`${x.decision.padEnd(9)} ${x.normalizedScore.toFixed(2)}  ${x.score.toFixed(4)}  ${x.path}`);
      const overlay = pngSize(path.join(out, x.overlay));
      expect(overlay.height).toBe(h);
      expect(overlay.width).toBeGreaterThan(w);
      const map = readNpy(path.join(out, x.map));
      expect(map.shape).toEqual([h, w]);
      const mask = await decodeMask(path.join(out, x.mask));
      expect([mask.width, mask.height]).toEqual([w, h]);
      expect(mask.mask.every((v, i) => v === (map.data[i] >= p.pixelThreshold ? 1 : 0))).toBe(true);
    }
  });

  it('refuses another --image-size, warns on an empty folder, points from a non-detector folder, names a bad file once', async () => {
    fs.mkdirSync(path.join(tmp, 'unfinished', 'detector'), { recursive: true });
    const broken = path.join(tmp, 'bad', 'broken.png');
    const [size, empty, notDetector, bad] = await Promise.all([
      runCli(SSAD, ['predict', '--detector', run, '--image-size', '64', path.join(tmp, 'new')], tmp),
      runCli(SSAD, ['predict', '--detector', run, '--out', path.join(tmp, 'p2'), path.join(tmp, 'empty')], tmp),
      runCli(SSAD, ['predict', '--detector', path.join(tmp, 'unfinished'), 'x.png'], tmp),
      runCli(SSAD, ['predict', '--detector', run, '--out', path.join(tmp, 'p3'), broken, path.join(tmp, 'new', 'wide.png')], tmp),
    ]);
    expect(size.code).toBe(2);
    expect(size.stdout).toMatch(/error: --image-size 64: the detector in .* scores 32 px images/);
    expect(empty.code).toBe(1);
    expect(empty.stdout).toContain(`warning: no image files found in ${path.join(tmp, 'empty')}`);
    expect(notDetector.code).toBe(1);
    expect(notDetector.stdout).toContain(`did you mean ${path.join(tmp, 'unfinished', 'detector')}?`);
    expect(bad.code).toBe(1);
    expect(bad.stdout.split('\n').filter((l) => l.startsWith(`error: ${broken}: `))).toHaveLength(1);
    expect(bad.stdout.split(broken)).toHaveLength(2);
  });

  it('exports a bundle that Node loads and scores like predict', async () => {
    const r = await runCli(SSAD, ['export', '--detector', run], tmp);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`→ ${path.join(run, 'bundle')}`);
    // What the README shows: load the bundle, fit each image to its input size, score.
    await initBackend();
    const bundle = readBundle(path.join(run, 'bundle'));
    try {
      const predicted = JSON.parse(fs.readFileSync(path.join(tmp, 'pred', 'predictions.json'), 'utf8')).predictions;
      const { width, height } = bundle.inputSize;
      const images = await Promise.all(predicted.map(async (x: { path: string }) => fitPixels(await decodeImage(x.path, { channels: 3 }), width, height, bundle.fit).image));
      const scored = bundle.score(images);
      scored.forEach((s, i) => {
        // Batches of another size round differently on the native backend.
        expect(Math.abs(s.score - predicted[i].score)).toBeLessThan(1e-4 * Math.max(1, Math.abs(predicted[i].score)));
        expect(s.anomalous).toBe(predicted[i].decision === 'anomalous');
        expect(s.map).toHaveLength(width * height);
      });
      expect(bundle.metadata).toMatchObject({ category: 'parts', metrics: { imageScore: 'fused', aupro: null } });
    } finally {
      bundle.dispose();
    }
  });
});
