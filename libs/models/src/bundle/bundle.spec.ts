import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Rng, type PixelImage } from '@ssad/augment';
import { initBackend } from '../backend.js';
import { Detector } from '../detector.js';
import { Network } from '../network.js';
import { readBundle, writeBundle } from './bundle-files.js';
import { BUNDLE_MANIFEST } from './bundle-manifest.js';
import { ScoringBundle } from './scoring-bundle.js';

function images(n: number, rng: Rng): PixelImage[] {
  return Array.from({ length: n }, () => ({ width: 32, height: 32, channels: 3 as const, data: Uint8Array.from({ length: 32 * 32 * 3 }, () => rng.int(0, 255)) }));
}

describe('scoring bundle', () => {
  let root: string;
  let det: Detector;
  let test: PixelImage[];
  const scoring = { fit: 'pad' as const, scoreScale: 0.5, maps: { range: { min: 0, max: 2 }, pixelThreshold: 1.5 }, validationScores: [0.25, 1, 1.5], metadata: { category: 'tiny' } };

  beforeAll(async () => {
    await initBackend();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-bundle-'));
    const rng = new Rng(15);
    det = Detector.create(new Network({ headWidths: [8], seed: 3 }), images(6, rng), images(3, rng), {
      embedding: 'embedding', imageSize: 32, patch: { sampling: 'random', fraction: 0.25, featureProjection: 16 },
      imagePatch: { stages: ['layer3'], sampling: 'random', fraction: 0.5 },
    });
    test = images(3, rng);
    writeBundle(path.join(root, 'b'), det, scoring);
  });
  afterAll(() => {
    det.dispose();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('reads back to the same scores, decisions and maps (both patch densities), with the 0–1 score at 0.5 on the threshold', () => {
    expect(fs.readdirSync(path.join(root, 'b')).sort()).toEqual(['bundle.json', 'density.safetensors', 'detector.json', 'image-patch.safetensors', 'patch.safetensors', 'weights.safetensors']);
    const bundle = readBundle(path.join(root, 'b'));
    try {
      expect(bundle).toMatchObject({ fit: 'pad', scoreScale: 0.5, threshold: det.threshold, inputSize: { width: 32, height: 32 }, metadata: { category: 'tiny' } });
      expect(bundle.maps).toEqual(scoring.maps);
      expect(bundle.formatVersion).toBe(2);
      expect(bundle.validationScores).toEqual([0.25, 1, 1.5]);
      const expected = det.scoreAll(test);
      const got = bundle.score(test);
      got.forEach((g, i) => {
        expect(g.score).toBe(expected.score[i]);
        expect(g.scores).toEqual({ gaussian: expected.gaussian[i], patch: expected.patch![i], fused: expected.fused![i] });
        expect(g.anomalous).toBe(expected.score[i] >= det.threshold);
        expect(g.normalizedScore).toBeCloseTo(1 / (1 + Math.exp(-(expected.score[i] - det.threshold) / 0.5)), 12);
        expect(g.normalizedScore >= 0.5).toBe(g.anomalous);
        expect(Array.from(g.map!)).toEqual(Array.from(expected.maps!.maps[i]));
      });
      expect(() => bundle.score([{ width: 40, height: 32, channels: 3, data: new Uint8Array(40 * 32 * 3) }])).toThrow(/images\[0\] is 40×32; fit it to 32×32 first/);
    } finally {
      bundle.dispose();
    }
  });

  it('refuses broken bundles, naming the file and the problem', () => {
    const dir = path.join(root, 'b');
    const files = new Map(fs.readdirSync(dir).map((n) => [n, new Uint8Array(fs.readFileSync(path.join(dir, n)))]));
    const manifest = JSON.parse(new TextDecoder().decode(files.get(BUNDLE_MANIFEST)));
    const withManifest = (m: object) => new Map([...files, [BUNDLE_MANIFEST, new TextEncoder().encode(JSON.stringify(m))]]);
    const truncated = new Map([...files, ['density.safetensors', files.get('density.safetensors')!.subarray(0, 100)]]);
    expect(() => ScoringBundle.fromFiles(truncated, 'b/')).toThrow('b/density.safetensors: 100 bytes, bundle.json says');
    const shortImagePatch = new Map([...files, ['image-patch.safetensors', files.get('image-patch.safetensors')!.subarray(0, 64)]]);
    expect(() => ScoringBundle.fromFiles(shortImagePatch, 'b/')).toThrow('b/image-patch.safetensors: 64 bytes, bundle.json says');
    expect(() => ScoringBundle.fromFiles(withManifest({ ...manifest, formatVersion: 3 }), 'b/')).toThrow('b/bundle.json: formatVersion 3 is not supported (this @ssad/models reads versions 1 and 2)');
    expect(() => ScoringBundle.fromFiles(withManifest({ ...manifest, validationScores: [1, null] }), 'b/')).toThrow('b/bundle.json: validationScores must be a non-empty list of finite numbers');
    expect(() => ScoringBundle.fromFiles(withManifest({ ...manifest, formatVersion: 1 }), 'b/')).toThrow('b/bundle.json: validationScores is a version 2 field (formatVersion is 1)');
    // A version 1 bundle (no validation scores) still loads.
    const v1 = ScoringBundle.fromFiles(withManifest({ ...manifest, formatVersion: 1, validationScores: undefined }), 'b/');
    expect([v1.formatVersion, v1.validationScores]).toEqual([1, undefined]);
    v1.dispose();
    expect(() => ScoringBundle.fromFiles(withManifest({ ...manifest, fit: 'crop' }), 'b/')).toThrow(/fit must be one of squash, pad/);
    expect(() => ScoringBundle.fromFiles(withManifest({ ...manifest, maps: undefined }), 'b/')).toThrow(/maps are missing for a detector with a patch density/);
    expect(() => ScoringBundle.fromFiles(withManifest({ ...manifest, files: { ...manifest.files, 'x.bin': { bytes: 1 } } }), 'b/')).toThrow(/files\["x.bin"\] is not a bundle file/);
    const noDensity = new Map(files);
    noDensity.delete('density.safetensors');
    expect(() => ScoringBundle.fromFiles(noDensity, 'b/')).toThrow('b/density.safetensors: missing (b/bundle.json lists it)');
    expect(() => readBundle(root)).toThrow(/is not a scoring bundle/);
  });
});
