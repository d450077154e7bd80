import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveOptions } from './options.js';
import { readTrainingSettings, settingDifferences, writeTrainingSettings } from './resume-check.js';

describe('resume check', () => {
  const o = resolveOptions({ preset: 'quick', category: 'bottle', dataRoot: '/data', outDir: '/runs/bottle' });
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-resume-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('lists the training settings that differ, by their option names, and ignores evaluation settings', () => {
    writeTrainingSettings(path.join(tmp, 'checkpoint'), o);
    const saved = readTrainingSettings(path.join(tmp, 'checkpoint'))!;
    expect(settingDifferences(saved, { ...o, embedding: 'head', figureImages: 2 })).toEqual([]);
    expect(settingDifferences(saved, { ...o, imageSize: 64, weights: '/w.safetensors' })).toEqual([
      '--image-size: 128 in the checkpoint, 64 now',
      '--weights: unset in the checkpoint, /w.safetensors now',
    ]);
  });

  it("reads a checkpoint of an earlier version through its run's options.json, options added since at their defaults", () => {
    const { fit: _added, ...legacy } = o;
    fs.writeFileSync(path.join(tmp, 'options.json'), JSON.stringify(legacy));
    expect(settingDifferences(readTrainingSettings(path.join(tmp, 'checkpoint'))!, o)).toEqual([]);
    expect(readTrainingSettings(path.join(tmp, 'nothing', 'checkpoint'))).toBeUndefined();
  });
});
