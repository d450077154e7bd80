#!/usr/bin/env node
// Makes @tensorflow/tfjs-node load without its own install script, which downloads libtensorflow from a host
// that machines with registry-only network cannot reach. Instead:
//   1. pip fetches the tensorflow-cpu wheel (a registry package) and we take libtensorflow_cc / _framework and the
//      C API headers out of it;
//   2. node-gyp compiles tfjs-node's addon against them and the installed Node headers.
// Both results are cached outside the clone (~/.cache/ssad, keyed by versions), so a second set-up only links
// them into node_modules and takes seconds. Never fails the set-up: without a native backend, training falls back
// to the (very slow) pure-JS backend, and we say so.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

const TF_WHEEL_VERSION = process.env.SSAD_TF_WHEEL_VERSION ?? '2.21.0';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(path.join(root, 'package.json'));
const cacheRoot =
  process.env.SSAD_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'ssad');
const force = process.argv.includes('--force');
const say = (msg) => console.log(`[setup-native] ${msg}`);

function nativeLoads() {
  const r = spawnSync(process.execPath, ['-e', "require('@tensorflow/tfjs-node')"], {
    cwd: root,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' },
    encoding: 'utf8',
  });
  return { ok: r.status === 0, error: (r.stderr || '').trim().split('\n').slice(-3).join(' ') };
}

function giveUp(why) {
  say(`no native TensorFlow backend: ${why}`);
  say('training will fall back to the pure-JS backend and be ~1000x slower. To fix: make `pip download ' +
    `tensorflow-cpu==${TF_WHEEL_VERSION}` + "` work (python3 + pip), keep g++/make installed, then `npm run setup`.");
  process.exit(0);
}

function packageDir(name) {
  try {
    return path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    return null;
  }
}

