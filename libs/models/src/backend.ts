// Chooses the tfjs backend once per process: native TensorFlow (GPU build only with a visible GPU) when it loads,
// else the pure-JS cpu backend. The native packages are optionalDependencies, so they are imported dynamically.
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'tensorflow' | 'cpu';

export interface BackendChoice {
  backend: BackendName;
  /** Which package provides it (e.g. @tensorflow/tfjs-node). */
  package: string;
  reason: string;
}

export interface InitBackendOptions {
  /** Force a backend; default: the SSAD_BACKEND environment variable, else automatic. */
  force?: BackendName;
  /** Called once with the choice, the first time a backend is chosen. */
  log?: (message: string, choice: BackendChoice) => void;
  /** For tests: whether a GPU is visible (default: /dev/nvidia0 exists). */
  gpuVisible?: boolean;
}

let chosen: Promise<BackendChoice> | undefined;

/** The choice made by initBackend, or undefined before it has run. */
export let backendChoice: BackendChoice | undefined;

const SETUP_HINT = 'run `npm run setup` (builds the tfjs-node addon from the tensorflow-cpu wheel)';

async function tryImport(pkg: string): Promise<string | undefined> {
  try {
    await import(pkg);
    return tf.findBackend('tensorflow') ? undefined : `${pkg} loaded but registered no "tensorflow" backend`;
  } catch (e) {
    return ((e as Error).message ?? String(e)).split('\n')[0];
  }
}

/** The selection itself, without the once-per-process cache (initBackend is the public entry). */
export async function chooseBackend(options: InitBackendOptions = {}): Promise<BackendChoice> {
  const env = process.env.SSAD_BACKEND;
  const force = options.force ?? (env ? (env as BackendName) : undefined);
  if (force !== undefined && force !== 'tensorflow' && force !== 'cpu')
    throw new Error(`SSAD_BACKEND / force must be "tensorflow" or "cpu" (got "${force}")`);
  if (force === 'cpu') {
    await tf.setBackend('cpu');
    return { backend: 'cpu', package: '@tensorflow/tfjs', reason: 'forced by SSAD_BACKEND=cpu' };
  }
  const gpu = options.gpuVisible ?? fs.existsSync('/dev/nvidia0');
  const failures: string[] = [];
  const candidates = gpu ? ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] : ['@tensorflow/tfjs-node'];
  if (!gpu) failures.push('@tensorflow/tfjs-node-gpu skipped: no GPU visible (/dev/nvidia0 absent)');
  for (const pkg of candidates) {
    const err = await tryImport(pkg);
    if (!err && (await tf.setBackend('tensorflow'))) {
      const why = force === 'tensorflow' ? 'forced by SSAD_BACKEND=tensorflow' : 'native TensorFlow loaded';
      return { backend: 'tensorflow', package: pkg, reason: `${why} (${pkg}${gpu && pkg.endsWith('gpu') ? ', GPU visible' : ''})` };
    }
    failures.push(`${pkg}: ${err ?? 'setBackend("tensorflow") failed'}`);
  }
  if (force === 'tensorflow') throw new Error(`SSAD_BACKEND=tensorflow but the native backend does not load (${failures.join('; ')}); ${SETUP_HINT}`);
  await tf.setBackend('cpu');
  return {
    backend: 'cpu',
    package: '@tensorflow/tfjs',
    reason: `native backend unavailable (${failures.join('; ')}); pure-JS cpu backend: training will be very slow, ${SETUP_HINT}`,
  };
}

/** Selects and initialises the backend (idempotent: later calls return the first choice). */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendChoice> {
  if (!chosen) {
    chosen = chooseBackend(options).then(async (c) => {
      await tf.ready();
      backendChoice = c;
      options.log?.(`ssad: tfjs backend ${c.backend} — ${c.reason}`, c);
      return c;
    });
    chosen.catch(() => {
      chosen = undefined;
    });
  }
  return chosen;
}
