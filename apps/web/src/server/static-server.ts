// A small static file server for the built page (and, mounted beside it, a scoring bundle): GET/HEAD only, files
// only from inside the folders given (no `..`, no links leading out), loopback by default. It sends the two
// cross-origin isolation headers so the WASM backend may use threads — what any static host would need to add.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
};

export const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' } as const;

export interface StaticServerOptions {
  /** Folder served at `/` (index.html for `/`). */
  root: string;
  /** More folders by URL prefix, e.g. { 'detector/': bundleDir }. */
  mounts?: Record<string, string>;
  /** Default 127.0.0.1 (this machine only). */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
}

export interface StaticServer {
  /** `http://host:port/`. */
  url: string;
  close(): Promise<void>;
}

/** The file `urlPath` names inside `folder`, or undefined when it is not a regular file inside it. */
function fileInside(folder: string, relative: string): string | undefined {
  try {
    const base = fs.realpathSync(folder);
    const inside = (p: string) => p.startsWith(base + path.sep);
    const candidate = path.resolve(base, relative);
    if (!inside(candidate)) return undefined;
    const real = fs.realpathSync(candidate);
    return inside(real) && fs.statSync(real).isFile() ? real : undefined;
  } catch {
    return undefined;
  }
}

function resolveRequest(o: StaticServerOptions, pathname: string): string | undefined {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname).replace(/^\/+/, '');
  } catch {
    return undefined;
  }
  if (rel.includes('\0')) return undefined;
  for (const [prefix, folder] of Object.entries(o.mounts ?? {})) if (rel.startsWith(prefix)) return fileInside(folder, rel.slice(prefix.length));
  return fileInside(o.root, rel === '' ? 'index.html' : rel);
}

export function startStaticServer(o: StaticServerOptions): Promise<StaticServer> {
  const server = http.createServer((req, res) => {
    const headers = { ...ISOLATION_HEADERS, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
      return;
    }
    const file = resolveRequest(o, new URL(req.url ?? '/', 'http://localhost').pathname);
    if (!file) {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    const size = fs.statSync(file).size;
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'Content-Length': size });
    if (req.method === 'HEAD') res.end();
    else fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => {
      const { address, port } = server.address() as AddressInfo;
      const host = address.includes(':') ? `[${address}]` : address;
      resolve({
        url: `http://${host}:${port}/`,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
