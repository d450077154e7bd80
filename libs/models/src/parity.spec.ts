import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Network } from './network.js';
import { readSafetensors } from './safetensors-files.js';
import { initBackend } from './backend.js';
import { relL2 } from './testing.test-util.js';

const shared = path.resolve(__dirname, '../../../../shared');
const fixture = path.join(shared, 'fixtures/resnet18-parity');
const maybe = fs.existsSync(fixture) ? describe : describe.skip;
if (!fs.existsSync(fixture)) console.warn(`parity.spec: skipped, ${fixture} is absent`);

maybe('torchvision parity (resnet18-parity fixture)', () => {
  let net: Network;
  let io: ReturnType<typeof readSafetensors>['tensors'];
  beforeAll(async () => {
    await initBackend();
    net = new Network({ headWidths: [], numClasses: 1000, normalize: null });
    net.loadWeights(readSafetensors(path.join(fixture, 'resnet18.safetensors')));
    io = readSafetensors(path.join(fixture, 'io.safetensors')).tensors;
  });
  afterAll(() => net.dispose());

  for (const fold of [true, false]) {
    it(`matches every stage to 1e-4 relative L2 (${fold ? 'folded BatchNorm' : 'plain BatchNorm'})`, () => {
      const input = io.get('input')!;
      const errors: Record<string, number> = {};
      tf.tidy(() => {
        const x = tf.transpose(tf.tensor4d(input.data as Float32Array, input.shape as [number, number, number, number]), [0, 2, 3, 1]) as tf.Tensor4D;
        const out = net.forward(x, { fold });
        for (const name of ['layer1', 'layer2', 'layer3', 'layer4', 'pooled', 'logits'] as const) {
          const t = out[name];
          const nchw = t.rank === 4 ? tf.transpose(t, [0, 3, 1, 2]) : t;
          const want = io.get(name)!;
          expect(nchw.shape).toEqual(want.shape);
          errors[name] = relL2(nchw.dataSync() as Float32Array, want.data as Float32Array);
        }
      });
      for (const [name, e] of Object.entries(errors)) expect([name, e < 1e-4]).toEqual([name, true]);
    });
  }

  it('forwardFrom(stage) continues a stage output to the same logits', () => {
    tf.tidy(() => {
      const x = tf.randomUniform([1, 64, 64, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
      const full = net.forward(x);
      for (const stage of ['layer1', 'layer2', 'layer3'] as const) {
        const tail = net.forwardFrom(stage, full[stage]);
        expect(tf.max(tf.abs(tf.sub(tail.logits, full.logits))).dataSync()[0]).toBeLessThan(1e-4);
      }
    });
  });
});
