// Builds the page with the workspace's Vite (the `web:build` target's command), for the e2e test and the bench,
// which serve a fresh build of their own.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** Vite's command-line script, as installed for the app. */
export function viteBin(appDir: string): string {
  const pkg = createRequire(path.join(appDir, 'package.json')).resolve('vite/package.json');
  const { bin } = JSON.parse(fs.readFileSync(pkg, 'utf8')) as { bin: Record<string, string> };
  return path.join(path.dirname(pkg), bin.vite);
}

/** `vite build` of the app in `appDir` into `outDir`; rejects with Vite's output when it fails. */
export function buildPage(appDir: string, outDir: string): Promise<void> {
  const args = [viteBin(appDir), 'build', '--config', path.join(appDir, 'vite.config.ts'), '--outDir', outDir, '--emptyOutDir'];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: appDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`vite build exited with ${code}:\n${output}`))));
  });
}
