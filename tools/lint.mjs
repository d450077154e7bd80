#!/usr/bin/env node
// Fast house-rule lint for one project (no ESLint: the rules that matter here are few and textual).
// Usage: node tools/lint.mjs <projectRoot>
import fs from 'node:fs';
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
if (problems.length) {
  console.error(problems.join('\n'));
  console.error(`lint: ${problems.length} problem(s) in ${projectRoot}`);
  process.exit(1);
}
console.log(`lint: ${projectRoot} clean`);
