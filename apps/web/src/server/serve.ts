// `nx run web:serve -- [--detector <dir>] [--port N] [--host H]`: serves the built page, and with --detector a
// scoring bundle at /detector/ that the page loads at start (the printed address says so). A run or detector
// folder (what `npm run demo` leaves) is exported to a temporary bundle first, as `ssad export` would.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportBundle, formatHelp, parseArgs, UsageError, type ArgSpec } from '@ssad/pipeline';
import { startStaticServer } from './static-server.js';

const ARGS: ArgSpec[] = [
  { name: 'detector', type: 'string', help: 'scoring bundle (ssad export), or a run or <run>/detector folder to export first' },
  { name: 'port', type: 'int', min: 0, max: 65535, default: '4173', help: 'port (0: any free one)' },
  { name: 'host', type: 'string', default: '127.0.0.1', help: 'address to listen on (0.0.0.0: every interface, to share it on a trusted network)' },
  { name: 'help', type: 'flag', help: 'show this help' },
];

const appDir = path.resolve(import.meta.dirname, '../..');
const dist = path.join(appDir, 'dist');

/** The bundle folder to serve for `given`, exporting a run's detector into a temporary folder when needed. */
async function bundleFor(given: string): Promise<{ dir: string; temporary: boolean }> {
  const dir = path.resolve(given);
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`--detector ${given}: not a folder`);
  if (fs.existsSync(path.join(dir, 'bundle.json'))) return { dir, temporary: false };
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-web-bundle-'));
  process.stdout.write(`${given} is not a scoring bundle: exporting it (as \`ssad export\` does) to ${out}…\n`);
  try {
    await exportBundle(dir, out);
  } catch (e) {
    fs.rmSync(out, { recursive: true, force: true });
    throw e;
  }
  return { dir: out, temporary: true };
}

async function main(argv: string[]): Promise<number> {
  const { options, positionals } = parseArgs(argv, ARGS);
  if (options.help) {
    process.stdout.write(formatHelp('usage: nx run web:serve -- [--detector <bundle, run or detector folder>] [--port 4173] [--host 127.0.0.1]', ARGS));
    return 0;
  }
  if (positionals.length) throw new UsageError(`serve takes no positional arguments (got "${positionals[0]}")`);
  if (!fs.existsSync(path.join(dist, 'index.html'))) throw new Error(`${dist}: no built page; run \`npx nx run web:build\` first`);
  const bundle = typeof options.detector === 'string' ? await bundleFor(options.detector) : undefined;
  const cleanup = () => {
    if (bundle?.temporary) fs.rmSync(bundle.dir, { recursive: true, force: true });
  };
  let server;
  try {
    server = await startStaticServer({ root: dist, mounts: bundle ? { 'detector/': bundle.dir } : {}, host: String(options.host ?? '127.0.0.1'), port: Number(options.port ?? 4173) });
  } catch (e) {
    cleanup();
    const code = (e as NodeJS.ErrnoException).code;
    throw code === 'EADDRINUSE' ? new UsageError(`port ${options.port ?? 4173} is in use; choose another with --port (0: any free port)`) : e;
  }
  process.stdout.write(`ssad inspection page: ${dist}\n`);
  if (bundle) process.stdout.write(`detector bundle: ${bundle.dir} (at /detector/)\n`);
  process.stdout.write(`open ${server.url}${bundle ? '?detector=detector/' : ''}\n(Ctrl-C stops the server)\n`);
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  await server.close();
  cleanup();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
