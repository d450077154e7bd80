import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  describeFsError, isWriteFault, moveIntoPlace, observeWrites, removeFolder, removeStaleTemporaries, replaceFolder, writeFileAtomic, WriteError, type WriteStep,
} from './atomic-write.js';

describe('atomic writes', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-atomic-'))));
  afterEach(() => {
    observeWrites(undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('replaces a file whole, leaves no temporary file, and reports its steps in order', () => {
    const file = path.join(tmp, 'a.json');
    fs.writeFileSync(file, 'old');
    const steps: string[] = [];
    observeWrites((s, target) => steps.push(`${s} ${path.basename(target)}`));
    writeFileAtomic(file, 'new content');
    expect(fs.readFileSync(file, 'utf8')).toBe('new content');
    expect(fs.readdirSync(tmp)).toEqual(['a.json']);
    expect(steps).toEqual(['file-begin a.json', 'file-partial a.json', 'file-synced a.json', 'file-done a.json']);
  });

  it('a failure part way leaves the old file and no temporary one, and names the target', () => {
    const file = path.join(tmp, 'a.bin');
    fs.writeFileSync(file, 'old');
    observeWrites((s: WriteStep) => {
      if (s === 'file-partial') throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', syscall: 'write' });
    });
    let err: unknown;
    try {
      writeFileAtomic(file, new Uint8Array(1000));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WriteError);
    expect((err as WriteError).message).toBe(`cannot write ${file}: no space left on the device (ENOSPC)`);
    expect(isWriteFault(err)).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe('old');
    expect(fs.readdirSync(tmp)).toEqual(['a.bin']);
  });

  it('removes what a killed process left of an earlier write to the same file, but not a live process\'s', () => {
    const file = path.join(tmp, 'm.json');
    // A PID that has certainly ended: a finished child's.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const host = os.hostname().replace(/[^A-Za-z0-9_.]/g, '_');
    const stale = path.join(tmp, `.m.json.tmp-${host}-${dead}`);
    const live = path.join(tmp, `.m.json.tmp-${host}-${process.ppid}`);
    const otherHost = path.join(tmp, `.m.json.tmp-elsewhere-${dead}`);
    for (const f of [stale, live, otherHost]) fs.writeFileSync(f, 'part');
    writeFileAtomic(file, '{}');
    expect(fs.readdirSync(tmp).sort()).toEqual([path.basename(live), path.basename(otherHost), 'm.json'].sort());
  });

  it('puts back a folder whose replacement was killed between its two renames; a folder being removed stays removed', () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const host = os.hostname().replace(/[^A-Za-z0-9_.]/g, '_');
    const own = { names: ['a'], what: 'test folder' };
    // What the kill leaves: no `det`, the old folder aside, the whole new one still under its temporary name.
    fs.mkdirSync(path.join(tmp, `.det.old-${host}-${dead}`));
    fs.writeFileSync(path.join(tmp, `.det.old-${host}-${dead}`, 'a'), 'old');
    fs.mkdirSync(path.join(tmp, `.det.tmp-${host}-${dead}`));
    fs.writeFileSync(path.join(tmp, `.det.tmp-${host}-${dead}`, 'a'), 'new');
    // A removal killed after its rename: the folder was going, it is not brought back.
    fs.mkdirSync(path.join(tmp, `.ckpt.del-${host}-${dead}`));
    removeStaleTemporaries(tmp);
    expect(fs.readdirSync(tmp)).toEqual(['det']);
    expect(fs.readFileSync(path.join(tmp, 'det', 'a'), 'utf8')).toBe('old');
    // Where the swap had finished (the target exists), the old folder is only left over: it goes.
    fs.mkdirSync(path.join(tmp, `.det.old-${host}-${dead}`));
    replaceFolder(path.join(tmp, 'det'), (t) => writeFileAtomic(path.join(t, 'a'), 'newer'), own);
    expect(fs.readdirSync(tmp)).toEqual(['det']);
    expect(fs.readFileSync(path.join(tmp, 'det', 'a'), 'utf8')).toBe('newer');
  });

  it('replaces a folder whole, and refuses one holding files that are not its own', () => {
    const dir = path.join(tmp, 'det');
    const fill = (files: Record<string, string>) => (t: string) => {
      for (const [n, text] of Object.entries(files)) writeFileAtomic(path.join(t, n), text);
    };
    const own = { names: ['a', 'b'], what: 'test folder' };
    replaceFolder(dir, fill({ a: '1', b: '1' }), own);
    replaceFolder(dir, fill({ a: '2' }), own);
    expect(fs.readdirSync(dir)).toEqual(['a']);
    expect(fs.readFileSync(path.join(dir, 'a'), 'utf8')).toBe('2');
    expect(fs.readdirSync(tmp)).toEqual(['det']);
    // A fill that fails leaves the folder as it was and nothing beside it.
    expect(() => replaceFolder(dir, () => { throw new Error('boom'); }, own)).toThrow('boom');
    // A failed write inside is named by its place in the folder, not the temporary one.
    observeWrites((s) => {
      if (s === 'file-partial') throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC', syscall: 'write' });
    });
    expect(() => replaceFolder(dir, fill({ b: 'big' }), own)).toThrow(`cannot write ${path.join(dir, 'b')}: no space left on the device (ENOSPC)`);
    observeWrites(undefined);
    expect(fs.readFileSync(path.join(dir, 'a'), 'utf8')).toBe('2');
    expect(fs.readdirSync(tmp)).toEqual(['det']);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    expect(() => replaceFolder(dir, fill({ a: '3' }), own)).toThrow(`${dir}: holds notes.txt, not part of a test folder; it is replaced as a whole, so choose a new or empty folder`);
    expect(fs.readFileSync(path.join(dir, 'a'), 'utf8')).toBe('2');
  });

  it('moves files and folders into place over old ones, and removes a folder at once', () => {
    fs.mkdirSync(path.join(tmp, 'new'));
    fs.writeFileSync(path.join(tmp, 'new', 'x'), 'new');
    fs.mkdirSync(path.join(tmp, 'old'));
    fs.writeFileSync(path.join(tmp, 'old', 'y'), 'old');
    moveIntoPlace(path.join(tmp, 'new'), path.join(tmp, 'old'));
    expect(fs.readdirSync(path.join(tmp, 'old'))).toEqual(['x']);
    fs.writeFileSync(path.join(tmp, 'f1'), '1');
    fs.writeFileSync(path.join(tmp, 'f2'), '2');
    moveIntoPlace(path.join(tmp, 'f1'), path.join(tmp, 'f2'));
    expect(fs.readFileSync(path.join(tmp, 'f2'), 'utf8')).toBe('1');
    removeFolder(path.join(tmp, 'old'));
    expect(fs.readdirSync(tmp)).toEqual(['f2']);
  });

  it('describes file-system errors in one line naming the path', () => {
    let err: unknown;
    try {
      fs.mkdirSync(path.join(tmp, 'f', 'g'), { recursive: true });
      fs.writeFileSync(path.join(tmp, 'file'), '');
      fs.mkdirSync(path.join(tmp, 'file', 'sub'));
    } catch (e) {
      err = e;
    }
    expect(describeFsError(err)).toBe(`cannot create folder ${path.join(tmp, 'file', 'sub')}: a part of the path is not a folder (ENOTDIR)`);
    expect(describeFsError(new Error('plain'))).toBeUndefined();
    const eacces = Object.assign(new Error('EACCES'), { code: 'EACCES', syscall: 'open', path: '/x' });
    // Opening can be a read: not by itself a fault of the output.
    expect(isWriteFault(eacces)).toBe(false);
    expect(isWriteFault(Object.assign(new Error('EACCES'), { code: 'EACCES', syscall: 'mkdir' }))).toBe(true);
    expect(isWriteFault(Object.assign(new Error('x'), { code: 'EROFS', syscall: 'open' }))).toBe(true);
  });
});
