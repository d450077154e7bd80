import { spawnSync } from 'node:child_process';
// Run state never lies, through the real `ssad` command on a tiny MVTec-layout category with masks: SIGTERM to
// the command's PID stops with a checkpoint, --resume refuses other settings and continues with the same ones,
// runs are not replaced without --overwrite, evaluate writes beside the run unless --save, and a failed run leaves
// nothing that looks like a run. (That a finished run drops its checkpoint by default: own-data.spec.ts.)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { quantile, thresholdOf } from '@ssad/models';
import { checkRunMetrics, writeTinyCategory } from '@ssad/pipeline';
import { CliProcess, runCli, SSAD } from './testing/cli-process.test-util.js';

const read = (...p: string[]) => JSON.parse(fs.readFileSync(path.join(...p), 'utf8'));
const isPng = (file: string) => fs.readFileSync(file).subarray(1, 4).toString() === 'PNG';

describe('ssad run state (spawned CLI)', () => {
  let tmp: string;
  let data: string;
  let run: string;
  let args: string[];

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-state-'));
    data = path.join(tmp, 'data');
    await writeTinyCategory(data, 'tiny', { size: 32, train: 20, seed: 1 });
    run = path.join(tmp, 'run');
    args = ['train', '--data', data, '--category', 'tiny', '--preset', 'quick', '--image-size', '32', '--batch-size', '8', '--samples-per-epoch', '16',
      '--frozen-epochs', '1', '--full-epochs', '2', '--figure-images', '2', '--tsne-per-group', '5', '--out', run];
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('stops on SIGTERM to the command\'s PID with a checkpoint, like Ctrl-C, and leaves no process behind', async () => {
    const p = new CliProcess(SSAD, args, tmp);
    await p.waitFor(/frozen epoch 1\/1 done/, 90_000);
    p.kill('SIGTERM');
    const r = await p.exited;
    expect(r.code).toBe(143);
    expect(r.stdout).toMatch(/interrupted in full epoch 1; checkpoint: .*; continue with --resume/);
    expect(r.stderr).toContain('SIGTERM: stopping after the current step');
    expect(read(run, 'checkpoint', 'history.json').map((h: { stage: string }) => h.stage)).toEqual(['frozen']);
    // Only the checkpoint: nothing that looks like a finished (or half-written) run.
    expect(fs.readdirSync(run)).toEqual(['checkpoint']);
    expect(() => process.kill(p.pid, 0)).toThrow();
  });

  it('refuses to replace the interrupted run, and to resume it with other settings, listing the differences', async () => {
    const [again, other] = await Promise.all([runCli(SSAD, args, tmp), runCli(SSAD, [...args, '--resume', '--image-size', '64', '--seed', '3'], tmp)]);
    expect(again.code).toBe(2);
    expect(again.stdout).toContain(`error: --out ${run} already holds an interrupted run`);
    expect(other.code).toBe(2);
    expect(other.stdout).toMatch(/--resume: the checkpoint in .* was trained with other settings:\n {2}--image-size: 32 in the checkpoint, 64 now\n {2}--seed: 0 in the checkpoint, 3 now/);
    expect(read(run, 'checkpoint', 'history.json')).toHaveLength(1);
  });

  it('resumes with the same settings to a finished run with every artefact (--keep-checkpoint keeps the checkpoint)', async () => {
    const r = await runCli(SSAD, [...args, '--resume', '--keep-checkpoint'], tmp);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('frozen epoch');
    expect(r.stdout).toContain('full   epoch 2/2 done');
    expect(r.stdout).toMatch(/tiny seed 0: image AUROC [\d.]+ · F1 [\d.]+ \(max [\d.]+\) · pixel AUROC [\d.]+ · AU-PRO [\d.]+ \((patch|gradcam) maps\)/);
    const m = checkRunMetrics(read(run, 'metrics.json'));
    expect(m).toMatchObject({ masks: true, counts: { testAnomalous: 4 } });
    expect(m.aupro).toBe(m.localizations[m.localization]!.aupro);
    expect(read(run, 'history.json').map((h: { stage: string }) => h.stage)).toEqual(['frozen', 'full', 'full']);
    expect(fs.existsSync(path.join(run, 'checkpoint', 'checkpoint.safetensors'))).toBe(true);
    for (const f of ['roc.png', 'pro_patch.png', 'pro_gradcam.png', 'tsne.png', 'training_curves.png', 'score_histogram.png', 'pretext_samples.png',
      'patch/heatmap_and_masks_0.png', 'gradcam/heatmap_and_masks_0.png'])
      expect(isPng(path.join(run, f))).toBe(true);
    expect(read(run, 'detector', 'detector.json')).toMatchObject({ formatVersion: 4, imageSize: { width: 32 }, imageScore: { kind: m.imageScore }, metadata: { localization: m.localization } });
  });

  it('refuses a finished run without --overwrite, and --resume without a checkpoint', async () => {
    const fresh = path.join(tmp, 'fresh');
    const [again, resume] = await Promise.all([runCli(SSAD, args, tmp), runCli(SSAD, [...args, '--out', fresh, '--resume'], tmp)]);
    expect(again.code).toBe(2);
    expect(again.stdout).toContain(`already holds a finished run (metrics.json); use --overwrite to replace it`);
    expect(resume.code).toBe(2);
    expect(resume.stdout).toContain(`--resume: no checkpoint in ${path.join(fresh, 'checkpoint')} to continue from; run without --resume to start`);
    expect(fs.existsSync(fresh)).toBe(false);
  });

  it('evaluate writes beside the run, keeping its detector and training time, unless --save', async () => {
    const detectorBefore = fs.readFileSync(path.join(run, 'detector', 'detector.json'), 'utf8');
    const trained = read(run, 'metrics.json');
    const beside = await runCli(SSAD, ['evaluate', '--run', run, '--image-score', 'gaussian'], tmp);
    expect(beside.code).toBe(0);
    const out = path.join(run, 'evaluations', 'image-score-gaussian');
    expect(beside.stdout).toMatch(/tiny seed 0: image AUROC [\d.]+ · F1 [\d.]+ \(max [\d.]+\) · pixel AUROC .* · gaussian image score/);
    expect(beside.stdout).toContain(`predict with --detector ${path.join(out, 'detector')}, or rerun with --save`);
    expect(fs.readFileSync(path.join(run, 'detector', 'detector.json'), 'utf8')).toBe(detectorBefore);
    const m = read(out, 'metrics.json');
    expect([m.imageScore, read(out, 'options.json').imageScore, read(out, 'detector', 'detector.json').imageScore.kind]).toEqual(['gaussian', 'gaussian', 'gaussian']);
    expect(m.timings.train).toBe(trained.timings.train);
    expect(m.evaluatedFrom).toBe(run);
    expect(m.imageAuroc).toBeCloseTo(trained.imageScores.gaussian.imageAuroc, 6);
    expect(fs.readFileSync(path.join(out, 'report.html'), 'utf8')).toContain('train (training run)');

    // A second patch bank for the image score: the maps (and their pixel metrics) stay the first bank's.
    // …and with the empirical quantile as the threshold (the run took a normal fit to its validation scores).
    const twoBanks = await runCli(SSAD, ['evaluate', '--run', run, '--image-patch-stages', 'layer3', '--threshold-estimate', 'quantile'], tmp);
    expect(twoBanks.code).toBe(0);
    const out2 = path.join(run, 'evaluations', 'image-patch-stages-layer3_threshold-estimate-quantile');
    const det2 = read(out2, 'detector', 'detector.json');
    expect([det2.patch.config.stages, det2.imagePatch.config.stages, det2.files.imagePatch]).toEqual([['layer2', 'layer3'], ['layer3'], 'image-patch.safetensors']);
    expect(fs.existsSync(path.join(out2, 'detector', 'image-patch.safetensors'))).toBe(true);
    const m2 = read(out2, 'metrics.json');
    expect(read(out2, 'options.json').imagePatchStages).toEqual(['layer3']);
    expect(m2.localizations).toEqual(trained.localizations);
    expect([m2.imageScores.gaussian.imageAuroc, m2.imageScores.gaussian.f1Max]).toEqual([trained.imageScores.gaussian.imageAuroc, trained.imageScores.gaussian.f1Max]);
    expect(read(run, 'options.json').imagePatchStages).toEqual(['layer2', 'layer3']);
    const runDetector = read(run, 'detector', 'detector.json');
    expect([runDetector.thresholdEstimate, det2.thresholdEstimate]).toEqual(['normal', 'quantile']);
    expect(runDetector.threshold).toBeCloseTo(thresholdOf(Float64Array.from(runDetector.metadata.validationScores), 0.99, 'normal'), 9);
    expect(det2.threshold).toBeCloseTo(quantile(Float64Array.from(det2.metadata.validationScores), 0.99), 9);
    expect(m2.threshold).toBe(det2.threshold);

    // As a kill between the two renames of an earlier `evaluate --save` leaves it: the detector aside, under the
    // name of a process that has ended. The next evaluation puts it back and starts from it.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    fs.renameSync(path.join(run, 'detector'), path.join(run, `.detector.old-${os.hostname().replace(/[^A-Za-z0-9_.]/g, '_')}-${dead}`));
    const saved = await runCli(SSAD, ['evaluate', '--run', run, '--image-score', 'gaussian', '--save'], tmp);
    expect(saved.code).toBe(0);
    expect([read(run, 'metrics.json').imageScore, read(run, 'options.json').imageScore, read(run, 'detector', 'detector.json').imageScore.kind]).toEqual([
      'gaussian', 'gaussian', 'gaussian',
    ]);
    expect(read(run, 'metrics.json').timings.train).toBe(trained.timings.train);
    expect(read(run, 'history.json')).toHaveLength(3);
  });

  it('--overwrite clears the old run first; a failed run leaves nothing that looks like a run', async () => {
    // A category whose test split has no defect images fails after loading.
    await writeTinyCategory(data, 'nodefects', { size: 32, train: 12, testDefect: 0 });
    const failing = ['train', '--data', data, '--category', 'nodefects', '--preset', 'quick', '--image-size', '32'];
    const fresh = path.join(tmp, 'failed');
    const [overwrite, created] = await Promise.all([runCli(SSAD, [...failing, '--out', run, '--overwrite'], tmp), runCli(SSAD, [...failing, '--out', fresh], tmp)]);
    for (const r of [overwrite, created]) {
      expect(r.code).toBe(1);
      expect(r.stdout).toContain('the test split needs both good and defective images');
    }
    expect(fs.readdirSync(run)).toEqual([]);
    expect(fs.existsSync(fresh)).toBe(false);
  });
});
