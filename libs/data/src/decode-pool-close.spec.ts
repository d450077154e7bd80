// A pool closed while its workers still decode ends cleanly, in a process of its own (jest would keep the event loop
// alive and hide the bug: a training whose test set had a bad mask exited 0, silently, about one time in six).
// Without the fix the child died within 10–125 rounds in 6 runs of 200; 40 rounds (about 7 s) catch it in most runs.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../../..');

it('close() with decodes in flight resolves, and the process goes on after it', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'libs/data/src/testing/pool-close-child.test-util.ts', '40'], {
    cwd: root,
    env: { ...process.env, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.base.json') },
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.stdout).toBe('closed 40 pools with decodes in flight\n');
  expect(r.status).toBe(0);
});
