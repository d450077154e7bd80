// Detector.load on hostile folders: the cases issue 14 lists, each with the error it must give, then seeded
// fuzzing of the manifest and the state files (`nx run models:fuzz` runs the same targets longer).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fuzz } from '../../../tools/fuzz/harness.js';
import { loadDetector } from './detector-files.js';
import { parseManifest } from './detector-manifest.js';
import { copyFixture, detectorFixture, editedManifest, folderTarget, manifestTarget, type DetectorFixture } from './detector-fuzz.test-util.js';
import { serializeSafetensors, type TensorMap } from './safetensors.js';
import { readSafetensors } from './safetensors-files.js';

const SEED = 14;
let fx: DetectorFixture;
let dir: string;
beforeAll(async () => {
  fx = await detectorFixture();
  dir = path.join(path.dirname(fx.dir), 'listed');
});

const encode = (text: string) => new TextEncoder().encode(text);
/** A copy of the fixture whose manifest has `edits` (JSON text per field path; 1e999 reads as Infinity). */
function withManifest(...edits: [string, string][]): string {
  return copyFixture(fx, dir, { manifest: encode(editedManifest(fx.manifest, edits.map(([p, value]) => ({ path: p.split('.').map((k) => (/^\d+$/.test(k) ? Number(k) : k)), value })))) });
}
const manifestError = (problem: string) => `${path.join(dir, 'detector.json')}: ${problem}`;
/** The fixture's state file `name` with one tensor's values replaced. */
function stateWith(name: string, tensor: string, change: (values: Float64Array | Float32Array) => void): Uint8Array {
  const tensors = readSafetensors(path.join(fx.dir, name)).tensors;
  const map: TensorMap = new Map([...tensors].map(([k, t]) => [k, { shape: t.shape, data: t.data }]));
  change(map.get(tensor)!.data as Float64Array);
  return serializeSafetensors(map);
}

