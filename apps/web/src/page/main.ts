// The inspection page: starts the scoring worker (which picks the tfjs backend and holds the detector), then runs
// the detector view and the pretext-task view. Query parameters: `detector=<folder URL>` loads a served bundle at
// start (what `web:serve` prints), `backend=webgl|wasm|cpu` insists on one backend.
import { byId, showMessage } from './dom.js';
import { InspectView } from './inspect.js';
import { PretextView } from './pretext.js';
import { BACKEND_ORDER, requestedBackend } from './score-protocol.js';
import { Scorer } from './scorer.js';

const pageError = byId('page-error');
const report = (e: unknown) => showMessage(pageError, `Something went wrong: ${e instanceof Error ? e.message : String(e)}`);
window.addEventListener('error', (e) => report(e.error ?? e.message));
window.addEventListener('unhandledrejection', (e) => report(e.reason));

const pretext = new PretextView();
for (const button of document.querySelectorAll<HTMLButtonElement>('nav button')) {
  button.addEventListener('click', () => {
    for (const b of document.querySelectorAll<HTMLButtonElement>('nav button')) {
      b.setAttribute('aria-pressed', String(b === button));
      byId(`view-${b.dataset.view}`).hidden = b !== button;
    }
    pretext.setVisible(button.dataset.view === 'pretext');
  });
}

const scorer = new Scorer();
const inspect = new InspectView(scorer, (image, name) => {
  pretext.setSize(image.width);
  pretext.offer(image, name);
});

async function start(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const backendLine = byId('backend');
  try {
    const requested = requestedBackend(params.get('backend'));
    const pick = await scorer.init(requested ? [requested] : BACKEND_ORDER);
    backendLine.textContent = `tfjs backend: ${pick.backend} (${pick.detail})`;
    backendLine.title = pick.skipped.length ? `passed over: ${pick.skipped.join('; ')}` : '';
    backendLine.dataset.state = 'ready';
    backendLine.dataset.backend = pick.backend;
    inspect.enable(pick.backend);
  } catch (e) {
    backendLine.textContent = 'tfjs backend: none';
    backendLine.dataset.state = 'error';
    report(e);
    return;
  }
  const detector = params.get('detector');
  if (detector) await inspect.loadUrl(detector);
}

void start();
