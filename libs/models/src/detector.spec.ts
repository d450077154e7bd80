import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import type { PixelImage } from '@ssad/augment';
import { initBackend } from './backend.js';
import { Detector } from './detector.js';
import { loadDetector, saveDetector } from './detector-files.js';
import { Network } from './network.js';
import { quantile, thresholdOf } from './threshold.js';

const shared = path.resolve(__dirname, '../../../../shared');
const bottle = path.join(shared, 'data/mvtec_ad_256/bottle');
const maybe = fs.existsSync(bottle) ? describe : describe.skip;
if (!fs.existsSync(bottle)) console.warn(`detector.spec: skipped, ${bottle} is absent`);

async function load(dir: string, n: number, size = 64): Promise<PixelImage[]> {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.png')).sort().slice(0, n);
  return Promise.all(
    files.map(async (f) => {
      const img = await loadImage(fs.readFileSync(path.join(dir, f)));
      const canvas = createCanvas(size, size);
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0, size, size);
      return { width: size, height: size, channels: 4 as const, data: new Uint8Array(ctx.getImageData(0, 0, size, size).data) };
    }),
  );
}

maybe('Detector on real bottle images', () => {
  let train: PixelImage[];
  let val: PixelImage[];
  let test: PixelImage[];
  let dir: string;
  beforeAll(async () => {
    await initBackend();
    train = await load(path.join(bottle, 'train/good'), 12);
    val = await load(path.join(bottle, 'test/good'), 4);
    test = [...(await load(path.join(bottle, 'test/broken_large'), 3)), ...val.slice(0, 2)];
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'det-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('save → load gives identical scores, threshold and embedding choice', () => {
    const det = Detector.create(new Network({ headWidths: [32, 16] }), train, val, { embedding: 'embedding', imageSize: 64, thresholdQuantile: 1 });
    const scores = det.score(test);
    expect(scores).toHaveLength(5);
    expect(det.embed(test.slice(0, 1)).dim).toBe(16);
    const valScores = det.score(val);
    expect(det.threshold).toBeCloseTo(Math.max(...valScores), 6);
    saveDetector(det, dir);
    const back = loadDetector(dir);
    expect(back.embedding).toBe('embedding');
    expect(back.threshold).toBe(det.threshold);
    expect(Array.from(back.score(test))).toEqual(Array.from(scores));
    expect(back.predict(test).anomalous).toEqual(det.predict(test).anomalous);
    det.dispose();
    back.dispose();
  });

  it('layer23 with metadata: save → load gives identical scores and the metadata as written', () => {
    const dir23 = fs.mkdtempSync(path.join(os.tmpdir(), 'det23-'));
    const metadata = { camStage: 'layer3', mapRange: { min: 0, max: 0.25 }, category: 'bottle', seed: 7 };
    const det = Detector.create(new Network({ headWidths: [32, 16] }), train, val, { embedding: 'layer23', imageSize: 64, metadata });
    expect(det.embed(test.slice(0, 1)).dim).toBe(128 + 256);
    const scores = det.score(test);
    saveDetector(det, dir23);
    const manifest = JSON.parse(fs.readFileSync(path.join(dir23, 'detector.json'), 'utf8'));
    expect(manifest).toMatchObject({ formatVersion: 4, embedding: 'layer23', metadata, imageScore: { kind: 'gaussian' } });
    const back = loadDetector(dir23);
    expect(back.embedding).toBe('layer23');
    expect(back.metadata).toEqual(metadata);
    expect(Array.from(back.score(test))).toEqual(Array.from(scores));
    det.dispose();
    back.dispose();
    fs.rmSync(dir23, { recursive: true });
  });

  it('with a patch density: every image score, maps, and save → load identical; a version 2 folder still loads', () => {
    const dirP = fs.mkdtempSync(path.join(os.tmpdir(), 'detp-'));
    const det = Detector.create(new Network({ headWidths: [32, 16] }), train, val, {
      embedding: 'layer23', imageSize: 64, patch: { sampling: 'coreset', fraction: 0.05, sigma: 2 },
    });
    expect(det.imageScore.kind).toBe('fused');
    expect(det.patch!.bankSize).toBe(Math.round(12 * 8 * 8 * 0.05));
    const all = det.scoreAll(test);
    expect(all.maps!.maps.map((m) => m.length)).toEqual(new Array(5).fill(64 * 64));
    const n = det.imageScore.normalization!;
    expect(all.fused![0]).toBeCloseTo((all.gaussian[0] - n.gaussian.mean) / n.gaussian.std + (all.patch![0] - n.patch.mean) / n.patch.std, 9);
    expect(Array.from(all.score)).toEqual(Array.from(all.fused!));
    // Threshold: the 0.99 quantile of the validation images' fused scores.
    expect(det.threshold).toBeCloseTo(quantile(det.scoreAll(val).fused!, 0.99), 9);
    saveDetector(det, dirP);
    const back = loadDetector(dirP);
    const again = back.scoreAll(test);
    expect(Array.from(again.fused!)).toEqual(Array.from(all.fused!));
    again.maps!.maps.forEach((m, i) => expect(Buffer.from(m.buffer).equals(Buffer.from(all.maps!.maps[i].buffer))).toBe(true));
    expect(back.predict(test).anomalous).toEqual(det.predict(test).anomalous);
    back.dispose();

    // The same folder as format 2 wrote it: no patch density, the Gaussian score.
    const m = JSON.parse(fs.readFileSync(path.join(dirP, 'detector.json'), 'utf8'));
    const { patch: _p, imageScore: _s, thresholdEstimate: _t, ...v2 } = m;
    fs.writeFileSync(path.join(dirP, 'detector.json'), JSON.stringify({ ...v2, formatVersion: 2 }));
    const old = loadDetector(dirP);
    expect(old.patch).toBeUndefined();
    expect(Array.from(old.score(test))).toEqual(Array.from(all.gaussian));
    old.dispose();

    // Damaged patch state: the errors name patch.safetensors or detector.json.
    fs.writeFileSync(path.join(dirP, 'detector.json'), JSON.stringify({ ...m, patch: { ...m.patch, rows: m.patch.rows + 1 } }));
    expect(() => loadDetector(dirP)).toThrow(/patch\.safetensors: bank is \[\d+, 384\], the manifest says \[\d+, 384\]/);
    fs.writeFileSync(path.join(dirP, 'detector.json'), JSON.stringify({ ...m, imageScore: { kind: 'fused' } }));
    expect(() => loadDetector(dirP)).toThrow(/detector\.json: imageScore\.normalization must give finite mean/);
    fs.writeFileSync(path.join(dirP, 'detector.json'), JSON.stringify(m));
    fs.truncateSync(path.join(dirP, 'patch.safetensors'), 100);
    expect(() => loadDetector(dirP)).toThrow(/patch\.safetensors: /);
    det.dispose();
    fs.rmSync(dirP, { recursive: true });
  });

  it('with a second patch density for the image score: it gives the patch score, the maps stay the first one\'s; save → load identical', () => {
    const dir2 = fs.mkdtempSync(path.join(os.tmpdir(), 'det2p-'));
    const det = Detector.create(new Network({ headWidths: [32, 16] }), train, val, {
      embedding: 'layer23', imageSize: 64,
      patch: { stages: ['layer1', 'layer2', 'layer3'], sampling: 'random', fraction: 0.05, sigma: 2 },
      imagePatch: { stages: ['layer3'], sampling: 'all', sigma: 2 },
      thresholdEstimate: 'normal',
    });
    const all = det.scoreAll(test);
    // Maps from the layer1–3 bank (16 × 16 grid at 64 px); the patch image score from the layer3 bank's maps.
    expect(all.maps!.grid).toEqual({ height: 16, width: 16 });
    const imageMaps = det.imagePatch!.maps(det.network, test, { height: 64, width: 64 });
    expect(imageMaps.grid).toEqual({ height: 4, width: 4 });
    expect(Array.from(all.patch!)).toEqual(Array.from(imageMaps.scores));
    expect(Array.from(all.patch!)).not.toEqual(Array.from(all.maps!.scores));
    const n = det.imageScore.normalization!;
    expect(n.patch.mean).toBeCloseTo(det.imagePatch!.scores(det.network, val, { height: 64, width: 64 }).reduce((a, b) => a + b, 0) / val.length, 9);
    // The threshold from a normal fit to the validation images' fused scores.
    expect(det.threshold).toBeCloseTo(thresholdOf(det.scoreAll(val).fused!, 0.99, 'normal'), 9);
    expect(det.threshold).not.toBeCloseTo(quantile(det.scoreAll(val).fused!, 0.99), 6);

    saveDetector(det, dir2);
    const m = JSON.parse(fs.readFileSync(path.join(dir2, 'detector.json'), 'utf8'));
    expect(m).toMatchObject({ formatVersion: 4, thresholdEstimate: 'normal', imagePatch: { dim: 256, rows: 12 * 16, grid: { height: 4, width: 4 } }, files: { imagePatch: 'image-patch.safetensors' } });
    const back = loadDetector(dir2);
    const again = back.scoreAll(test);
    expect(Array.from(again.score)).toEqual(Array.from(all.score));
    expect(Array.from(again.patch!)).toEqual(Array.from(all.patch!));
    expect([back.threshold, back.thresholdEstimate]).toEqual([det.threshold, 'normal']);
    again.maps!.maps.forEach((map, i) => expect(Buffer.from(map.buffer).equals(Buffer.from(all.maps!.maps[i].buffer))).toBe(true));
    back.dispose();

    const write = (manifest: object) => fs.writeFileSync(path.join(dir2, 'detector.json'), JSON.stringify(manifest));
    const { thresholdEstimate: _t, ...withoutEstimate } = m;
    write({ ...withoutEstimate, formatVersion: 3 });
    expect(() => loadDetector(dir2)).toThrow(/detector\.json: imagePatch is a version 4 field \(formatVersion is 3\)/);
    write({ ...m, formatVersion: 3, imagePatch: undefined });
    expect(() => loadDetector(dir2)).toThrow(/detector\.json: thresholdEstimate is a version 4 field \(formatVersion is 3\)/);
    const { patch: _p, imageScore: _s, ...noMaps } = m;
    write(noMaps);
    expect(() => loadDetector(dir2)).toThrow(/detector\.json: imagePatch needs a patch density \(patch\) beside it/);
    write({ ...m, thresholdEstimate: 'median' });
    expect(() => loadDetector(dir2)).toThrow(/detector\.json: thresholdEstimate must be one of quantile, normal \(got "median"\)/);
    write({ ...m, imagePatch: { ...m.imagePatch, dim: 384 } });
    expect(() => loadDetector(dir2)).toThrow(/detector\.json: imagePatch\.dim is 384, but stages layer3 give 256-d patch features/);
    write({ ...m, imagePatch: { ...m.imagePatch, rows: 7 } });
    expect(() => loadDetector(dir2)).toThrow(/image-patch\.safetensors: bank is \[192, 256\], the manifest says \[7, 256\]/);
    write(m);
    fs.truncateSync(path.join(dir2, 'image-patch.safetensors'), 100);
    expect(() => loadDetector(dir2)).toThrow(/image-patch\.safetensors: /);
    // Without the second density's entry the folder is a one-bank detector again: the maps' maxima score.
    const { imagePatch: _i, ...oneBank } = m;
    write(oneBank);
    const single = loadDetector(dir2);
    expect(single.imagePatch).toBeUndefined();
    expect(Array.from(single.scoreAll(test).patch!)).toEqual(Array.from(all.maps!.scores));
    single.dispose();

    expect(() => Detector.fromParts({ network: det.network, density: det.density, embedding: 'layer23', imageSize: 64, threshold: 1, thresholdQuantile: 0.99, imagePatch: det.imagePatch }))
      .toThrow(/DetectorParts\.imagePatch needs DetectorParts\.patch/);
    expect(() => Detector.create(det.network, train, val, { imageSize: 64, imagePatch: {} })).toThrow(/DetectorOptions\.imagePatch needs DetectorOptions\.patch/);
    det.dispose();
    fs.rmSync(dir2, { recursive: true });
  });

  it('fromParts checks its arguments', () => {
    const net = new Network({ headWidths: [32, 16] });
    const det = Detector.create(net, train.slice(0, 4), [], { imageSize: 64 });
    const parts = { network: net, density: det.density, imageSize: 64, threshold: 1, thresholdQuantile: 0.99 };
    expect(() => Detector.fromParts({ ...parts, embedding: 'head' as never })).toThrow(/DetectorParts\.embedding must be one of pooled, embedding, layer23 \(got head\)/);
    expect(() => Detector.fromParts({ ...parts, embedding: 'pooled', threshold: NaN })).toThrow(/DetectorParts\.threshold must be a finite number/);
    expect(Detector.fromParts({ ...parts, embedding: 'pooled' }).score(test)).toEqual(det.score(test));
    net.dispose();
  });

  it('damaged or foreign directories fail with errors naming the file', () => {
    const bad = fs.mkdtempSync(path.join(os.tmpdir(), 'det-bad-'));
    expect(() => loadDetector(bad)).toThrow(/detector\.json: missing/);
    for (const f of fs.readdirSync(dir)) fs.copyFileSync(path.join(dir, f), path.join(bad, f));
    const manifest = JSON.parse(fs.readFileSync(path.join(bad, 'detector.json'), 'utf8'));
    fs.writeFileSync(path.join(bad, 'detector.json'), JSON.stringify({ ...manifest, formatVersion: 1 }));
    expect(() => loadDetector(bad)).toThrow(/detector\.json: formatVersion 1 is not supported \(this @ssad\/models reads 2, 3 and 4\)/);
    fs.writeFileSync(path.join(bad, 'detector.json'), JSON.stringify({ ...manifest, metadata: 3 }));
    expect(() => loadDetector(bad)).toThrow(/detector\.json: metadata must be an object/);
    fs.writeFileSync(path.join(bad, 'detector.json'), '{"format": "ssad-det');
    expect(() => loadDetector(bad)).toThrow(/detector\.json: not valid JSON/);
    fs.writeFileSync(path.join(bad, 'detector.json'), JSON.stringify(manifest));
    fs.truncateSync(path.join(bad, 'weights.safetensors'), 50000);
    expect(() => loadDetector(bad)).toThrow(/weights\.safetensors: .*data_offsets/);
    fs.rmSync(path.join(bad, 'density.safetensors'));
    expect(() => loadDetector(bad)).toThrow(/density\.safetensors: cannot read/);
    fs.rmSync(bad, { recursive: true });
  });
});
