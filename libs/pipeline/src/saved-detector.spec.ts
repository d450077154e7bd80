import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Detector, GaussianDensity, initBackend, Network, saveDetector } from '@ssad/models';
import { loadRunDetector } from './saved-detector.js';

describe('loadRunDetector', () => {
  let dir: string;
  const metadata = { camStage: 'layer2', mapRange: { min: 0, max: 0.5 }, category: 'tiny', seed: 3, createdAt: '2026-01-01T00:00:00.000Z' };
  beforeAll(async () => {
    await initBackend();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-det-'));
    const rows = Float32Array.from({ length: 8 * 4 }, (_, i) => Math.sin(i * 1.7) + (i % 4));
    const network = new Network({ headWidths: [8, 4] });
    saveDetector(Detector.fromParts({ network, density: GaussianDensity.estimate(rows, 4), embedding: 'embedding', imageSize: 32, threshold: 1.5, thresholdQuantile: 0.99, metadata }), dir);
    network.dispose();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('maps the models embedding back to the pipeline name and returns the metadata', () => {
    const r = loadRunDetector(dir);
    expect(r.embedding).toBe('head');
    // Written before patch densities: GradCAM is the localisation.
    expect(r.meta).toEqual({ ...metadata, localization: 'gradcam', fit: 'squash' });
    expect(r.detector.threshold).toBe(1.5);
    r.detector.dispose();
  });

  it('rejects a detector without the pipeline metadata, naming detector.json', () => {
    const file = path.join(dir, 'detector.json');
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...manifest, metadata: { ...metadata, camStage: 'layer9' } }));
    expect(() => loadRunDetector(dir)).toThrow(/detector\.json: metadata\.camStage must be one of layer2, layer3 \(got layer9\)/);
    fs.writeFileSync(file, JSON.stringify({ ...manifest, metadata: { camStage: 'layer3' } }));
    expect(() => loadRunDetector(dir)).toThrow(/detector\.json: metadata\.mapRange must be/);
    fs.writeFileSync(file, JSON.stringify({ ...manifest, metadata: { ...metadata, localization: 'patch' } }));
    expect(() => loadRunDetector(dir)).toThrow(/detector\.json: metadata\.localization is patch but the detector has no patch density/);
    fs.writeFileSync(file, JSON.stringify({ ...manifest, metadata: { ...metadata, localization: 'pixels' } }));
    expect(() => loadRunDetector(dir)).toThrow(/metadata\.localization must be one of patch, gradcam \(got pixels\)/);
    fs.writeFileSync(file, JSON.stringify({ ...manifest, metadata: { ...metadata, validationScores: [1, 'x'] } }));
    expect(() => loadRunDetector(dir)).toThrow(/detector\.json: metadata\.validationScores must be a non-empty list of finite numbers/);
  });
});