describe('Detector.load on the listed hostile folders', () => {
  it('refuses manifests with wrong types or missing fields, naming the field', () => {
    expect(() => loadDetector(withManifest(['threshold', '"0.5"']))).toThrow(manifestError('threshold must be a finite number (got "0.5")'));
    expect(() => loadDetector(withManifest(['network.headWidths', '"8"']))).toThrow(manifestError('network.headWidths must be a list of at most 64 widths (got "8")'));
    const { density: _d, ...noDensity } = fx.manifest;
    copyFixture(fx, dir, { manifest: encode(JSON.stringify(noDensity)) });
    expect(() => loadDetector(dir)).toThrow(manifestError('density must be an object (got undefined)'));
    copyFixture(fx, dir, { manifest: encode('[1, 2]') });
    expect(() => loadDetector(dir)).toThrow(manifestError('the manifest must be an object (got [1,2])'));
  });

  it('refuses absurd sizes before allocating anything', () => {
    expect(() => loadDetector(withManifest(['imageSize.height', '1000000000']))).toThrow(manifestError('imageSize.height must be an integer in [1, 8192] (got 1000000000)'));
    expect(() => loadDetector(withManifest(['density.dim', '10000000']))).toThrow(manifestError('density.dim must be an integer in [1, 65536] (got 10000000)'));
    expect(() => loadDetector(withManifest(['density.dim', '512']))).toThrow(manifestError('density.dim is 512, but the embedding embedding of this network is 8-d'));
    // Within the limits but not what the weights hold: refused by the weights' shapes, before a network with a
    // 60000-class classifier is allocated.
    expect(() => loadDetector(withManifest(['network.numClasses', '60000']))).toThrow(
      `${path.join(dir, 'weights.safetensors')}: fc.weight is [3, 8], the manifest says [60000, 8]`,
    );
    expect(() => loadDetector(withManifest(['patch.rows', '1000000000']))).toThrow(/patch\.safetensors: bank is \[\d+, 16\], the manifest says \[1000000000, 16\]/);
  });

  it('reads only its own fixed files: `files` entries pointing elsewhere and links leaving the folder are refused', () => {
    expect(() => loadDetector(withManifest(['files.weights', '"../weights.safetensors"']))).toThrow(
      manifestError('files.weights is "../weights.safetensors"; this version reads only "weights.safetensors" inside the detector folder'),
    );
    expect(() => loadDetector(withManifest(['files.density', '"/etc/passwd"']))).toThrow(manifestError('files.density is "/etc/passwd"'));
    for (const name of ['weights.safetensors', 'density.safetensors', 'detector.json']) {
      copyFixture(fx, dir);
      fs.rmSync(path.join(dir, name));
      // A valid file, but outside the folder.
      fs.symlinkSync(path.join(fx.outside, name), path.join(dir, name));
      expect(() => loadDetector(dir)).toThrow(`${path.join(dir, name)}: leads to ${fs.realpathSync(path.join(fx.outside, name))}, outside the detector folder`);
    }
    copyFixture(fx, dir);
    fs.symlinkSync('..', path.join(dir, 'up'));
    fs.rmSync(path.join(dir, 'patch.safetensors'));
    fs.symlinkSync(`up/${path.basename(fx.outside)}/patch.safetensors`, path.join(dir, 'patch.safetensors'));
    expect(() => loadDetector(dir)).toThrow(/patch\.safetensors: leads to .*, outside the detector folder/);
    // A link that stays inside is followed (and the fixture loads).
    copyFixture(fx, dir);
    fs.renameSync(path.join(dir, 'density.safetensors'), path.join(dir, 'density-v1.safetensors'));
    fs.symlinkSync('density-v1.safetensors', path.join(dir, 'density.safetensors'));
    const det = loadDetector(dir);
    expect(det.patch!.state.projection).toHaveLength(384 * 16);
    det.dispose();
  });

  it('refuses looping links, directories and FIFOs without blocking', () => {
    copyFixture(fx, dir);
    fs.rmSync(path.join(dir, 'density.safetensors'));
    fs.symlinkSync('density.safetensors', path.join(dir, 'density.safetensors'));
    expect(() => loadDetector(dir)).toThrow(`${path.join(dir, 'density.safetensors')}: cannot resolve (a symbolic link that loops)`);
    copyFixture(fx, dir);
    fs.rmSync(path.join(dir, 'detector.json'));
    execFileSync('mkfifo', [path.join(dir, 'detector.json')]);
    expect(() => loadDetector(dir)).toThrow(`${path.join(dir, 'detector.json')}: cannot read detector manifest (not a regular file)`);
    copyFixture(fx, dir);
    fs.rmSync(path.join(dir, 'weights.safetensors'));
    fs.mkdirSync(path.join(dir, 'weights.safetensors'));
    expect(() => loadDetector(dir)).toThrow(`${path.join(dir, 'weights.safetensors')}: cannot read safetensors file (a directory)`);
  });

  it('refuses state files whose shapes disagree with the manifest', () => {
    const density = readSafetensors(path.join(fx.dir, 'density.safetensors')).tensors;
    const short: TensorMap = new Map([...density].map(([k, t]) => [k, k === 'mean' ? { shape: [7], data: t.data.slice(0, 7) } : t]));
    copyFixture(fx, dir, { density: serializeSafetensors(short) });
    expect(() => loadDetector(dir)).toThrow(`${path.join(dir, 'density.safetensors')}: mean is [7], the manifest says [8]`);
    const patch = readSafetensors(path.join(fx.dir, 'patch.safetensors')).tensors;
    const noProjection: TensorMap = new Map([['bank', patch.get('bank')!]]);
    copyFixture(fx, dir, { patch: serializeSafetensors(noProjection) });
    expect(() => loadDetector(dir)).toThrow(/patch\.safetensors: patch density: featureProjection 16 with 384-d features needs projection, but the state has none/);
  });

  it('refuses NaN and Infinity in the threshold, density, normalisation, patch bank and weights', () => {
    expect(() => loadDetector(withManifest(['threshold', '1e999']))).toThrow(manifestError('threshold must be a finite number (got Infinity)'));
    expect(() => loadDetector(withManifest(['density.shrinkage', '-1e999']))).toThrow(manifestError('density.shrinkage must be a number in [0, 1] (got -Infinity)'));
    expect(() => loadDetector(withManifest(['imageScore.normalization.patch.std', '1e999']))).toThrow(
      manifestError('imageScore.normalization must give finite mean and positive std for gaussian and patch (fused scores need them)'),
    );
    copyFixture(fx, dir, { density: stateWith('density.safetensors', 'precision', (v) => (v[5] = NaN)) });
    expect(() => loadDetector(dir)).toThrow(`${path.join(dir, 'density.safetensors')}: precision holds NaN at index 5`);
    copyFixture(fx, dir, { patch: stateWith('patch.safetensors', 'bank', (v) => (v[3] = -Infinity)) });
    expect(() => loadDetector(dir)).toThrow(`${path.join(dir, 'patch.safetensors')}: bank holds -Infinity at index 3`);
    copyFixture(fx, dir);
    fs.rmSync(path.join(dir, 'weights.safetensors'));
    fs.writeFileSync(path.join(dir, 'weights.safetensors'), stateWith('weights.safetensors', 'layer1.0.conv1.weight', (v) => (v[0] = NaN)));
    expect(() => loadDetector(dir)).toThrow(`${path.join(dir, 'weights.safetensors')}: layer1.0.conv1.weight holds NaN at index 0`);
  });

  it('keeps "__proto__" and "constructor" keys as data and changes no prototype', () => {
    const metadata = '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}, "category": "bottle"}';
    const det = loadDetector(withManifest(['metadata', metadata]));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(det.metadata.category).toBe('bottle');
    expect(Object.getPrototypeOf(det.metadata)).toBe(Object.prototype);
    det.dispose();
    const top = editedManifest(fx.manifest, [{ key: '__proto__', value: '{"threshold": "x", "polluted": 1}' }]);
    expect(parseManifest(top, 'detector.json').threshold).toBe(fx.manifest.threshold);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('Detector.load fuzzing (seeded)', () => {
  it('detector-manifest: every edited manifest is accepted or refused with an error naming detector.json', async () => {
    const report = await fuzz(manifestTarget(fx), { seed: SEED, runs: 600, measureMemory: false });
    expect(report.failure).toBeUndefined();
    expect(report.outcomes.accepted).toBeGreaterThan(10);
    expect(Object.keys(report.outcomes).length).toBeGreaterThan(15);
  });

  it('detector-folder: every edited folder loads or is refused naming its file, and no link out of it is followed', async () => {
    // Each load that passes builds a ResNet-18 (about a second here), so few cases run in the suite.
    const report = await fuzz(folderTarget(fx), { seed: SEED, runs: 10, measureMemory: false });
    expect(report.failure).toBeUndefined();
    expect(report.outcomes.accepted).toBeGreaterThan(0);
    expect(Object.keys(report.outcomes).length).toBeGreaterThan(5);
  });
});
