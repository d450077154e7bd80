// Skia decodes synchronously on the calling thread, so decoding in parallel needs worker threads. The workers get
// only files on which Skia returns the stored samples: JPEG without its EXIF and ICC segments, and 8-bit opaque PNG
// without its colour chunks (byte-identical to decodePng, tested); other PNGs are decoded on the calling thread.
// On the 900×900 bottle PNGs two workers are ~10% faster than decodePng alone, whose Paeth unfiltering is the
// main-thread cost. The worker is eval'd source because a library has no reliable path to a worker file under
// both ESM and jest's CommonJS transform.
import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { checkImageContainer } from './container.js';
import { checkPixelLimit, decodeJpeg, decodePixels, decodePng, type DecodedPixels } from './decode.js';
import { DataFileError } from './errors.js';
import { withoutExifAndIcc } from './jpeg.js';
import { parsePng, skiaReadsExactly, withoutColourChunks } from './png.js';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createCanvas, loadImage } = require(workerData.canvasPath);
parentPort.on('message', async ({ id, bytes }) => {
  try {
    const img = await loadImage(bytes);
    const { width, height } = img;
    const ctx = createCanvas(width, height).getContext('2d');
    ctx.drawImage(img, 0, 0);
    const rgba = new Uint8Array(ctx.getImageData(0, 0, width, height).data);
    parentPort.postMessage({ id, width, height, rgba }, [rgba.buffer]);
  } catch (err) {
    parentPort.postMessage({ id, error: err && err.message ? err.message : String(err) });
  }
});
`;

/** The canvas package as seen from the entry script, then from the working directory; undefined if neither. */
function resolveCanvas(): string | undefined {
  const bases = [process.argv[1], path.join(process.cwd(), 'index.js')].filter((b): b is string => !!b);
  for (const base of bases) {
    try {
      return createRequire(path.resolve(base)).resolve('@napi-rs/canvas');
    } catch {
      // try the next base
    }
  }
  return undefined;
}

interface Task {
  resolve: (v: DecodedPixels) => void;
  reject: (e: unknown) => void;
  name: string;
  bytes: Uint8Array;
  maxPixels?: number;
  worker: Worker;
}

interface Slot {
  worker: Worker;
  busy: number;
}

/**
 * Decodes on `threads` worker threads (0 = on the calling thread). Falls back to the calling thread if the workers
 * cannot load @napi-rs/canvas. Idle workers do not keep the process alive; `close()` ends them.
 */
export class DecodePool {
  private readonly slots: Slot[] = [];
  private readonly tasks = new Map<number, Task>();
  private nextId = 0;
  private failed = false;
  // A dataset closes its pool when a strict loadAll fails while other loads are still in flight; those finish
  // on the calling thread instead of starting new workers.
  private closed = false;

  constructor(readonly threads: number) {
    if (!Number.isInteger(threads) || threads < 0 || threads > 64) {
      throw new RangeError(`DecodePool: threads must be an integer in [0, 64] (got ${threads})`);
    }
  }

  /** Whether decoding currently happens on worker threads. */
  get parallel(): boolean {
    return this.threads > 0 && !this.failed && !this.closed;
  }

  async decode(bytes: Uint8Array, name: string, maxPixels?: number): Promise<DecodedPixels> {
    const format = checkImageContainer(bytes, name);
    checkPixelLimit(bytes, name, maxPixels);
    const png = format === 'png' ? parsePng(bytes, name) : undefined;
    if (png && !(this.parallel && skiaReadsExactly(png))) return decodePng(bytes, name, png);
    const slot = this.parallel ? this.pickSlot() : undefined;
    if (!slot) return png ? decodePng(bytes, name, png) : decodeJpeg(bytes, name);
    const id = this.nextId++;
    const copy = new Uint8Array(png ? withoutColourChunks(bytes) : withoutExifAndIcc(bytes));
    return new Promise<DecodedPixels>((resolve, reject) => {
      this.tasks.set(id, { resolve, reject, name, bytes, maxPixels, worker: slot.worker });
      if (slot.busy++ === 0) slot.worker.ref();
      slot.worker.postMessage({ id, bytes: copy }, [copy.buffer]);
    }).finally(() => {
      // Not once closing: close() keeps the worker ref'd until it has exited.
      if (--slot.busy === 0 && !this.closed) slot.worker.unref();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    // Ref'd until they have exited: an idle worker is unref'd (and a busy one was unref'd again when its last task
    // answered during close), and awaiting its termination with nothing else pending let the process end, exit
    // code 0, in the middle of the caller's await — a training whose test set had a bad mask "succeeded" silently
    // about one time in six (found by the trainer's usage spec failing intermittently).
    await Promise.all(
      slots.map((s) => {
        s.worker.ref();
        return s.worker.terminate();
      }),
    );
  }

  private pickSlot(): Slot | undefined {
    if (this.slots.length < this.threads) {
      const worker = this.spawn();
      if (!worker) return undefined;
      this.slots.push({ worker, busy: 0 });
    }
    let best = this.slots[0];
    for (const s of this.slots) if (s.busy < best.busy) best = s;
    return best;
  }

  private spawn(): Worker | undefined {
    const canvasPath = resolveCanvas();
    if (!canvasPath) {
      this.failed = true;
      return undefined;
    }
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { canvasPath } });
    worker.unref();
    worker.on('message', (m: { id: number; width: number; height: number; rgba?: Uint8Array; error?: string }) => {
      const task = this.tasks.get(m.id);
      if (!task) return;
      this.tasks.delete(m.id);
      if (m.error !== undefined) task.reject(new DataFileError(task.name, `cannot decode image: ${m.error}`));
      else if (!(m.width > 0 && m.height > 0) || !m.rgba) {
        task.reject(new DataFileError(task.name, `decoded to an empty image (${m.width}×${m.height})`));
      } else task.resolve({ width: m.width, height: m.height, channels: 4, data: m.rgba });
    });
    // A worker that dies (e.g. the native module fails to load) hands its tasks back to the calling thread.
    worker.on('error', (err) => this.retire(worker, err));
    worker.on('exit', () => this.retire(worker));
    return worker;
  }

  private retire(worker: Worker, err?: Error): void {
    const i = this.slots.findIndex((s) => s.worker === worker);
    if (i >= 0) this.slots.splice(i, 1);
    if (err) this.failed = true;
    for (const [id, task] of this.tasks) {
      if (task.worker !== worker) continue;
      this.tasks.delete(id);
      decodePixels(task.bytes, task.name, task.maxPixels).then(task.resolve, task.reject);
    }
  }
}
