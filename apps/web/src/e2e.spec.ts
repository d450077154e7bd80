// The inspection page end to end, in the system's Chromium (puppeteer-core, headless): a fresh build served on a
// loopback port, a tiny detector trained and exported by the real `ssad` command on synthetic data made here,
// then in the page: the bundle picked as files, normal and defective images uploaded, their scores against Node's
// (readBundle on the same files), verdicts, the heatmap against the defect masks, the served `?detector=` path on
// WebGL (the page answering promptly while it scores there), a corrupt bundle and a detector folder refused with
// their messages, the pretext view, a batch stopped and one cleared part-way, the table downloaded as CSV.
// Screenshots go to apps/web/test-output/. Skips, saying why, where Chromium is not installed.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import { decodeImage, decodeMask, fitPixels, generateSyntheticDataset, resizeImage, writePng } from '@ssad/data';
import { initBackend, readBundle, type BundleScore } from '@ssad/models';
import { colormap, lutIndex, normalizeMap } from '@ssad/viz';
import { buildPage } from './server/build.js';
import { startStaticServer, type StaticServer } from './server/static-server.js';

const CHROMIUM = process.env.SSAD_CHROMIUM ?? '/usr/bin/chromium';
const ROOT = path.resolve(__dirname, '../../..');
const APP = path.resolve(__dirname, '..');
const OUTPUT = path.join(APP, 'test-output');
const SSAD = path.join(ROOT, 'apps/trainer/bin/ssad.mjs');
const CATEGORY = 'disc';
const run = promisify(execFile);

const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) console.warn(`web e2e: skipped, no Chromium at ${CHROMIUM} (Debian: apt-get install chromium; .ci/run installs it)`);

/** Longest the page's thread may go unresponsive while images are scored (in its scoring worker). */
const MAX_STALL_MS = 200;

/** In every page before its scripts: a 10 ms timer recording the longest gap between its runs. */
const STALL_PROBE = `(() => {
  const p = (window.__stall = { last: performance.now(), max: 0 });
  setInterval(() => { const t = performance.now(); p.max = Math.max(p.max, t - p.last); p.last = t; }, 10);
})();`;

/** |got − want| within 1e-3 of |want| (of 1 for scores near 0, such as z-scores). */
const close = (got: number, want: number) => Math.abs(got - want) <= 1e-3 * Math.max(Math.abs(want), 1);

interface PageRow {
  name: string;
  score: number;
  gaussian: number;
  patch: number;
  verdict: string;
}

/** The fields of one CSV line without line breaks in its fields (RFC 4180 quoting undone). */
const csvFields = (line: string): string[] => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)].slice(0, -1).map(([, f]) => (f.startsWith('"') ? f.slice(1, -1).replaceAll('""', '"') : f));

const rowsOf = (page: Page): Promise<PageRow[]> =>
  page.$$eval('#results tbody tr', (trs) =>
    trs.map((tr) => {
      const d = (tr as HTMLElement).dataset;
      return { name: d.name!, score: Number(d.score), gaussian: Number(d.gaussian), patch: Number(d.patch), verdict: d.verdict! };
    }),
  );

/** The canvas' pixels as values in [0, 1], inverting the turbo colour map the page drew them with. */
async function heatmapValues(page: Page, selector: string): Promise<Float32Array> {
  const rgba = await page.$eval(selector, (c) => {
    const canvas = c as HTMLCanvasElement;
    return Array.from(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data);
  });
  const lut = colormap('turbo');
  const index = new Map<number, number>();
  for (let i = 255; i >= 0; i--) index.set((lut[i * 3] << 16) | (lut[i * 3 + 1] << 8) | lut[i * 3 + 2], i);
  const out = new Float32Array(rgba.length / 4);
  for (let p = 0; p < out.length; p++) {
    const i = index.get((rgba[p * 4] << 16) | (rgba[p * 4 + 1] << 8) | rgba[p * 4 + 2]);
    if (i === undefined) throw new Error(`${selector}: pixel ${p} is not a turbo colour`);
    out[p] = i / 255;
  }
  return out;
}

