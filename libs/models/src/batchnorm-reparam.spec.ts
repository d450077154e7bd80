import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { PixelImage } from '@ssad/augment';
import { initBackend } from './backend.js';
import { reparametrizeBatchNorm } from './batchnorm-reparam.js';
import { imagesToTensor } from './images.js';
import { Network } from './network.js';
import { readSafetensors } from './safetensors-files.js';
import { readPng, relL2 } from './testing.test-util.js';

const shared = path.resolve(__dirname, '../../../../shared');
const bottle = path.join(shared, 'data/mvtec_ad_256/bottle/train/good');
const weights = path.join(shared, 'weights/resnet18-imagenet-to-layer3.safetensors');
const haveShared = [bottle, weights].every((p) => fs.existsSync(p));
if (!haveShared) console.warn(`batchnorm-reparam.spec: skipped, ${bottle} or ${weights} is absent`);

beforeAll(() => initBackend());

(haveShared ? describe : describe.skip)('reparametrizeBatchNorm on the BN-folded ImageNet weights', () => {
  let network: Network;
  let images: PixelImage[];
  const layer3 = (training: boolean) =>
    tf.tidy(() => network.forwardTo(imagesToTensor(images, { height: 256, width: 256 }), 'layer3', { training }).layer3!.dataSync() as Float32Array);
  const values = (name: string) => network.params.get(name).dataSync() as Float32Array;
  let before: { eval: Float32Array; batchStats: Float32Array; conv: Float32Array };
  let report: ReturnType<typeof reparametrizeBatchNorm>;
  beforeAll(async () => {
    images = await Promise.all(fs.readdirSync(bottle).sort().slice(0, 4).map((f) => readPng(path.join(bottle, f))));
    network = new Network();
    network.loadWeights(readSafetensors(weights), { strict: false });
    before = { eval: layer3(false), batchStats: layer3(true), conv: values('layer2.0.conv1.weight').slice() };
    report = reparametrizeBatchNorm(network, images);
  }, 120_000);
  afterAll(() => network?.dispose());

  it('re-parametrises every loaded pair (stem, layer1–3) and leaves layer4 alone', () => {
    expect(report.modules).toHaveLength(1 + 4 + 5 + 5);
    expect(report.modules).toContain('layer3.0.downsample.1');
    expect(report.modules.some((m) => m.startsWith('layer4'))).toBe(false);
    expect(report.images).toBe(4);
  });

  it('keeps the inference function (layer3 within float rounding)', () => {
    expect(relL2(layer3(false), before.eval)).toBeLessThan(1e-4);
  });

  it('moves the scale out of the convs into the running statistics', () => {
    expect(Array.from(values('layer2.0.bn1.running_var'))).toEqual(new Array(128).fill(1));
    const conv = values('layer2.0.conv1.weight');
    expect(relL2(conv, before.conv)).toBeGreaterThan(0.1);
  });

  it('makes batch statistics agree with the running ones (training-mode forward ≈ inference on the measured images)', () => {
    // Before: identity BatchNorms on batch statistics normalise the folded convs' outputs, a different function.
    expect(relL2(before.batchStats, before.eval)).toBeGreaterThan(0.3);
    expect(relL2(layer3(true), before.eval)).toBeLessThan(0.02);
  });

  it('names the bad argument', () => {
    expect(() => reparametrizeBatchNorm(network, [])).toThrow(/images must hold at least one image/);
    expect(() => reparametrizeBatchNorm(network, images, { batchSize: 0 })).toThrow(/batchSize/);
    expect(() => reparametrizeBatchNorm(network, images, { modules: 'some' as never })).toThrow(/modules/);
  });
});