// Layout tfjs-node's binding.gyp expects under deps/: lib/libtensorflow.so(.2), lib/libtensorflow_framework.so(.2),
// include/tensorflow/c/... The wheel's libtensorflow_cc.so.2 exports the C and eager C APIs the addon uses.
function ensureLibtensorflow() {
  const dir = path.join(cacheRoot, `libtensorflow-${TF_WHEEL_VERSION}-${process.arch}`);
  if (!force && fs.existsSync(path.join(dir, 'complete'))) return dir;
  const wheels = path.join(cacheRoot, 'wheels');
  fs.mkdirSync(wheels, { recursive: true });
  let wheel = fs.readdirSync(wheels).find((f) => f.startsWith(`tensorflow_cpu-${TF_WHEEL_VERSION}-`));
  if (!wheel) {
    say(`fetching the tensorflow-cpu ${TF_WHEEL_VERSION} wheel with pip (once; cached in ${wheels})`);
    const pip = spawnSync(
      'python3',
      ['-m', 'pip', 'download', `tensorflow-cpu==${TF_WHEEL_VERSION}`, '--no-deps', '--only-binary=:all:', '-d', wheels],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (pip.status !== 0) giveUp(`pip could not download tensorflow-cpu==${TF_WHEEL_VERSION}`);
    wheel = fs.readdirSync(wheels).find((f) => f.startsWith(`tensorflow_cpu-${TF_WHEEL_VERSION}-`));
    if (!wheel) giveUp(`pip reported success but no tensorflow_cpu-${TF_WHEEL_VERSION} wheel is in ${wheels}`);
  }
  say(`extracting libtensorflow and the C API headers from ${wheel}`);
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const extract = `
import sys, zipfile, os, shutil
wheel, out = sys.argv[1], sys.argv[2]
libs = {'tensorflow/libtensorflow_cc.so.2': 'lib/libtensorflow_cc.so.2',
        'tensorflow/libtensorflow_framework.so.2': 'lib/libtensorflow_framework.so.2'}
headers = ('tensorflow/include/tensorflow/c/', 'tensorflow/include/tensorflow/core/platform/',
           'tensorflow/include/xla/tsl/c/', 'tensorflow/include/xla/tsl/platform/', 'tensorflow/include/tsl/platform/')
with zipfile.ZipFile(wheel) as z:
    for info in z.infolist():
        n = info.filename
        if n.endswith('/'):
            continue
        if n in libs:
            target = os.path.join(out, libs[n])
        elif n.startswith(headers):
            target = os.path.join(out, 'include', n[len('tensorflow/include/'):])
        else:
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with z.open(info) as src, open(target, 'wb') as dst:
            shutil.copyfileobj(src, dst, 1 << 22)
missing = [v for v in libs.values() if not os.path.exists(os.path.join(out, v))]
if missing:
    sys.exit('missing in wheel: ' + ', '.join(missing))
`;
  const py = spawnSync('python3', ['-c', extract, path.join(wheels, wheel), tmp], { stdio: 'inherit' });
  if (py.status !== 0) giveUp(`could not extract libtensorflow from ${path.join(wheels, wheel)}`);
  const lib = path.join(tmp, 'lib');
  fs.symlinkSync('libtensorflow_cc.so.2', path.join(lib, 'libtensorflow.so'));
  fs.symlinkSync('libtensorflow_cc.so.2', path.join(lib, 'libtensorflow.so.2'));
  fs.symlinkSync('libtensorflow_framework.so.2', path.join(lib, 'libtensorflow_framework.so'));
  fs.writeFileSync(path.join(tmp, 'complete'), `${wheel}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(tmp, dir);
  return dir;
}

function nodeHeadersDir() {
  const candidates = [path.resolve(path.dirname(process.execPath), '..'), '/usr', '/usr/local'];
  return candidates.find((d) => fs.existsSync(path.join(d, 'include', 'node', 'node_api.h')));
}

function linkDeps(pkgDir, libDir) {
  const deps = path.join(pkgDir, 'deps');
  fs.rmSync(deps, { recursive: true, force: true });
  fs.symlinkSync(libDir, deps, 'dir');
}

function setUp(name) {
  const pkgDir = packageDir(name);
  if (!pkgDir) giveUp(`${name} is not installed (npm ci should have installed it as an optional dependency)`);
  const pkg = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
  const napiVersions = pkg.binary.napi_versions.filter((v) => v <= Number(process.versions.napi));
  const napi = Math.max(...napiVersions);
  const libDir = ensureLibtensorflow();
  const key = `${name.replace('@tensorflow/', '')}-${pkg.version}-tf${TF_WHEEL_VERSION}-napi${napi}-${process.platform}-${process.arch}`;
  const cachedAddon = path.join(cacheRoot, key, 'tfjs_binding.node');
  const addonDir = path.join(pkgDir, 'lib', `napi-v${napi}`);
  linkDeps(pkgDir, libDir);
  if (force || !fs.existsSync(cachedAddon)) {
    const nodedir = nodeHeadersDir();
    if (!nodedir) giveUp('Node headers (include/node/node_api.h) not found; install the nodejs dev headers');
    say(`compiling the ${name} addon against libtensorflow ${TF_WHEEL_VERSION} (once; cached in ${path.dirname(cachedAddon)})`);
    const gyp = path.join(root, 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    const build = spawnSync(
      process.execPath,
      [gyp, 'rebuild', `--nodedir=${nodedir}`, '--module_name=tfjs_binding', `--module_path=${addonDir}`,
        `--napi_build_version=${napi}`, '--loglevel=warn'],
      { cwd: pkgDir, stdio: ['ignore', 'ignore', 'inherit'] },
    );
    if (build.status !== 0) giveUp(`node-gyp failed to compile ${name} (see the errors above)`);
    fs.mkdirSync(path.dirname(cachedAddon), { recursive: true });
    fs.copyFileSync(path.join(pkgDir, 'build', 'Release', 'tfjs_binding.node'), cachedAddon);
    fs.rmSync(path.join(pkgDir, 'build'), { recursive: true, force: true });
  }
  fs.mkdirSync(addonDir, { recursive: true });
  fs.copyFileSync(cachedAddon, path.join(addonDir, 'tfjs_binding.node'));
}

const started = Date.now();
if (process.env.SSAD_SKIP_NATIVE === '1') {
  say('SSAD_SKIP_NATIVE=1: not setting up the native backend');
  process.exit(0);
}
if (!force && nativeLoads().ok) {
  say('@tensorflow/tfjs-node already loads');
  process.exit(0);
}
setUp('@tensorflow/tfjs-node');
const check = nativeLoads();
if (!check.ok) giveUp(`the rebuilt @tensorflow/tfjs-node still does not load: ${check.error}`);
const version = execFileSync(process.execPath, ['-p', "require('@tensorflow/tfjs-node/package.json').version"], {
  cwd: root,
  encoding: 'utf8',
}).trim();
say(`@tensorflow/tfjs-node ${version} loads with libtensorflow ${TF_WHEEL_VERSION} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