(haveChromium ? describe : describe.skip)('inspection page in headless Chromium', () => {
  let tmp: string;
  let bundleDir: string;
  let server: StaticServer;
  let browser: Browser;
  let profile: string;
  let downloads: string;
  const uploads: string[] = [];
  const masks = new Map<string, Uint8Array>();
  const expected = new Map<string, BundleScore>();
  let pixelRange: { min: number; max: number };
  let threshold: number;

  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-web-e2e-'));
    fs.mkdirSync(OUTPUT, { recursive: true });
    const dist = path.join(tmp, 'dist');
    const built = buildPage(APP, dist);
    // The synthetic dataset, small: 16 good training images, 3 good and 3 defective test images at 64 px.
    const data = path.join(tmp, 'data');
    await generateSyntheticDataset(data, { size: 64, categories: [CATEGORY], trainCount: 16, testGoodCount: 3, defectCount: 1, seed: 0 });
    const runDir = path.join(tmp, 'run');
    bundleDir = path.join(tmp, 'bundle');
    const tiny = ['--preset', 'quick', '--image-size', '64', '--batch-size', '8', '--samples-per-epoch', '8', '--frozen-epochs', '1', '--full-epochs', '0'];
    await run(process.execPath, [SSAD, 'train', '--data', data, '--category', CATEGORY, ...tiny, '--patch-fraction', '0.25', '--figure-images', '2', '--tsne-per-group', '0', '--out', runDir], { cwd: tmp });
    await run(process.execPath, [SSAD, 'export', '--detector', path.join(runDir, 'detector'), '--out', bundleDir], { cwd: tmp });
    // A corrupt copy (a truncated state file) and the bare detector folder, which is not a bundle.
    const bad = path.join(tmp, 'bad');
    fs.cpSync(bundleDir, bad, { recursive: true });
    fs.truncateSync(path.join(bad, 'density.safetensors'), 100);
    // Uploads with distinct names, plus a defective image at another size (the page fits it as Node does).
    const up = path.join(tmp, 'upload');
    fs.mkdirSync(up);
    const category = path.join(data, CATEGORY);
    for (const type of fs.readdirSync(path.join(category, 'test')).sort())
      for (const f of fs.readdirSync(path.join(category, 'test', type)).sort()) {
        const name = `${type}-${f}`;
        fs.copyFileSync(path.join(category, 'test', type, f), path.join(up, name));
        uploads.push(path.join(up, name));
        if (type !== 'good') masks.set(name, (await decodeMask(path.join(category, 'ground_truth', type, f.replace('.png', '_mask.png')))).mask);
      }
    const odd = path.join(up, 'scratch-wide.png');
    await writePng(odd, resizeImage(await decodeImage(path.join(category, 'test/scratch/000.png'), { channels: 3 }), 96, 80));
    uploads.push(odd);
    // Node's scores of the same files, from the same bundle.
    await initBackend();
    const bundle = readBundle(bundleDir);
    try {
      const { width, height } = bundle.inputSize;
      const images = await Promise.all(uploads.map(async (f) => fitPixels(await decodeImage(f, { channels: 3 }), width, height, bundle.fit).image));
      bundle.score(images).forEach((r, i) => expected.set(path.basename(uploads[i]), r));
      pixelRange = bundle.maps!.range;
      threshold = bundle.threshold;
    } finally {
      bundle.dispose();
    }
    await built;
    server = await startStaticServer({ root: dist, mounts: { 'bundle/': bundleDir, 'bad/': bad, 'detector/': path.join(runDir, 'detector') } });
    profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-web-chromium-'));
    downloads = path.join(tmp, 'downloads');
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      userDataDir: profile,
      downloadBehavior: { policy: 'allow', downloadPath: downloads },
      // Without the background-networking flags Chromium waits on refused connections to its services.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    for (const dir of [tmp, profile]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function open(query = ''): Promise<Page> {
    const page = await browser.newPage();
    await page.evaluateOnNewDocument(STALL_PROBE);
    await page.setViewport({ width: 1200, height: 1500 });
    await page.goto(`${server.url}${query}`);
    await page.waitForFunction(() => document.getElementById('backend')!.dataset.state !== 'starting', { timeout: 60_000 });
    return page;
  }

  async function upload(page: Page, selector: string, ...files: string[]): Promise<void> {
    const input = (await page.$(selector)) as ElementHandle<HTMLInputElement> | null;
    await input!.uploadFile(...files);
  }

  const settled = (page: Page) =>
    page.waitForFunction(() => ['ready', 'error'].includes(document.getElementById('detector-status')!.dataset.state!) || !document.getElementById('detector-error')!.hidden, {
      timeout: 120_000,
    });

  it('loads the exported bundle picked as files, scores every image as Node does, sorts by score and draws the heatmap over the defect', async () => {
    const page = await open();
    // The automatic choice; where WebGL is passed over (no GPU: drawn in software) the page says why.
    const backend = await page.$eval('#backend', (e) => (e as HTMLElement).dataset.backend);
    expect(['webgl', 'wasm', 'cpu']).toContain(backend);
    if (backend !== 'webgl') expect(await page.$eval('#backend', (e) => (e as HTMLElement).title)).toMatch(/^passed over: webgl: /);
    await upload(page, '#detector-files', ...fs.readdirSync(bundleDir).map((f) => path.join(bundleDir, f)));
    await settled(page);
    expect(await page.$eval('#detector-error', (e) => e.textContent)).toBe('');
    expect(await page.$eval('#detector-info', (e) => e.textContent)).toContain(CATEGORY);

    await upload(page, '#image-files', ...uploads);
    await page.waitForFunction((n) => document.querySelectorAll('#results tbody tr').length === n, { timeout: 120_000 }, uploads.length);
    const rows = await rowsOf(page);
    for (const r of rows) {
      const want = expected.get(r.name)!;
      expect({ name: r.name, gaussian: close(r.gaussian, want.scores.gaussian), patch: close(r.patch, want.scores.patch!), score: close(r.score, want.score) })
        .toEqual({ name: r.name, gaussian: true, patch: true, score: true });
      expect([r.name, r.verdict]).toEqual([r.name, want.anomalous ? 'anomalous' : 'normal']);
    }
    expect(rows.map((r) => r.score)).toEqual([...rows.map((r) => r.score)].sort((a, b) => b - a));
    expect(Number(await page.$eval('#timing', (e) => (e as HTMLElement).dataset.msPerImage))).toBeGreaterThan(0);

    // Heatmaps: each defective image's map, as drawn, equals Node's through the bundle's range and is hotter inside
    // the defect than outside.
    for (const [name, mask] of masks) {
      await page.click(`#results tbody tr[data-name="${name}"]`);
      await page.waitForFunction((n) => document.getElementById('detail')!.dataset.name === n, {}, name);
      const drawn = await heatmapValues(page, '#detail-heatmap');
      const node = normalizeMap(expected.get(name)!.map!, pixelRange);
      let off = 0;
      drawn.forEach((v, i) => (off += Math.abs(Math.round(v * 255) - lutIndex(node[i])) > 2 ? 1 : 0));
      expect([name, off / drawn.length < 0.01]).toEqual([name, true]);
      expect(Math.max(...drawn)).toBeGreaterThan(Math.min(...drawn));
      const mean = (inside: boolean) => {
        let sum = 0;
        let n = 0;
        drawn.forEach((v, i) => {
          if ((mask[i] === 1) === inside) {
            sum += v;
            n++;
          }
        });
        return sum / n;
      };
      expect([name, mean(true) > mean(false)]).toEqual([name, true]);
    }

    // The threshold slider moves the verdicts: at the lowest score every image is anomalous.
    const lowest = Math.min(...rows.map((r) => r.score));
    await page.$eval('#threshold', (el, v) => {
      const input = el as HTMLInputElement;
      input.value = String(v);
      input.dispatchEvent(new Event('input'));
    }, lowest);
    expect((await rowsOf(page)).every((r) => r.verdict === 'anomalous')).toBe(true);
    await page.click('#threshold-reset');
    expect((await rowsOf(page)).map((r) => [r.name, r.verdict])).toEqual(rows.map((r) => [r.name, r.verdict]));
    await page.click(`#results tbody tr[data-name="${[...masks.keys()][0]}"]`);
    await page.screenshot({ path: path.join(OUTPUT, 'inspect.png'), fullPage: true });

    // The pretext view on the selected image: 3 classes × 4 samples with masks; reseeding draws others.
    await page.click('nav button[data-view="pretext"]');
    const cells = () => page.$$eval('#pretext-grid figure canvas:first-child', (cs) => cs.map((c) => (c as HTMLCanvasElement).toDataURL()));
    const first = await cells();
    expect(first).toHaveLength(12);
    expect(await page.$$eval('#pretext-grid canvas.mask', (cs) => cs.length)).toBe(12);
    await page.click('#pretext-reseed');
    const second = await cells();
    expect(second.filter((c, i) => c !== first[i]).length).toBeGreaterThan(6);
    await page.screenshot({ path: path.join(OUTPUT, 'pretext.png'), fullPage: true });

    // Stop: a batch of 24 copies (names with a comma and quotes) stopped once the first row is in; the image in the
    // worker finishes and is shown, the rest are skipped and counted.
    await page.click('nav button[data-view="inspect"]');
    await page.click('#clear-images');
    const disabled = (id: string) => page.$eval(`#${id}`, (b) => (b as HTMLButtonElement).disabled);
    expect([await disabled('stop-images'), await disabled('download-csv')]).toEqual([true, true]);
    const copies = Array.from({ length: 24 }, (_, i) => path.join(tmp, 'upload', `copy ${i}, "${path.basename(uploads[i % uploads.length])}"`));
    copies.forEach((c, i) => fs.copyFileSync(uploads[i % uploads.length], c));
    await upload(page, '#image-files', ...copies);
    await page.waitForFunction(() => document.querySelectorAll('#results tbody tr').length > 0, { timeout: 60_000 });
    expect(await disabled('stop-images')).toBe(false);
    await page.click('#stop-images');
    await page.waitForFunction(() => /^Stopped: \d+ image\(s\) skipped\.$/.test(document.getElementById('image-status')!.textContent!), { timeout: 60_000 });
    const skipped = Number((await page.$eval('#image-status', (e) => e.textContent!)).match(/\d+/)![0]);
    const kept = await rowsOf(page);
    expect(skipped).toBeGreaterThan(0);
    expect(kept.length + skipped).toBe(copies.length);
    expect([await disabled('stop-images'), await disabled('download-csv')]).toEqual([true, false]);

    // Download CSV: Chromium saves ssad-scores.csv into `downloads`; its lines are the table's, in order, at full
    // precision, the names with their comma and quotes intact.
    await page.click('#download-csv');
    const csvFile = path.join(downloads, 'ssad-scores.csv');
    for (const until = Date.now() + 10_000; !fs.existsSync(csvFile); ) {
      expect(Date.now()).toBeLessThan(until);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const [header, ...lines] = fs.readFileSync(csvFile, 'utf8').split('\r\n').slice(0, -1).map(csvFields);
    expect(header.slice(0, 7)).toEqual(['image', 'score', 'normalized_score', 'verdict', 'threshold', 'gaussian', 'patch']);
    expect(lines.map(([name, score, , verdict, , gaussian, patch]) => ({ name, score: Number(score), verdict, gaussian: Number(gaussian), patch: Number(patch) })))
      .toEqual(kept.map((r) => ({ name: r.name, score: r.score, verdict: r.verdict, gaussian: r.gaussian, patch: r.patch })));
    for (const [name, , normalized, verdict, t, ...rest] of lines) {
      const want = expected.get(name.match(/"(.+)"$/)![1])!;
      expect([name, rest.length, close(Number(t), threshold), close(Number(normalized), want.normalizedScore), verdict])
        .toEqual([name, header.length - 5, true, true, want.anomalous ? 'anomalous' : 'normal']);
    }

    // Clear cancels what is queued: a batch cleared at once adds no row, not even the image that was in the worker
    // (the next batch's single row is the only one, and it is scored after the cleared one has finished).
    await upload(page, '#image-files', ...copies.slice(0, 8));
    await page.waitForFunction(() => !(document.getElementById('stop-images') as HTMLButtonElement).disabled);
    await page.click('#clear-images');
    expect(await page.$eval('#image-status', (e) => e.textContent)).toMatch(/^Cleared: \d+ image\(s\) skipped\.$/);
    await upload(page, '#image-files', uploads[0]);
    await page.waitForFunction(() => document.querySelectorAll('#results tbody tr').length > 0 && !document.getElementById('image-status')!.textContent, { timeout: 60_000 });
    expect((await rowsOf(page)).map((r) => r.name)).toEqual([path.basename(uploads[0])]);
    await page.close();
  }, 240_000);

  it('loads a served bundle from ?detector= on the backend asked for (WebGL, in software here), with the same scores', async () => {
    const page = await open('?detector=bundle/&backend=webgl');
    expect(await page.$eval('#backend', (e) => (e as HTMLElement).dataset.backend)).toBe('webgl');
    await settled(page);
    expect(await page.$eval('#detector-status', (e) => (e as HTMLElement).dataset.state)).toBe('ready');
    const some = uploads.filter((f) => /(good-000|scratch)/.test(path.basename(f)));
    // Responsiveness: software WebGL takes ~0.6–1 s per image here, which froze the page when it scored on its own
    // thread. Now, while the batch is scored, the page answers every page.evaluate within MAX_STALL_MS, its timer
    // never stops longer, and its progress line moves.
    await page.evaluate(() => Object.assign((window as unknown as { __stall: { last: number; max: number } }).__stall, { last: performance.now(), max: 0 }));
    await upload(page, '#image-files', ...some);
    const answers: number[] = [];
    const progress = new Set<string>();
    const until = Date.now() + 120_000;
    for (let rows = 0; rows < some.length; ) {
      expect(Date.now()).toBeLessThan(until);
      const t0 = performance.now();
      const state = await page.evaluate(() => ({ rows: document.querySelectorAll('#results tbody tr').length, progress: document.getElementById('image-status')!.textContent! }));
      answers.push(performance.now() - t0);
      rows = state.rows;
      if (state.progress) progress.add(state.progress);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const stall = await page.evaluate(() => (window as unknown as { __stall: { max: number } }).__stall.max);
    const slowest = Math.max(...answers);
    fs.writeFileSync(path.join(OUTPUT, 'responsiveness.json'), `${JSON.stringify({ images: some.length, answers: answers.length, slowestAnswerMs: slowest, longestTimerGapMs: stall, progress: [...progress] }, null, 1)}\n`);
    // (Scoring on the page's thread, the commit before the worker: 4 answers, the slowest after 744 ms, a 752 ms gap.)
    expect(answers.length).toBeGreaterThanOrEqual(10);
    expect(slowest).toBeLessThan(MAX_STALL_MS);
    expect(stall).toBeLessThan(MAX_STALL_MS);
    expect(progress.size).toBeGreaterThanOrEqual(2);
    for (const r of await rowsOf(page)) {
      const want = expected.get(r.name)!;
      expect([r.name, close(r.gaussian, want.scores.gaussian), close(r.patch, want.scores.patch!), close(r.score, want.score)]).toEqual([r.name, true, true, true]);
    }
    await page.close();
  }, 180_000);

  it('refuses a corrupt bundle and a detector folder with a message, never a hang', async () => {
    const page = await open('?detector=bad/');
    await settled(page);
    const error = () => page.$eval('#detector-error', (e) => e.textContent ?? '');
    expect(await error()).toMatch(/^This detector cannot be used: http:\/\/127\.0\.0\.1:\d+\/bad\/density\.safetensors: 100 bytes, bundle\.json says \d+ \(a truncated or altered file\)$/);
    expect(await page.$eval('#detector-status', (e) => (e as HTMLElement).dataset.state)).toBe('error');
    expect(await page.$eval('#images-panel', (e) => (e as HTMLElement).hidden)).toBe(true);
    // Picked: the truncated file is named before anything is read.
    const bad = path.join(tmp, 'bad');
    await upload(page, '#detector-files', ...fs.readdirSync(bad).map((f) => path.join(bad, f)));
    await page.waitForFunction(() => /bundle\.json says/.test(document.getElementById('detector-error')!.textContent ?? ''), { timeout: 30_000 });
    expect(await error()).toMatch(/density\.safetensors: 100 bytes, bundle\.json says \d+ \(a truncated or altered file\)/);
    // A manifest of another format version.
    const manifest = JSON.parse(fs.readFileSync(path.join(bundleDir, 'bundle.json'), 'utf8'));
    const future = path.join(tmp, 'future');
    fs.cpSync(bundleDir, future, { recursive: true });
    fs.writeFileSync(path.join(future, 'bundle.json'), JSON.stringify({ ...manifest, formatVersion: 99 }));
    await upload(page, '#detector-files', ...fs.readdirSync(future).map((f) => path.join(future, f)));
    await page.waitForFunction(() => /formatVersion/.test(document.getElementById('detector-error')!.textContent ?? ''), { timeout: 30_000 });
    expect(await error()).toMatch(/bundle\.json: formatVersion 99 is not supported \(this @ssad\/models reads versions 1 and 2\)/);
    // A run's detector folder is not a bundle: the message says how to make one.
    const detector = path.join(tmp, 'run', 'detector');
    await upload(page, '#detector-files', ...fs.readdirSync(detector).map((f) => path.join(detector, f)));
    await page.waitForFunction(() => /detector folder/.test(document.getElementById('detector-error')!.textContent ?? ''), { timeout: 30_000 });
    expect(await error()).toMatch(/: a detector folder \(detector\.json, no bundle\.json\), not a scoring bundle: export it first \(`ssad export/);
    await page.screenshot({ path: path.join(OUTPUT, 'corrupt.png') });
    await page.close();
  }, 120_000);
});
