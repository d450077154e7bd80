// The detector view: load a scoring bundle, score picked or dropped images with it, show each image's score,
// 0–1 score and verdict in a table sorted by score, and the selected image's heatmap; the threshold slider moves
// the verdicts over the validation normal images' score distribution. The detector lives in the scoring worker
// (scorer.ts): this thread reads files, decodes and fits images, and draws — it stays responsive while scoring.
// A batch is scored one image at a time from the queue below, so Stop and Clear cancel it here, between images:
// the image already in the worker finishes (after Stop its row is shown, after Clear dropped), the rest are skipped.
import type { PixelImage } from '@ssad/augment';
import { normalizeScore, type BundleScore } from '@ssad/models';
import { bundleFromFiles, bundleFromUrl, type BundleBytes } from './bundle-loader.js';
import { decodeImageFile } from './decode.js';
import { byId, canvasOf, download, element, fmt, onFiles, showMessage } from './dom.js';
import { heatmapImage } from './draw.js';
import { drawHistogram, scoreRange } from './histogram.js';
import type { BundleSummary, ScoredImage } from './score-protocol.js';
import { scoresCsv, type CsvRow } from './scores-csv.js';
import type { Scorer } from './scorer.js';

interface Row {
  name: string;
  /** As the network saw it (fitted to the input size). */
  image: PixelImage;
  /** The image under its map, the region at or above the pixel threshold outlined (with maps only). */
  overlay?: PixelImage;
  result: BundleScore;
  ms: number;
  /** Drawn once (the slider re-renders the table often). */
  thumb?: HTMLCanvasElement;
}

export class InspectView {
  private bundle?: BundleSummary;
  private rows: Row[] = [];
  private threshold = 0;
  private selected?: Row;
  private detailOf?: Row;
  private backend = '';
  /** One job at a time (loading a detector, scoring images), in the order asked. */
  private queue: Promise<void> = Promise.resolve();
  /** Bumped by Stop and Clear: the batches asked for before skip the images they have not started. */
  private batch = 0;
  /** Bumped by Clear: a result that comes back after it belongs to the emptied table and is dropped. */
  private table = 0;
  /** Images picked or dropped and not started yet, over every queued batch (what Stop would skip). */
  private waiting = 0;
  /** The image being scored. */
  private current?: string;
  /** What the last Stop or Clear skipped, for the progress line once the image being scored is done. */
  private skippedNote = '';
  private readonly status = byId('detector-status');
  private readonly error = byId('detector-error');
  private readonly slider = byId<HTMLInputElement>('threshold');
  private readonly progress = byId('image-status');
  private readonly stopButton = byId<HTMLButtonElement>('stop-images');
  private readonly csvButton = byId<HTMLButtonElement>('download-csv');

  constructor(
    private readonly scorer: Scorer,
    private readonly onImage: (image: PixelImage, name: string) => void,
  ) {
    const load = (files: File[]) => this.enqueue(() => this.load(`${files.length} file(s)`, () => bundleFromFiles(files)));
    onFiles(byId('detector-folder'), byId('detector-drop'), load);
    byId('detector-files').addEventListener('change', (e) => {
      const input = e.target as HTMLInputElement;
      const files = [...(input.files ?? [])];
      input.value = '';
      if (files.length) load(files);
    });
    onFiles(byId('image-files'), byId('image-drop'), (files) => {
      const batch = this.batch;
      this.waiting += files.length;
      this.controls();
      void this.enqueue(() => this.score(files, batch));
    });
    this.stopButton.addEventListener('click', () => this.cancel('Stopped'));
    byId('clear-images').addEventListener('click', () => {
      this.cancel('Cleared');
      this.table++;
      this.rows = [];
      this.selected = undefined;
      showMessage(byId('image-errors'), undefined);
      this.render();
    });
    this.csvButton.addEventListener('click', () => download('ssad-scores.csv', scoresCsv(this.sorted().map((r) => this.judged(r)), this.threshold), 'text/csv;charset=utf-8'));
    this.slider.addEventListener('input', () => {
      this.threshold = Number(this.slider.value);
      this.render();
    });
    byId('threshold-reset').addEventListener('click', () => {
      if (!this.bundle) return;
      this.threshold = this.bundle.threshold;
      this.render();
    });
  }

  /** The backend is ready: detectors can be loaded. */
  enable(backend: string): void {
    this.backend = backend;
  }

  loadUrl(url: string): Promise<void> {
    return this.enqueue(() => this.load(url, () => bundleFromUrl(url)));
  }

  private enqueue(job: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(job, job);
    return this.queue;
  }

