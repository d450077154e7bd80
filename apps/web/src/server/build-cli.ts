// `nx run web:build`: the page into apps/web/dist (static files: index.html, one script, the WASM binaries).
import path from 'node:path';
import { buildPage } from './build.js';

const appDir = path.resolve(import.meta.dirname, '../..');
buildPage(appDir, path.join(appDir, 'dist')).then(
  () => process.stdout.write(`built ${path.relative(process.cwd(), path.join(appDir, 'dist'))}/ (static files: serve them from any web server)\n`),
  (e: Error) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  },
);
