// The page's scoring worker (a dedicated module worker, started by ../scorer.ts): every tfjs step runs here — the
// backend choice, ScoringBundle.fromFiles on the bundle's bytes (every check Node's readBundle runs), the warm-up
// image, and per image fitting it to the input, bundle.score, its map and overlay — so the page keeps drawing and
// answering while an image is scored. Requests are handled one at a time, in the order they came; each gets one
// answer (its value, or the error's message as the page shows it). The decoded pixels come in as a transferred
// buffer; the fitted pixels, the overlay and the map go back transferred.
import { ScoringBundle } from '@ssad/models';
import { fitToInput } from '../decode.js';
import { overlayImage } from '../draw.js';
import { buffersOf, ownBuffer, type CallName, type ScoreCalls, type WorkerReply, type WorkerRequest } from '../score-protocol.js';
import { pickBackend } from './backend.js';

type Answer<K extends CallName> = { value: ScoreCalls[K]['reply']; transfer?: ArrayBuffer[] };

let bundle: ScoringBundle | undefined;

function reply(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  postMessage(message, { transfer });
}

async function init({ order }: ScoreCalls['init']['request']): Promise<Answer<'init'>> {
  return { value: await pickBackend(order) };
}

function load({ files, prefix }: ScoreCalls['load']['request'], progress: (message: string) => void): Answer<'load'> {
  const next = ScoringBundle.fromFiles(new Map(files), prefix);
  let warmupMs: number;
  try {
    // One image through everything first: shaders compile, WASM warms up, so per-image times are steady ones.
    progress('Detector checked; warming up the backend…');
    const t0 = performance.now();
    const { width, height } = next.inputSize;
    next.score([{ width, height, channels: 3, data: new Uint8Array(width * height * 3).fill(128) }]);
    warmupMs = performance.now() - t0;
  } catch (e) {
    next.dispose();
    throw e;
  }
  bundle?.dispose();
  bundle = next;
  const d = next.detector;
  return {
    value: {
      inputSize: next.inputSize,
      fit: next.fit,
      threshold: next.threshold,
      thresholdQuantile: d.thresholdQuantile,
      thresholdEstimate: d.thresholdEstimate,
      scoreScale: next.scoreScale,
      maps: next.maps,
      validationScores: next.validationScores ? [...next.validationScores] : undefined,
      formatVersion: next.formatVersion,
      metadata: next.metadata,
      imageScore: d.imageScore.kind,
      embedding: d.embedding,
      denseMaps: d.patch !== undefined,
      warmupMs,
    },
  };
}

function score({ image }: ScoreCalls['score']['request']): Answer<'score'> {
  if (!bundle) throw new Error('no detector is loaded in the scoring worker');
  const { width, height } = bundle.inputSize;
  const fitted = fitToInput(image, width, height, bundle.fit);
  fitted.data = ownBuffer(fitted.data);
  const t0 = performance.now();
  const [result] = bundle.score([fitted]);
  const ms = performance.now() - t0;
  if (result.map) result.map = ownBuffer(result.map);
  const overlay = bundle.maps && result.map ? overlayImage(fitted, result.map, bundle.maps) : undefined;
  if (overlay) overlay.data = ownBuffer(overlay.data);
  return { value: { result, image: fitted, overlay, ms }, transfer: buffersOf(fitted.data, overlay?.data, result.map) };
}

async function handle(request: WorkerRequest): Promise<void> {
  const { id } = request;
  try {
    const answer =
      request.call === 'init'
        ? await init(request)
        : request.call === 'load'
          ? load(request, (message) => reply({ id, kind: 'progress', message }))
          : score(request);
    reply({ id, kind: 'done', value: answer.value }, answer.transfer);
  } catch (e) {
    reply({ id, kind: 'failed', message: e instanceof Error ? e.message : String(e) });
  }
}

let queue: Promise<void> = Promise.resolve();
addEventListener('message', (event: MessageEvent<WorkerRequest>) => {
  queue = queue.then(() => handle(event.data));
});