  private async load(what: string, get: () => Promise<BundleBytes>): Promise<void> {
    if (!this.backend) {
      showMessage(this.error, 'No tfjs backend is running in this page (see the message at the top): a detector cannot be loaded.');
      return;
    }
    this.status.dataset.state = 'loading';
    this.status.textContent = `Loading the detector from ${what}…`;
    showMessage(this.error, undefined);
    const t0 = performance.now();
    let bundle: BundleSummary;
    try {
      const { files, prefix } = await get();
      // The worker checks the files, builds the detector and warms it up (it says when the checks have passed).
      bundle = await this.scorer.load(files, prefix, (message) => (this.status.textContent = message));
    } catch (e) {
      this.status.dataset.state = this.bundle ? 'ready' : 'error';
      this.status.textContent = this.bundle ? 'The detector loaded before stays in use.' : 'No detector loaded.';
      showMessage(this.error, `This detector cannot be used: ${(e as Error).message}`);
      return;
    }
    const warmup = bundle.warmupMs;
    this.bundle = bundle;
    this.rows = [];
    this.selected = undefined;
    this.detailOf = undefined;
    this.threshold = bundle.threshold;
    this.status.dataset.state = 'ready';
    const total = performance.now() - t0;
    this.status.textContent = `Detector loaded from ${what} in ${Math.round(total)} ms (of which ${Math.round(warmup)} ms warming up ${this.backend}).`;
    Object.assign(this.status.dataset, { loadMs: String(total), warmupMs: String(warmup) });
    this.showInfo();
    byId('threshold-panel').hidden = false;
    byId('images-panel').hidden = false;
    this.render();
  }

  private showInfo(): void {
    const b = this.bundle!;
    const m = b.metadata as Record<string, unknown>;
    const metrics = (m.metrics ?? undefined) as Record<string, unknown> | undefined;
    const { width, height } = b.inputSize;
    const entries: [string, string][] = [
      ['category', String(m.category ?? '—')],
      ['input', `${width}×${height} px, images fitted by ${b.fit === 'pad' ? 'padding (aspect kept)' : 'squashing'}`],
      ['image score', `${b.imageScore} (${b.embedding} embedding${b.denseMaps ? ', dense patch maps' : ', no dense maps'})`],
      ['threshold', `${fmt(b.threshold)} (the ${b.thresholdQuantile} quantile of the validation normal images' scores${b.thresholdEstimate === 'normal' ? ', from a normal fit' : ''})`],
      ['measured', metrics && typeof metrics.imageAuroc === 'number' ? `image AUROC ${metrics.imageAuroc.toFixed(3)} on ${metrics.testImages ?? '?'} test images` : '—'],
      ['bundle', `ssad-bundle version ${b.formatVersion}${m.trainedAt ? `, trained ${String(m.trainedAt).slice(0, 10)}` : ''}`],
    ];
    const dl = byId('detector-info');
    dl.replaceChildren(...entries.flatMap(([k, v]) => [element('dt', { textContent: k }), element('dd', { textContent: v })]));
    dl.hidden = false;
  }

