// `nx run web:bench`: milliseconds per 256 px image in headless Chromium, per tfjs backend (webgl, wasm, cpu), as
// the page measures them (bundle.score on one fitted image in the scoring worker, after the warm-up image), the
// wall time per image of the whole batch (decode, transfer, scoring, drawing), and the longest the page's own
// thread went without running a 10 ms timer while the batch was scored (what a user feels as a frozen page).
// The detector is untrained (fixture-bundle.ts: speed depends on sizes, not weights) with a dense-preset-sized
// patch bank.
// BENCH_BACKENDS=webgl,wasm,cpu and BENCH_IMAGES=5 (cpu: at most 3) change what is measured; BENCH_SIZE=256.
// BENCH_BASELINE=<a built page folder> (e.g. an older commit's `vite build`) measures that page too, interleaved with
// this one (BENCH_ROUNDS=1 rounds, the order alternating), and prints the ratios.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type ElementHandle } from 'puppeteer-core';
import { writePng } from '@ssad/data';
import { initBackend } from '@ssad/models';
import { buildPage } from '../src/server/build.js';
import { noiseImages, writeFixtureBundle } from '../src/server/fixture-bundle.js';
import { startStaticServer, type StaticServer } from '../src/server/static-server.js';

const CHROMIUM = process.env.SSAD_CHROMIUM ?? '/usr/bin/chromium';
const backends = (process.env.BENCH_BACKENDS ?? 'webgl,wasm,cpu').split(',');
const size = Number(process.env.BENCH_SIZE ?? 256);
const count = Number(process.env.BENCH_IMAGES ?? 5);
const baseline = process.env.BENCH_BASELINE ? path.resolve(process.env.BENCH_BASELINE) : undefined;
const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
const appDir = path.resolve(import.meta.dirname, '..');

if (!fs.existsSync(CHROMIUM)) {
  console.error(`web bench: no Chromium at ${CHROMIUM} (Debian: apt-get install chromium)`);
  process.exit(1);
}
if (baseline && !fs.existsSync(path.join(baseline, 'index.html'))) {
  console.error(`web bench: BENCH_BASELINE=${baseline} has no index.html (a built page folder expected)`);
  process.exit(1);
}

/** In every page before its scripts: a 10 ms timer that records the longest gap between its runs. */
const PROBE = `(() => {
  const p = (window.__stall = { last: performance.now(), max: 0, ticks: 0 });
  setInterval(() => { const t = performance.now(); p.max = Math.max(p.max, t - p.last); p.last = t; p.ticks++; }, 10);
})();`;

interface Measure {
  median: number;
  min: number;
  max: number;
  n: number;
  wallPerImage: number;
  stall: number;
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
};

