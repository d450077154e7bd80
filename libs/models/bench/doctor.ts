// `npm run doctor`: which tfjs backend is active and why, library versions, and the time of 3 ResNet-18
// training steps at 64×64, batch 16.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/index.js';
import { timeTrainSteps } from './common.js';

const require = createRequire(path.join(process.cwd(), 'package.json'));
const version = (pkg: string) => {
  try {
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return 'not installed';
  }
};

const choice = await initBackend();
console.log(`backend: ${choice.backend} (${choice.package})`);
console.log(`reason: ${choice.reason}`);
console.log(`node ${process.version}, @tensorflow/tfjs ${tf.version.tfjs}, tfjs-node ${version('@tensorflow/tfjs-node')}, tfjs-node-gpu ${version('@tensorflow/tfjs-node-gpu')}`);
if (choice.backend === 'tensorflow') {
  const t0 = performance.now();
  const perStep = timeTrainSteps(64, 16, { frozen: false, steps: 3 });
  console.log(`3 ResNet-18 training steps, 64×64, batch 16: ${(perStep * 3).toFixed(2)} s (${perStep.toFixed(3)} s/step; ${((performance.now() - t0) / 1000).toFixed(1)} s with set-up and warm-up)`);
} else {
  // One pure-JS step takes minutes at this size; time a single step at 32×32 batch 2 to show the order of magnitude.
  const perStep = timeTrainSteps(32, 2, { frozen: false, steps: 1 });
  console.log(`cpu backend: 1 training step at 32×32 batch 2 took ${perStep.toFixed(1)} s; training will be very slow. Run \`npm run setup\` for the native backend.`);
}
