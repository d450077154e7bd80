#!/usr/bin/env node
// Fast house-rule lint for one project (no ESLint: the rules that matter here are few and textual).
// Usage: node tools/lint.mjs <projectRoot>
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

const projectRoot = process.argv[2];
if (!projectRoot || !fs.existsSync(projectRoot)) {
  console.error(`lint: project root "${projectRoot ?? ''}" does not exist`);
  process.exit(2);
}
const isLib = projectRoot.replace(/\\/g, '/').startsWith('libs/');
const libName = isLib ? path.basename(projectRoot) : '';
// Portable libs run in browsers and workers too: no tfjs, no other @ssad lib, no node built-ins.
const portable = new Set(['augment', 'metrics']);

function* walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist') continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (p.endsWith('.ts')) yield p;
  }
}

const problems = [];
const srcDir = path.join(projectRoot, 'src');
for (const file of fs.existsSync(srcDir) ? walk(srcDir) : []) {
  const text = fs.readFileSync(file, 'utf8');
  const isSpec = file.endsWith('.spec.ts');
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    const at = `${file}:${i + 1}`;
    if (!isSpec && /\bMath\.random\s*\(/.test(line)) problems.push(`${at}: Math.random (use a seeded Rng)`);
    if (isLib && !isSpec && /\bconsole\.(log|info|warn|error|debug)\s*\(/.test(line))
      problems.push(`${at}: console output in a library (report through a callback)`);
    if (isSpec && /\b(it|test|describe)\.only\(|(^|[^.\w])f(it|describe)\(/.test(line)) problems.push(`${at}: focused test`);
    const imp = line.match(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/);
    if (!imp) return;
    const spec = imp[1];
    if (/\.\.\/(\.\.\/)*(libs|apps)\//.test(spec) || /^(\.\.\/){2,}[a-z-]+\/src/.test(spec))
      problems.push(`${at}: deep import "${spec}" (import other projects through @ssad/<name>)`);
    if (/^@ssad\/[a-z-]+\//.test(spec)) problems.push(`${at}: "${spec}" reaches past a lib's public API`);
    if (isLib && /apps\//.test(spec)) problems.push(`${at}: a library imports an app`);
    if (isLib && `@ssad/${libName}` === spec) problems.push(`${at}: a lib imports itself through its package name`);
    if (portable.has(libName) && !isSpec) {
      if (/^@tensorflow\//.test(spec)) problems.push(`${at}: @ssad/${libName} must not depend on tfjs`);
      if (/^@ssad\//.test(spec)) problems.push(`${at}: @ssad/${libName} must not import other @ssad libs`);
      if (/^(node:|fs$|path$|os$|worker_threads$)/.test(spec)) problems.push(`${at}: @ssad/${libName} must stay portable (no "${spec}")`);
    }
  });
}
// A browser entry (src/browser.ts: the package's "browser" export) and everything it imports must not reach Node:
// no built-in modules, and other @ssad libs only if they are portable or have a browser entry themselves.
const browserEntry = path.join(srcDir, 'browser.ts');
if (fs.existsSync(browserEntry)) {
  const builtins = new Set(builtinModules);
  const browserSafeLib = (name) => portable.has(name) || fs.existsSync(path.join('libs', name, 'src', 'browser.ts'));
  const seen = new Set();
  const visit = (file, from) => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!fs.existsSync(file)) return problems.push(`${from}: imports ${file}, which does not exist`);
    for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(/(?:from\s+|import\s*\(\s*|^import\s+)['"]([^'"]+)['"]/gm)) {
      if (spec.startsWith('.')) visit(path.join(path.dirname(file), spec.replace(/\.js$/, '.ts')), file);
      else if (spec.startsWith('node:') || builtins.has(spec.split('/')[0]))
        problems.push(`${file}: imports "${spec}", but ${browserEntry} (the browser entry) reaches this file`);
      else if (/^@ssad\//.test(spec) && !browserSafeLib(spec.slice(6)))
        problems.push(`${file}: imports "${spec}", which has no browser entry, but ${browserEntry} reaches this file`);
    }
  };
  visit(browserEntry, browserEntry);
}

if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`lint: ${problems.length} problem(s) in ${projectRoot}`);
  process.exit(1);
}
console.log(`lint: ${projectRoot} clean`);