async function measure(browser: Browser, server: StaticServer, label: string, backend: string, images: string[]): Promise<{ row: string; m?: Measure }> {
  const page = await browser.newPage();
  try {
    await page.evaluateOnNewDocument(PROBE);
    await page.goto(`${server.url}?detector=bundle/&backend=${backend}`);
    await page.waitForFunction(() => document.getElementById('backend')!.dataset.state !== 'starting', { timeout: 120_000 });
    const line = await page.$eval('#backend', (e) => `${e.textContent} ${(e as HTMLElement).title}`.trim());
    if ((await page.$eval('#backend', (e) => (e as HTMLElement).dataset.state)) === 'error')
      return { row: `| ${label} | ${backend} | unavailable: ${await page.$eval('#page-error', (e) => e.textContent)} | | | | |` };
    await page.waitForFunction(() => ['ready', 'error'].includes(document.getElementById('detector-status')!.dataset.state!), { timeout: 1_200_000 });
    const load = await page.$eval('#detector-status', (e) => ({ total: Number((e as HTMLElement).dataset.loadMs), warmup: Number((e as HTMLElement).dataset.warmupMs) }));
    const n = backend === 'cpu' ? Math.min(count, 3) : count;
    const input = (await page.$('#image-files')) as ElementHandle<HTMLInputElement>;
    await page.evaluate(() => {
      const p = (window as unknown as { __stall: { last: number; max: number } }).__stall;
      p.last = performance.now();
      p.max = 0;
    });
    const t0 = Date.now();
    await input.uploadFile(...images.slice(0, n));
    await page.waitForFunction((k) => document.querySelectorAll('#results tbody tr').length === k, { timeout: 1_800_000, polling: 50 }, n);
    const wall = Date.now() - t0;
    const stall = await page.evaluate(() => (window as unknown as { __stall: { max: number } }).__stall.max);
    const ms = await page.$$eval('#results tbody tr', (trs) => trs.map((tr) => Number((tr as HTMLElement).dataset.ms)));
    const m = { median: median(ms), min: Math.min(...ms), max: Math.max(...ms), n, wallPerImage: wall / n, stall };
    const row =
      `| ${label} | ${backend} | ${line.replace(/^tfjs backend: /, '')} | ${(load.total / 1000).toFixed(1)} s (warm-up ${(load.warmup / 1000).toFixed(1)} s) | ` +
      `**${m.median.toFixed(0)}** (${n} images, ${m.min.toFixed(0)}–${m.max.toFixed(0)}) | ${m.wallPerImage.toFixed(0)} | ${m.stall.toFixed(0)} |`;
    return { row, m };
  } finally {
    await page.close();
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-web-bench-'));
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-web-bench-chromium-'));
try {
  await buildPage(appDir, path.join(tmp, 'dist'));
  await initBackend();
  writeFixtureBundle(path.join(tmp, 'bundle'), size);
  const images = await Promise.all(
    noiseImages(count, size, 7).map(async (img, i) => {
      const file = path.join(tmp, `image-${i}.png`);
      await writePng(file, img);
      return file;
    }),
  );
  const mounts = { 'bundle/': path.join(tmp, 'bundle') };
  const pages: { label: string; server: StaticServer }[] = [{ label: 'this', server: await startStaticServer({ root: path.join(tmp, 'dist'), mounts }) }];
  if (baseline) pages.push({ label: 'baseline', server: await startStaticServer({ root: baseline, mounts }) });
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    protocolTimeout: 1_800_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const rows: string[] = [];
  const results = new Map<string, Measure[]>();
  const loads: string[] = [];
  const version = await browser.version();
  try {
    for (let round = 0; round < rounds; round++)
      for (const backend of backends)
        for (const { label, server } of round % 2 ? [...pages].reverse() : pages) {
          const { row, m } = await measure(browser, server, label, backend, images);
          rows.push(row);
          loads.push(os.loadavg()[0].toFixed(1));
          if (m) results.set(`${label} ${backend}`, [...(results.get(`${label} ${backend}`) ?? []), m]);
          console.error(row);
        }
  } finally {
    await browser.close();
    for (const p of pages) await p.server.close();
  }
  console.log(
    `Inspection page, headless ${version}, ${size}×${size} px, ${os.cpus().length} cores, ` +
      `1-minute load average after each measurement: ${loads.join(', ')}${baseline ? `; baseline: ${baseline}` : ''}\n`,
  );
  console.log('| page | backend | as the page reports it | load + warm-up | ms per image: median (n, min–max) | wall ms per image | longest main-thread stall, ms |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  if (baseline) {
    // Ratios within each round (the two pages measured back to back, so under about the same load), then their median.
    console.log('\n| backend | ms per image, this / baseline, per round → median | wall per image, this / baseline → median | longest stall: this vs baseline, ms |');
    console.log('|---|---|---|---|');
    for (const backend of backends) {
      const a = results.get(`this ${backend}`);
      const b = results.get(`baseline ${backend}`);
      if (!a || !b || a.length !== b.length) continue;
      const ratios = (k: keyof Measure) => a.map((m, i) => m[k] / b[i][k]);
      const show = (r: number[]) => `${r.map((v) => v.toFixed(2)).join(', ')} → **${median(r).toFixed(2)}**`;
      console.log(
        `| ${backend} | ${show(ratios('median'))} | ${show(ratios('wallPerImage'))} | ` +
          `${Math.max(...a.map((m) => m.stall)).toFixed(0)} vs ${Math.max(...b.map((m) => m.stall)).toFixed(0)} |`,
      );
    }
  }
} finally {
  for (const dir of [tmp, profile]) fs.rmSync(dir, { recursive: true, force: true });
}
