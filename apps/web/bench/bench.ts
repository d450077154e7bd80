// `nx run web:bench`: milliseconds per 256 px image in headless Chromium, per tfjs backend (webgl, wasm, cpu), as
// the page measures them (bundle.score on one fitted image, after the warm-up image). The detector is untrained
// (fixture-bundle.ts: speed depends on sizes, not weights) with a dense-preset-sized patch bank.
// BENCH_BACKENDS=webgl,wasm,cpu and BENCH_IMAGES=5 (cpu: at most 3) change what is measured; BENCH_SIZE=256.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type ElementHandle } from 'puppeteer-core';
import { writePng } from '@ssad/data';
import { initBackend } from '@ssad/models';
import { buildPage } from '../src/server/build.js';
import { noiseImages, writeFixtureBundle } from '../src/server/fixture-bundle.js';
import { startStaticServer } from '../src/server/static-server.js';

const CHROMIUM = process.env.SSAD_CHROMIUM ?? '/usr/bin/chromium';
const backends = (process.env.BENCH_BACKENDS ?? 'webgl,wasm,cpu').split(',');
const size = Number(process.env.BENCH_SIZE ?? 256);
const count = Number(process.env.BENCH_IMAGES ?? 5);
const appDir = path.resolve(import.meta.dirname, '..');

if (!fs.existsSync(CHROMIUM)) {
  console.error(`web bench: no Chromium at ${CHROMIUM} (Debian: apt-get install chromium)`);
  process.exit(1);
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
  const server = await startStaticServer({ root: path.join(tmp, 'dist'), mounts: { 'bundle/': path.join(tmp, 'bundle') } });
  const browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    userDataDir: profile,
    protocolTimeout: 1_800_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const rows: string[] = [];
  const version = await browser.version();
  try {
    for (const backend of backends) {
      const page = await browser.newPage();
      await page.goto(`${server.url}?detector=bundle/&backend=${backend}`);
      await page.waitForFunction(() => document.getElementById('backend')!.dataset.state !== 'starting', { timeout: 120_000 });
      const line = await page.$eval('#backend', (e) => `${e.textContent} ${(e as HTMLElement).title}`.trim());
      if ((await page.$eval('#backend', (e) => (e as HTMLElement).dataset.state)) === 'error') {
        rows.push(`| ${backend} | unavailable: ${await page.$eval('#page-error', (e) => e.textContent)} | | |`);
        await page.close();
        continue;
      }
      await page.waitForFunction(() => ['ready', 'error'].includes(document.getElementById('detector-status')!.dataset.state!), { timeout: 1_200_000 });
      const load = await page.$eval('#detector-status', (e) => ({ total: Number((e as HTMLElement).dataset.loadMs), warmup: Number((e as HTMLElement).dataset.warmupMs) }));
      const n = backend === 'cpu' ? Math.min(count, 3) : count;
      const input = (await page.$('#image-files')) as ElementHandle<HTMLInputElement>;
      await input.uploadFile(...images.slice(0, n));
      await page.waitForFunction((k) => document.querySelectorAll('#results tbody tr').length === k, { timeout: 1_800_000 }, n);
      const ms = (await page.$$eval('#results tbody tr', (trs) => trs.map((tr) => Number((tr as HTMLElement).dataset.ms)))).sort((a, b) => a - b);
      const median = (ms[(ms.length - 1) >> 1] + ms[ms.length >> 1]) / 2;
      rows.push(`| ${backend} | ${line.replace(/^tfjs backend: /, '')} | ${(load.total / 1000).toFixed(1)} s (warm-up ${(load.warmup / 1000).toFixed(1)} s) | **${median.toFixed(0)}** (${n} images, ${ms[0].toFixed(0)}–${ms.at(-1)!.toFixed(0)}) |`);
      console.error(rows.at(-1));
      await page.close();
    }
  } finally {
    await browser.close();
    await server.close();
  }
  console.log(`Inspection page, headless ${version}, ${size}×${size} px, ` +
    `${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} at the end\n`);
  console.log('| backend | as the page reports it | load + warm-up | ms per image: median (n, min–max) |');
  console.log('|---|---|---|---|');
  for (const r of rows) console.log(r);
} finally {
  for (const dir of [tmp, profile]) fs.rmSync(dir, { recursive: true, force: true });
}
