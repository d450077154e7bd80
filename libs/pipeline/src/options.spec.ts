import { PRESETS, resolveOptions, sameStages } from './options.js';

describe('resolveOptions', () => {
  it('takes the paper preset by default with the reference settings', () => {
    const o = resolveOptions({ category: 'bottle', outDir: '/tmp/x' });
    expect(o).toMatchObject({ preset: 'paper', imageSize: 256, batchSize: 96, frozenEpochs: 30, fullEpochs: 20, lrFrozen: 0.003, lrFull: 0.001, seed: 0, frozenBatchNorm: 'pretrained' });
  });

  it('lets explicit values override the preset, ignoring undefined ones', () => {
    const o = resolveOptions({ category: 'bottle', outDir: '/tmp/x', preset: 'quick', imageSize: 64, batchSize: undefined });
    expect(o.imageSize).toBe(64);
    expect(o.batchSize).toBe(PRESETS.quick.batchSize);
  });

  it('resolves the image-score patch bank: the preset\'s, the option, or else the maps\' stages (one bank)', () => {
    const base = { category: 'bottle', outDir: '/tmp/x' };
    expect(resolveOptions({ ...base, preset: 'quick' })).toMatchObject({ patchStages: ['layer2', 'layer3'], imagePatchStages: ['layer2', 'layer3'] });
    expect(resolveOptions({ ...base, preset: 'dense' })).toMatchObject({ patchStages: ['layer1', 'layer2', 'layer3'], imagePatchStages: ['layer2', 'layer3'] });
    expect(resolveOptions({ ...base, preset: 'quick', patchStages: ['layer1', 'layer2'] }).imagePatchStages).toEqual(['layer1', 'layer2']);
    expect(resolveOptions({ ...base, preset: 'dense', imagePatchStages: ['layer3'] }).imagePatchStages).toEqual(['layer3']);
  });

  it('estimates the threshold from a normal fit by default; the empirical quantile on request', () => {
    const base = { category: 'bottle', outDir: '/tmp/x' };
    expect(resolveOptions(base).thresholdEstimate).toBe('normal');
    expect(resolveOptions({ ...base, thresholdEstimate: 'quantile', thresholdQuantile: 1 })).toMatchObject({ thresholdEstimate: 'quantile', thresholdQuantile: 1 });
  });

  it('sameStages ignores the order', () => {
    expect(sameStages(['layer2', 'layer3'], ['layer3', 'layer2'])).toBe(true);
    expect(sameStages(['layer2', 'layer3'], ['layer1', 'layer2', 'layer3'])).toBe(false);
  });

  it.each([
    [{ imageSize: 16 }, /imageSize must be an integer in \[32, 1024\], got 16/],
    [{ lrFull: -1 }, /lrFull must be a number in/],
    [{ seed: 1.5 }, /seed must be an integer/],
    [{ preset: 'slow' }, /preset must be one of paper, quick, dense/],
    [{ category: '../etc' }, /category must be a folder name/],
    [{ embedding: 'layer9' }, /embedding must be one of pooled, head, layer23/],
    [{ frozenBatchNorm: 'all' }, /frozenBatchNorm must be one of pretrained, none, measured, got all/],
    [{ patchStages: ['layer4'] }, /patchStages must be distinct stages among layer1, layer2, layer3, got \["layer4"\]/],
    [{ patchStages: [] }, /patchStages must be distinct stages/],
    [{ patchStages: ['layer2', 'layer2'] }, /patchStages must be distinct stages/],
    [{ thresholdEstimate: 'median' }, /thresholdEstimate must be one of quantile, normal, got median/],
    [{ thresholdQuantile: 1 }, /thresholdQuantile must be below 1 with thresholdEstimate normal \(1 is the largest validation score: use thresholdEstimate quantile\), got 1/],
    [{ imagePatchStages: ['layer1', 'layer4'] }, /imagePatchStages must be distinct stages among layer1, layer2, layer3, got \["layer1","layer4"\]/],
  ])('rejects %j', (bad, message) => {
    expect(() => resolveOptions({ category: 'bottle', outDir: '/tmp/x', ...(bad as object) })).toThrow(message);
  });
});
