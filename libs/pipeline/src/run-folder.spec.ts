import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanUpFailedRun, openStaging, prepareRunFolder, publishStaging, runState } from './run-folder.js';

describe('run folder', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-runfolder-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const put = (rel: string, text = '{}') => {
    fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
    fs.writeFileSync(path.join(tmp, rel), text);
  };

  it('tells a finished, an interrupted and an incomplete run apart from unrelated files', () => {
    put('notes.txt');
    expect(runState(tmp)).toBe('none');
    put('options.json');
    expect(runState(tmp)).toBe('incomplete');
    put('checkpoint/checkpoint.safetensors');
    expect(runState(tmp)).toBe('interrupted');
    put('metrics.json');
    expect(runState(tmp)).toBe('finished');
    expect(runState(path.join(tmp, 'missing'))).toBe('none');
  });

  it('--overwrite removes only the run\'s own files', () => {
    for (const f of ['metrics.json', 'options.json', 'roc.png', 'patch/heatmap_and_masks_0.png', 'detector/detector.json', 'evaluations/x/metrics.json', 'notes.txt']) put(f);
    expect(() => prepareRunFolder(tmp, { resume: false, overwrite: false })).toThrow(/already holds a finished run .*--overwrite/);
    expect(prepareRunFolder(tmp, { resume: false, overwrite: true })).toEqual({ resume: false });
    expect(fs.readdirSync(tmp)).toEqual(['notes.txt']);
    expect(() => prepareRunFolder(tmp, { resume: true, overwrite: false })).toThrow(/--resume: no checkpoint in .*; run without --resume to start/);
  });

  it('publishes staged results over the old ones with metrics.json last, keeping the checkpoint', () => {
    put('metrics.json', 'old');
    put('tsne.png', 'old');
    put('checkpoint/checkpoint.safetensors');
    const staging = openStaging(tmp);
    fs.writeFileSync(path.join(staging, 'metrics.json'), 'new');
    fs.mkdirSync(path.join(staging, 'detector'));
    publishStaging(staging, tmp);
    expect(fs.readdirSync(tmp).sort()).toEqual(['checkpoint', 'detector', 'metrics.json']);
    expect(fs.readFileSync(path.join(tmp, 'metrics.json'), 'utf8')).toBe('new');
  });

  it('after a failure removes the staging folder, an empty checkpoint folder, and the run folder it created', () => {
    const out = path.join(tmp, 'out');
    fs.mkdirSync(path.join(out, 'checkpoint'), { recursive: true });
    fs.writeFileSync(path.join(out, 'checkpoint', 'settings.json'), '{}');
    openStaging(out);
    cleanUpFailedRun(out, true);
    expect(fs.existsSync(out)).toBe(false);
  });
});
