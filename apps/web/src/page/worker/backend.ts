// The scoring worker's tfjs backend: WebGL where a GPU runs it with 32-bit floats, else WebAssembly, else plain
// JavaScript (`?backend=webgl|wasm|cpu` insists on one). WebGL drawn in software (SwiftShader, llvmpipe: what
// Chromium falls back to without a GPU) is passed over unless asked for: on these machines it took 14 s per 256 px
// image against WASM's 2.7 s (web:bench). This runs in a dedicated worker: WebGL draws on an OffscreenCanvas (tfjs
// makes one for WebGL 2; without OffscreenCanvas WebGL fails here and the next backend is taken). The WASM binaries
// are built into the page's own assets, never fetched from elsewhere; with cross-origin isolation (COOP/COEP headers,
// as `web:serve` sends, on the page and its scripts) WASM uses threads, started by the worker.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { BACKEND_ORDER, type BackendPick, type PageBackend } from '../score-protocol.js';

const SETUP_TIMEOUT_MS = 20_000;

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} did not finish within ${SETUP_TIMEOUT_MS / 1000} s`)), SETUP_TIMEOUT_MS))]);
}

/** The WebGL renderer's name when it is a software one, else undefined. */
function softwareRenderer(): string | undefined {
  if (typeof OffscreenCanvas === 'undefined') return undefined;
  const gl = new OffscreenCanvas(1, 1).getContext('webgl2') ?? new OffscreenCanvas(1, 1).getContext('webgl');
  if (!gl) return undefined;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return /swiftshader|llvmpipe|softpipe|software/i.test(renderer) ? renderer : undefined;
}

async function tryBackend(name: PageBackend, insisted: boolean): Promise<string> {
  const software = name === 'webgl' ? softwareRenderer() : undefined;
  if (software && !insisted) throw new Error(`no GPU, WebGL is drawn in software (${software}); WASM is faster (\`?backend=webgl\` insists)`);
  if (!(await withTimeout(tf.setBackend(name), `initialising ${name}`))) throw new Error('could not be initialised');
  await tf.ready();
  if (name === 'webgl' && !tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED'))
    throw new Error('no 32-bit float textures (16-bit floats would change the scores)');
  // One small convolution: a backend that initialises but cannot run the network's ops fails here, not mid-scoring.
  const y = tf.tidy(() => tf.conv2d(tf.ones([1, 4, 4, 3]) as tf.Tensor4D, tf.ones([3, 3, 3, 4]) as tf.Tensor4D, 1, 'valid').sum());
  const v = (await y.data())[0];
  y.dispose();
  // 2 × 2 outputs × 4 filters, each the sum of 27 ones.
  if (v !== 432) throw new Error(`computes wrongly (a test convolution gave ${v}, expected 432)`);
  if (name === 'webgl') return `${tf.env().getNumber('WEBGL_VERSION') === 2 ? 'WebGL 2' : 'WebGL 1'}, float32${software ? `, in software: ${software}` : ''}`;
  if (name === 'wasm') {
    // What tfjs-backend-wasm chose its binary by (threads need cross-origin isolation, which the worker inherits).
    const [threads, simd] = await Promise.all([tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'), tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')]);
    const how = threads && simd ? `threads (${navigator.hardwareConcurrency} logical cores)` : `single thread${crossOriginIsolated ? '' : ' (page not cross-origin isolated)'}`;
    return `${how}, ${simd ? 'SIMD' : 'no SIMD'}`;
  }
  return 'plain JavaScript';
}

/** Picks the first backend of `order` that works; throws listing every failure when none does. */
export async function pickBackend(order: readonly PageBackend[] = BACKEND_ORDER): Promise<BackendPick> {
  setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmPlain, 'tfjs-backend-wasm-simd.wasm': wasmSimd, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded });
  const skipped: string[] = [];
  for (const name of order) {
    try {
      return { backend: name, skipped, detail: await tryBackend(name, order.length === 1) };
    } catch (e) {
      skipped.push(`${name}: ${(e as Error).message}`);
    }
  }
  throw new Error(`no tfjs backend works in this browser (${skipped.join('; ')})`);
}
