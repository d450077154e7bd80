import * as tf from '@tensorflow/tfjs';
import { chooseBackend, initBackend } from './backend.js';

describe('backend selection', () => {
  const env = process.env.SSAD_BACKEND;
  afterAll(async () => {
    if (env === undefined) delete process.env.SSAD_BACKEND;
    else process.env.SSAD_BACKEND = env;
  });

  it('initBackend chooses once, reports once through log, and returns the same choice afterwards', async () => {
    const messages: string[] = [];
    const first = await initBackend({ log: (m) => messages.push(m) });
    const second = await initBackend({ log: (m) => messages.push(m) });
    expect(second).toBe(first);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(`tfjs backend ${first.backend}`);
    expect(tf.getBackend()).toBe(first.backend);
    expect(first.reason.length).toBeGreaterThan(10);
  });

  it('SSAD_BACKEND=cpu forces the pure-JS backend; an unknown value is an error naming the allowed ones', async () => {
    const before = tf.getBackend();
    process.env.SSAD_BACKEND = 'cpu';
    await expect(chooseBackend()).resolves.toMatchObject({ backend: 'cpu', reason: 'forced by SSAD_BACKEND=cpu' });
    process.env.SSAD_BACKEND = 'webgpu';
    await expect(chooseBackend()).rejects.toThrow(/SSAD_BACKEND \/ force must be "tensorflow" or "cpu" \(got "webgpu"\)/);
    delete process.env.SSAD_BACKEND;
    await tf.setBackend(before);
  });

  it('without a visible GPU the GPU build is skipped and the reason says so when falling back', async () => {
    const before = tf.getBackend();
    delete process.env.SSAD_BACKEND;
    const c = await chooseBackend({ gpuVisible: false });
    expect(c.package).not.toBe('@tensorflow/tfjs-node-gpu');
    if (c.backend === 'cpu') expect(c.reason).toMatch(/no GPU visible.*npm run setup/);
    else expect(c).toMatchObject({ backend: 'tensorflow', package: '@tensorflow/tfjs-node' });
    await tf.setBackend(before);
  });
});
