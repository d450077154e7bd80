// The page's static server: files only from inside its folders, the right types, the isolation headers.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { startStaticServer, type StaticServer } from './server/static-server.js';

function get(url: string, method = 'GET'): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('static server', () => {
  let tmp: string;
  let server: StaticServer;
  beforeAll(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-web-server-'));
    for (const d of ['site/assets', 'bundle', 'outside']) fs.mkdirSync(path.join(tmp, d), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'site/index.html'), '<!doctype html>');
    fs.writeFileSync(path.join(tmp, 'site/assets/x.wasm'), 'wasm');
    fs.writeFileSync(path.join(tmp, 'bundle/bundle.json'), '{}');
    fs.writeFileSync(path.join(tmp, 'outside/secret.txt'), 'secret');
    fs.symlinkSync(path.join(tmp, 'outside/secret.txt'), path.join(tmp, 'bundle/link.json'));
    server = await startStaticServer({ root: path.join(tmp, 'site'), mounts: { 'detector/': path.join(tmp, 'bundle') } });
  });
  afterAll(async () => {
    await server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('serves the page, its assets and the mounted bundle on loopback with types and isolation headers', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const index = await get(server.url);
    expect([index.status, index.body, index.headers['content-type']]).toEqual([200, '<!doctype html>', 'text/html; charset=utf-8']);
    expect(index.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(index.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect((await get(`${server.url}assets/x.wasm`)).headers['content-type']).toBe('application/wasm');
    const manifest = await get(`${server.url}detector/bundle.json`);
    expect([manifest.status, manifest.body, manifest.headers['content-length']]).toEqual([200, '{}', '2']);
    expect((await get(`${server.url}detector/bundle.json`, 'HEAD')).body).toBe('');
  });

  it('refuses what is not a file inside its folders', async () => {
    for (const p of ['detector/link.json', 'detector/../outside/secret.txt', 'detector/%2e%2e/outside/secret.txt', '..%2foutside/secret.txt', 'assets', 'nothing', '%E0%A4%A'])
      expect([p, (await get(`${server.url}${p}`)).status]).toEqual([p, 404]);
    expect((await get(server.url, 'POST')).status).toBe(405);
  });
});
