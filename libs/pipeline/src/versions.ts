// The software a run or a bundle was made with, recorded in metrics.json, bundles and `ssad --version`.
import * as tf from '@tensorflow/tfjs';
import { PIPELINE_VERSION } from './bench-setup.js';

export function softwareVersions(): { ssad: string; tfjs: string; node: string } {
  return { ssad: PIPELINE_VERSION, tfjs: tf.version_core, node: process.versions.node };
}
