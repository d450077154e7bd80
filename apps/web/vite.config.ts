// The inspection page: a static single-page app. The @ssad libs resolve to their browser entries' sources (as
// tsconfig paths do for Node), so the page runs the very code Node scores with; a Node built-in reached from our
// code fails the build instead of being stubbed.
import { builtinModules } from 'node:module';
import path from 'node:path';
import { defineConfig, type Plugin } from 'vite';

const root = path.resolve(import.meta.dirname, '../..');
const lib = (name: string, entry: string) => path.join(root, 'libs', name, 'src', entry);

function noNodeBuiltins(): Plugin {
  const builtins = new Set(builtinModules);
  return {
    name: 'ssad-no-node-builtins',
    enforce: 'pre',
    resolveId(id, importer) {
      const ours = importer !== undefined && !importer.includes('node_modules') && importer.startsWith(root);
      if (ours && (id.startsWith('node:') || builtins.has(id.split('/')[0])))
        this.error(`${path.relative(root, importer)} imports "${id}": the page must not reach Node built-ins (import @ssad libs through their browser entries)`);
      return null;
    },
  };
}

export default defineConfig({
  root: import.meta.dirname,
  // Relative asset paths: the built folder works from any URL path (a sub-folder of a static host, file shares).
  base: './',
  plugins: [noNodeBuiltins()],
  resolve: {
    alias: {
      '@ssad/augment': lib('augment', 'index.ts'),
      '@ssad/data': lib('data', 'browser.ts'),
      '@ssad/models': lib('models', 'browser.ts'),
      '@ssad/viz': lib('viz', 'browser.ts'),
    },
  },
  // The scoring worker (src/page/worker/score-worker.ts, started as a module worker) is bundled on its own, with
  // tfjs and the WASM binaries' URLs; the page's script imports no tfjs. Same Node built-in check in both.
  worker: { format: 'es', plugins: () => [noNodeBuiltins()] },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Not minified: tfjs-backend-wasm starts its threads' workers from the source text of its factory function,
    // which minification renames into references the worker cannot resolve ("e is not defined", tfjs #4107), and
    // multi-threaded WASM is the fastest backend here. The script is ~3 MB (one download, next to a ~50 MB detector).
    minify: false,
    // tfjs (layers, converter, backends) is in the worker's ~3 MB script; it loads once and is cached.
    chunkSizeWarningLimit: 4096,
  },
  logLevel: 'warn',
});
