// The page's side of the scoring worker (worker/score-worker.ts): each call posts one request and resolves with
// the worker's answer or rejects with its error message, unchanged, so the page shows the same messages as when it
// scored on its own thread. Buffers are transferred, not copied: the bundle's bytes and the decoded pixels (the page
// drops both), and back the fitted pixels, the overlay and the map. A worker that dies fails every pending and later call.
//
// The worker is started from a one-line blob: module that imports the built worker script. A blob: worker takes
// the page's cross-origin isolation (COOP/COEP), so WASM threads work wherever the page is isolated; a worker
// started from the script's own URL would need the headers on that file too, and fails to start on a server that
// sends them with index.html only (checked in Chromium 156).
import type { PixelImage } from '@ssad/augment';
import workerScript from './worker/score-worker.ts?worker&url';
import { buffersOf, ownBuffer, type BackendPick, type BundleSummary, type CallName, type PageBackend, type ScoreCalls, type ScoredImage, type WorkerReply, type WorkerRequest } from './score-protocol.js';

interface Pending {
  resolve(value: ScoreCalls[CallName]['reply']): void;
  reject(error: Error): void;
  progress?: (message: string) => void;
}

export class Scorer {
  private readonly worker?: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private broken?: string;

  constructor() {
    try {
      const source = `import ${JSON.stringify(new URL(workerScript, location.href).href)};\n`;
      this.worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })), { type: 'module', name: 'ssad scoring' });
    } catch (e) {
      this.broken = `the scoring worker cannot be started in this browser (${(e as Error).message})`;
      return;
    }
    this.worker.addEventListener('message', (e: MessageEvent<WorkerReply>) => this.answer(e.data));
    // A script that cannot be loaded or an error nothing caught: no answer would ever come.
    this.worker.addEventListener('error', (e) => {
      e.preventDefault();
      this.fail(
        e.message
          ? `the scoring worker stopped (${e.message})`
          : 'the scoring worker could not start: its script did not load',
      );
    });
    this.worker.addEventListener('messageerror', () => this.fail('the scoring worker sent a message the page cannot read'));
  }

  init(order: readonly PageBackend[]): Promise<BackendPick> {
    return this.call('init', { order: [...order] }, []);
  }

  /** The bundle's files by name (bundle.json first); `prefix` goes before file names in errors. */
  load(files: ReadonlyMap<string, Uint8Array>, prefix: string, progress?: (message: string) => void): Promise<BundleSummary> {
    const list = [...files].map(([name, bytes]) => [name, ownBuffer(bytes)] as [string, Uint8Array]);
    return this.call('load', { files: list, prefix }, buffersOf(...list.map(([, b]) => b)), progress);
  }

  /** Fits `image` (decoded, any size) to the bundle's input and scores it; its pixels are moved to the worker. */
  score(image: PixelImage): Promise<ScoredImage> {
    const data = ownBuffer(image.data);
    return this.call('score', { image: { ...image, data } }, buffersOf(data));
  }

  private call<K extends CallName>(call: K, request: ScoreCalls[K]['request'], transfer: ArrayBuffer[], progress?: (message: string) => void): Promise<ScoreCalls[K]['reply']> {
    const worker = this.worker;
    if (this.broken || !worker) return Promise.reject(new Error(this.broken));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as Pending['resolve'], reject, progress });
      worker.postMessage({ id, call, ...request } as WorkerRequest, transfer);
    });
  }

  private answer(reply: WorkerReply): void {
    const p = this.pending.get(reply.id);
    if (!p) return;
    if (reply.kind === 'progress') return p.progress?.(reply.message);
    this.pending.delete(reply.id);
    if (reply.kind === 'done') p.resolve(reply.value);
    else p.reject(new Error(reply.message));
  }

  private fail(message: string): void {
    this.broken = message;
    for (const p of this.pending.values()) p.reject(new Error(message));
    this.pending.clear();
  }
}
