import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkRunMetrics, writeTinyCategory } from '@ssad/pipeline';
import { main } from './cli.js';

// Tiny shapes so the whole file runs in seconds on the native backend (and still works on the cpu one).
const BASE = ['--preset', 'quick', '--image-size', '32', '--batch-size', '8', '--samples-per-epoch', '16', '--figure-images', '4'];
const TINY = [...BASE, '--tsne-per-group', '5'];

function capture(signal?: AbortSignal) {
  const out: string[] = [];
  return { io: { write: (s: string) => void out.push(s), tty: false, signal }, text: () => out.join('') };
}

const isPng = (file: string) => fs.readFileSync(file).subarray(1, 4).toString() === 'PNG';

describe('trainer CLI', () => {
  let tmp: string;
  let data: string;
  let run: string;
  let trainCode: number;
  let trainText: string;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-trainer-'));
    data = path.join(tmp, 'data');
    await writeTinyCategory(data, 'tiny', { size: 32, train: 16, seed: 1 });
    run = path.join(tmp, 'run');
    const c = capture();
    trainCode = await main(['train', '--data', data, '--category', 'tiny', ...TINY, '--frozen-epochs', '1', '--full-epochs', '1', '--out', run], c.io);
    trainText = c.text();
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('trains end to end and writes every artefact in a form that parses', () => {
    expect(trainText).toMatch(/frozen epoch 1\/1 done: loss \d/);
    expect(trainText).toMatch(/full   epoch 1\/1 done/);
    expect(trainCode).toBe(0);
    const m = checkRunMetrics(JSON.parse(fs.readFileSync(path.join(run, 'metrics.json'), 'utf8')));
    expect(m.category).toBe('tiny');
    expect(m.counts.testAnomalous).toBe(4);
    for (const k of ['imageAuroc', 'f1Max', 'f1AtThreshold', 'pixelAuroc', 'aupro'] as const) {
      expect(m[k]).toBeGreaterThanOrEqual(0);
      expect(m[k]).toBeLessThanOrEqual(1);
    }
    expect(Object.keys(m.embeddings).sort()).toEqual(['head', 'layer23', 'pooled']);
    expect(m.embedding).toBe('pooled');
    // Every image score and both localisation methods are evaluated; the headline ones are the defaults.
    expect(Object.keys(m.imageScores).sort()).toEqual(['fused', 'gaussian', 'patch']);
    expect(m).toMatchObject({ imageScore: 'fused', localization: 'patch', imageAuroc: m.imageScores.fused!.imageAuroc, aupro: m.localizations.patch!.aupro });
    expect(m.localizations.gradcam!.pixelAuroc).toBeGreaterThanOrEqual(0);
    for (const f of ['roc.png', 'pro_patch.png', 'pro_gradcam.png', 'tsne.png', 'training_curves.png', 'score_histogram.png', 'pretext_samples.png',
      'patch/heatmap_and_masks_0.png', 'gradcam/heatmap_and_masks_0.png'])
      expect(isPng(path.join(run, f))).toBe(true);
    const info = JSON.parse(fs.readFileSync(path.join(run, 'detector', 'detector.json'), 'utf8'));
    expect(info).toMatchObject({
      format: 'ssad-detector', formatVersion: 3, imageSize: { height: 32, width: 32 }, embedding: 'pooled',
      metadata: { camStage: 'layer3', localization: 'patch' }, imageScore: { kind: 'fused' },
    });
    const html = fs.readFileSync(path.join(run, 'report.html'), 'utf8');
    expect(html).toContain('<img src="roc.png"');
    expect(html).toContain('patch/heatmap_and_masks_0.png');
    expect(html).toContain('gradcam/heatmap_and_masks_0.png');
    expect(html).toContain(m.imageAuroc.toFixed(4));
  });

  it('predicts: predictions.json with score, decision, path, overlays; exit code only for errors', async () => {
    const out = path.join(tmp, 'pred');
    const images = path.join(data, 'tiny', 'test');
    const ok = capture();
    expect(await main(['predict', '--detector', path.join(run, 'detector'), '--out', out, images], ok.io)).toBe(0);
    const p = JSON.parse(fs.readFileSync(path.join(out, 'predictions.json'), 'utf8'));
    expect(p.predictions).toHaveLength(8);
    for (const x of p.predictions) {
      expect(Number.isFinite(x.score)).toBe(true);
      expect(x.score).toBe(x.scores.fused);
      expect(Number.isFinite(x.scores.gaussian) && Number.isFinite(x.scores.patch)).toBe(true);
      expect(['anomalous', 'normal']).toContain(x.decision);
      expect(x.decision === 'anomalous').toBe(x.score >= p.threshold);
      expect(fs.existsSync(x.path)).toBe(true);
      expect(isPng(path.join(out, x.heatmap))).toBe(true);
    }
    // The detector scores like the evaluation did: the saved threshold sits between the validation scores.
    expect(p.threshold).toBeCloseTo(JSON.parse(fs.readFileSync(path.join(run, 'metrics.json'), 'utf8')).threshold, 3);

    const broken = path.join(tmp, 'broken.png');
    fs.writeFileSync(broken, 'not a png');
    const bad = capture();
    expect(await main(['predict', '--detector', path.join(run, 'detector'), '--out', out, broken, path.join(images, 'good', '000.png')], bad.io)).toBe(1);
    const p2 = JSON.parse(fs.readFileSync(path.join(out, 'predictions.json'), 'utf8'));
    expect(p2.predictions).toHaveLength(1);
    expect(p2.errors[0].path).toBe(broken);
    expect(bad.text()).toContain(`error: ${broken}`);
  });

  it('re-evaluates a finished run to the same numbers', async () => {
    const before = JSON.parse(fs.readFileSync(path.join(run, 'metrics.json'), 'utf8'));
    const c = capture();
    expect(await main(['evaluate', '--run', run], c.io)).toBe(0);
    const after = JSON.parse(fs.readFileSync(path.join(run, 'metrics.json'), 'utf8'));
    expect(after.imageAuroc).toBeCloseTo(before.imageAuroc, 6);
    expect(after.aupro).toBeCloseTo(before.aupro, 4);
  });

  it('stops on abort with a checkpoint and --resume finishes from it', async () => {
    const out = path.join(tmp, 'resume');
    const args = ['train', '--data', data, '--category', 'tiny', ...BASE, '--frozen-epochs', '1', '--full-epochs', '2', '--out', out, '--tsne-per-group', '0'];
    const controller = new AbortController();
    const first = capture(controller.signal);
    const write = first.io.write;
    first.io.write = (s: string) => {
      write(s);
      if (s.includes('frozen epoch 1/1 done')) controller.abort();
    };
    expect(await main(args, first.io)).toBe(130);
    expect(first.text()).toMatch(/interrupted in full epoch 1.*--resume/);
    const history = JSON.parse(fs.readFileSync(path.join(out, 'checkpoint', 'history.json'), 'utf8'));
    expect(history.map((h: { stage: string }) => h.stage)).toEqual(['frozen']);
    expect(fs.existsSync(path.join(out, 'checkpoint', 'checkpoint.safetensors'))).toBe(true);
    expect(fs.existsSync(path.join(out, 'metrics.json'))).toBe(false);

    const second = capture();
    expect(await main([...args, '--resume'], second.io)).toBe(0);
    expect(second.text()).not.toContain('frozen epoch');
    expect(second.text()).toContain('full   epoch 2/2 done');
    const final = JSON.parse(fs.readFileSync(path.join(out, 'checkpoint', 'history.json'), 'utf8'));
    expect(final.map((h: { stage: string }) => h.stage)).toEqual(['frozen', 'full', 'full']);
    expect(final[0]).toEqual(history[0]);
    expect(fs.existsSync(path.join(out, 'metrics.json'))).toBe(true);
  });

  it.each([
    [['train', '--category', 'tiny', '--image-size', 'big'], /--image-size: expected an integer in \[32, 1024\], got "big"/],
    [['train', '--category', 'tiny', '--bogus'], /unknown option "--bogus"/],
    [['train'], /--category is required/],
    [['fly'], /unknown command "fly"/],
    [['predict', '--detector', '/nonexistent'], /give at least one image/],
  ])('rejects bad usage %j with exit code 2', async (argv, message) => {
    const c = capture();
    expect(await main(argv as string[], c.io)).toBe(2);
    expect(c.text()).toMatch(message);
  });
});