  /** Scores `files` one by one, unless Stop or Clear came after `batch` was current (they counted the rest as skipped). */
  private async score(files: File[], batch: number): Promise<void> {
    const table = this.table;
    const errors: string[] = [];
    for (const [i, file] of files.entries()) {
      if (batch !== this.batch) break;
      this.waiting--;
      this.current = file.name;
      this.controls();
      this.progress.textContent = `Scoring image ${i + 1} of ${files.length}: ${file.name}…`;
      try {
        // Decoded here; fitted, scored and overlaid in the worker (`ms`: the time bundle.score took there).
        const scored = await this.scorer.score(await decodeImageFile(file, file.name));
        if (table === this.table) this.add(file.name, scored);
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    this.current = undefined;
    this.controls();
    this.progress.textContent = batch === this.batch ? '' : this.skippedNote;
    if (table === this.table) showMessage(byId('image-errors'), errors.length ? errors.join('\n') : undefined);
  }

  private add(name: string, { image, overlay, result, ms }: ScoredImage): void {
    const row = { name, image, overlay, result, ms };
    this.rows.push(row);
    if (!this.selected) {
      this.selected = row;
      this.onImage(image, name);
    }
    this.render();
  }

  /** Stop or Clear: every queued image not started yet is skipped; the one being scored finishes. */
  private cancel(verb: 'Stopped' | 'Cleared'): void {
    const skipped = this.waiting;
    this.waiting = 0;
    this.batch++;
    this.skippedNote = skipped ? `${verb}: ${skipped} image(s) skipped.` : '';
    if (skipped) this.progress.textContent = this.current && verb === 'Stopped' ? `Stopped: ${skipped} image(s) skipped; finishing ${this.current}…` : this.skippedNote;
    else if (!this.current) this.progress.textContent = ''; // Clear with nothing running: an earlier note goes too.
    this.controls();
  }

  /** Stop while some image is still to be started, Download CSV while the table has rows. */
  private controls(): void {
    this.stopButton.disabled = this.waiting === 0;
    this.csvButton.disabled = this.rows.length === 0;
  }

  /** The table's order: highest score first. */
  private sorted(): Row[] {
    return [...this.rows].sort((a, c) => c.result.score - a.result.score);
  }

  /** A row's 0–1 score and verdict at the threshold in use, as the table and the CSV show them. */
  private judged(r: Row): CsvRow {
    const { score, scores } = r.result;
    return { name: r.name, score, normalized: normalizeScore(score, this.threshold, this.bundle!.scoreScale), anomalous: score >= this.threshold, scores };
  }

  private render(): void {
    const b = this.bundle;
    if (!b) return;
    const validation = b.validationScores ?? [];
    const scores = this.rows.map((r) => r.result.score);
    const { lo, hi } = scoreRange([...validation, ...scores, b.threshold, this.threshold]);
    Object.assign(this.slider, { min: String(lo), max: String(hi), step: String((hi - lo) / 1000) });
    this.slider.value = String(this.threshold);
    drawHistogram(byId<HTMLCanvasElement>('histogram'), validation, scores, this.threshold, lo, hi);
    const anomalous = scores.filter((s) => s >= this.threshold).length;
    byId('threshold-text').textContent =
      `threshold ${fmt(this.threshold)}${this.threshold === b.threshold ? " (the detector's)" : ` (the detector's: ${fmt(b.threshold)})`} · ` +
      (validation.length ? `bars: the ${validation.length} validation normal images' scores` : 'this bundle carries no validation scores (exported before they were kept)') +
      (scores.length ? ` · ticks: ${scores.length} image(s) scored, ${anomalous} anomalous` : '');
    const ms = this.rows.map((r) => r.ms).sort((a, c) => a - c);
    const median = ms.length ? (ms[(ms.length - 1) >> 1] + ms[ms.length >> 1]) / 2 : 0;
    const timing = byId('timing');
    timing.textContent = ms.length ? `${ms.length} image(s) · ${median.toFixed(0)} ms per image (median) on ${this.backend}, at ${b.inputSize.width}×${b.inputSize.height} px` : '';
    timing.dataset.msPerImage = ms.length ? String(median) : '';
    byId('results').querySelector('tbody')!.replaceChildren(...this.sorted().map((r, i) => this.tableRow(r, i + 1)));
    this.controls();
    this.renderDetail();
  }

  private tableRow(r: Row, rank: number): HTMLTableRowElement {
    const b = this.bundle!;
    const { normalized, anomalous } = this.judged(r);
    r.thumb ??= canvasOf(r.overlay ?? r.image);
    const tr = element(
      'tr',
      { className: r === this.selected ? 'selected' : '' },
      element('td', { textContent: String(rank) }),
      element('td', {}, r.thumb),
      element('td', { textContent: r.name }),
      element('td', { textContent: fmt(r.result.score) }),
      element('td', { textContent: normalized.toFixed(3) }),
      element('td', { className: anomalous ? 'verdict-anomalous' : 'verdict-normal', textContent: anomalous ? 'anomalous' : 'normal' }),
      element('td', { textContent: r.ms.toFixed(0) }),
    );
    const { gaussian, patch } = r.result.scores;
    Object.assign(tr.dataset, { name: r.name, score: String(r.result.score), gaussian: String(gaussian), patch: String(patch ?? ''), verdict: anomalous ? 'anomalous' : 'normal', ms: String(r.ms) });
    tr.title = `Gaussian ${fmt(gaussian)}${patch === undefined ? '' : ` · patch ${fmt(patch)}`} · ${b.imageScore} score ${fmt(r.result.score)}`;
    tr.addEventListener('click', () => {
      this.selected = r;
      this.onImage(r.image, r.name);
      this.render();
    });
    return tr;
  }

  private renderDetail(): void {
    const detail = byId('detail');
    const r = this.selected;
    const b = this.bundle!;
    detail.hidden = !r;
    if (r === this.detailOf) return;
    this.detailOf = r;
    if (!r) return detail.replaceChildren();
    const fig = (canvas: HTMLCanvasElement, id: string, caption: string) => {
      canvas.id = id;
      return element('figure', {}, canvas, element('figcaption', { textContent: caption }));
    };
    const figures = [fig(canvasOf(r.image), 'detail-image', `${r.name} (as the network sees it)`)];
    if (b.maps && r.result.map && r.overlay) {
      const { width, height } = r.image;
      figures.push(
        fig(canvasOf(heatmapImage(r.result.map, width, height, b.maps)), 'detail-heatmap', `anomaly map (turbo, ${fmt(b.maps.range.min)} to ${fmt(b.maps.range.max)})`),
        fig(canvasOf(r.overlay), 'detail-overlay', `overlay; outlined: map ≥ ${fmt(b.maps.pixelThreshold)}`),
      );
    } else figures.push(element('figure', {}, element('figcaption', { textContent: 'This detector has no dense maps: no heatmap.' })));
    detail.replaceChildren(...figures);
    detail.dataset.name = r.name;
  }
}
