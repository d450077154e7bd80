// The hostile safetensors files issue 14 lists, one by one, each with the error it must give. The fuzz spec
// (safetensors-fuzz.spec.ts) covers the cases nobody listed.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_HEADER_BYTES } from './safetensors-header.js';
import { objectText, rawSafetensors } from './safetensors-fuzz.test-util.js';
import { parseSafetensors, serializeSafetensors } from './safetensors.js';
import { readSafetensors } from './safetensors-files.js';

const f32 = (name: string, shape: unknown, offsets: unknown) => [name, { dtype: 'F32', shape, data_offsets: offsets }] as const;
const file = (entries: ReadonlyArray<readonly [string, unknown]>, dataBytes: number) => rawSafetensors(objectText(entries), new Uint8Array(dataBytes));
const parse = (bytes: Uint8Array) => () => parseSafetensors(bytes, 'x.safetensors');

describe('safetensors reader on hostile files', () => {
  let dir: string;
  beforeAll(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-hostile-'))));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('says "not a safetensors file" for other files, and reads no more than 9 bytes of them', () => {
    const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13);
    expect(parse(png)).toThrow('x.safetensors: not a safetensors file (its first 8 bytes, 89 50 4e 47 0d 0a 1a 0a, are no header length that fits its 12 bytes)');
    expect(parse(new TextEncoder().encode('{"a": 1}'))).toThrow('x.safetensors: not a safetensors file (its first 8 bytes');
    expect(parse(new Uint8Array(3))).toThrow('x.safetensors: not a safetensors file (3 bytes; the format starts with an 8-byte header length)');
    expect(parse(rawSafetensors('[]', new Uint8Array(0)))).toThrow('x.safetensors: not a safetensors file (the header does not start with "{")');
  });

  it('refuses a header length past the end of the file or over the limit before reading the header', () => {
    expect(parse(rawSafetensors('{}', new Uint8Array(0), 3n))).toThrow('x.safetensors: header length 3 is past the end of the file (10 bytes); the file is truncated');
    expect(parse(rawSafetensors('{}', new Uint8Array(0), 2n ** 64n - 1n))).toThrow('x.safetensors: not a safetensors file');
    const big = rawSafetensors(`{}${' '.repeat(MAX_HEADER_BYTES)}`, new Uint8Array(0));
    expect(parse(big)).toThrow(`x.safetensors: header of ${MAX_HEADER_BYTES + 2} bytes is over the ${MAX_HEADER_BYTES}-byte limit`);
  });

  it('refuses headers that are not a JSON object of entries', () => {
    expect(parse(rawSafetensors('{"a": ', new Uint8Array(0)))).toThrow(/^x\.safetensors: header: not valid JSON/);
    expect(parse(rawSafetensors(Uint8Array.of(0x7b, 0xff, 0x7d), new Uint8Array(0)))).toThrow('x.safetensors: header is not valid UTF-8');
    expect(parse(rawSafetensors(`{"a":${'['.repeat(9)}${']'.repeat(9)}}`, new Uint8Array(0)))).toThrow('x.safetensors: header: nests 10 levels deep (at most 8)');
    expect(parse(file([['a', 3]], 0))).toThrow('x.safetensors: tensor "a" is 3, not an object with dtype, shape and data_offsets');
    expect(parse(file([['__metadata__', { k: 1 }]], 0))).toThrow('x.safetensors: __metadata__ must be an object of strings ("k" is 1)');
    expect(parse(file([['__metadata__', ['x']]], 0))).toThrow('x.safetensors: __metadata__ must be an object of strings (got ["x"])');
  });

  it('keeps "__proto__" and "constructor" as plain tensor names and metadata keys, and refuses them as dtypes', () => {
    const bytes = file([f32('__proto__', [1], [0, 4]), f32('constructor', [1], [4, 8]), ['__metadata__', { __proto__x: 'a', constructor: 'b' }]], 8);
    const { tensors, metadata } = parseSafetensors(bytes);
    expect([...tensors.keys()]).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(metadata)).toBe(Object.prototype);
    expect(metadata.constructor).toBe('b');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const proto = rawSafetensors('{"__metadata__":{"__proto__":{"polluted":"yes"}}}', new Uint8Array(0));
    expect(parse(proto)).toThrow('x.safetensors: __metadata__ must be an object of strings ("__proto__" is {"polluted":"yes"})');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    for (const dtype of ['constructor', '__proto__', 'toString'])
      expect(parse(file([['t', { dtype, shape: [1], data_offsets: [0, 4] }]], 4))).toThrow(`x.safetensors: tensor "t" has unsupported dtype "${dtype}"`);
  });

  it('refuses offsets out of range, reversed, overlapping, leaving gaps or not matching dtype × shape', () => {
    expect(parse(file([f32('a', [2], [0, 8])], 4))).toThrow('x.safetensors: tensor "a" has data_offsets [0, 8] past the end of the tensor data (4 bytes)');
    expect(parse(file([f32('a', [0], [4, 0])], 4))).toThrow('x.safetensors: tensor "a" has data_offsets [4, 0]: the end comes before the begin');
    expect(parse(file([f32('a', [2], [0, 8]), f32('b', [1], [4, 8])], 8))).toThrow('x.safetensors: tensors "a" [0, 8] and "b" [4, 8] overlap');
    expect(parse(file([f32('a', [1], [4, 8])], 8))).toThrow('x.safetensors: 4 bytes before tensor "a" [4, 8] belong to no tensor');
    expect(parse(file([f32('a', [3], [0, 8])], 16))).toThrow('x.safetensors: tensor "a" has data_offsets [0, 8] (8 bytes), inconsistent with F32[3] (12 bytes)');
    expect(parse(file([f32('a', [1], [0, 4, 8])], 8))).toThrow('x.safetensors: tensor "a" has data_offsets [0,4,8]; expected [begin, end], two non-negative integers');
    expect(parse(file([f32('a', [1], [-4, 0])], 8))).toThrow('x.safetensors: tensor "a" has data_offsets [-4,0]; expected [begin, end]');
    expect(parse(file([f32('a', [1], [0, 2 ** 64])], 8))).toThrow('x.safetensors: tensor "a" has data_offsets [0,18446744073709552000]; expected [begin, end]');
  });

  it('refuses negative, fractional and huge shapes, and products that overflow, before allocating', () => {
    expect(parse(file([f32('a', [-1, -4], [0, 16])], 16))).toThrow('x.safetensors: tensor "a" has shape [-1,-4]; expected a list of non-negative integers');
    expect(parse(file([f32('a', [0.5, 8], [0, 16])], 16))).toThrow('x.safetensors: tensor "a" has shape [0.5,8]');
    expect(parse(file([f32('a', [2 ** 53 + 2], [0, 16])], 16))).toThrow('x.safetensors: tensor "a" has shape [9007199254740994]');
    expect(parse(file([f32('a', [2 ** 31, 2 ** 31, 4], [0, 16])], 16))).toThrow('x.safetensors: tensor "a" has data_offsets [0, 16] (16 bytes), inconsistent with F32[2147483648,2147483648,4] (over 16 bytes)');
    // A zero anywhere makes the tensor empty, whatever comes before it (the product never overflows).
    const empty = parseSafetensors(file([f32('a', [2 ** 40, 2 ** 40, 0], [0, 0])], 0)).tensors.get('a')!;
    expect(empty.data).toHaveLength(0);
  });

  it('refuses unknown dtypes, duplicate names and trailing garbage', () => {
    expect(parse(file([['a', { dtype: 'F8_E4M3', shape: [1], data_offsets: [0, 1] }]], 1))).toThrow(
      'x.safetensors: tensor "a" has unsupported dtype "F8_E4M3" (supported: F32, F16, BF16, F64, I64, I32, U8)',
    );
    expect(parse(file([f32('a', [1], [0, 4]), f32('a', [1], [4, 8])], 8))).toThrow('x.safetensors: header: has the key "a" twice');
    expect(parse(file([['a', { dtype: 'F32', shape: [1], shape2: [], data_offsets: [0, 4], shape_: 1 }], ['b', { dtype: 'U8', dtype2: 1, shape: [], data_offsets: [4, 5] }]], 5))).not.toThrow();
    expect(parse(rawSafetensors('{"a":{"dtype":"F32","dtype":"U8","shape":[1],"data_offsets":[0,4]}}', new Uint8Array(4)))).toThrow('x.safetensors: header: has the key "dtype" twice');
    expect(parse(file([f32('a', [1], [0, 4])], 7))).toThrow('x.safetensors: 3 bytes of trailing data after the last tensor');
  });

  it('reads tensors out of a Buffer view into their own arrays (a Buffer slice would be a view of the whole file)', () => {
    const bytes = serializeSafetensors(new Map([['x', { shape: [2], data: new Float32Array([1, 2]) }], ['u', { shape: [1], data: Uint8Array.of(7) }]]));
    const view = Buffer.concat([Buffer.alloc(100, 1), Buffer.from(bytes)]).subarray(100);
    const { tensors } = parseSafetensors(view);
    expect(Array.from(tensors.get('x')!.data)).toEqual([1, 2]);
    view[view.length - 1] = 9;
    expect(Array.from(tensors.get('u')!.data)).toEqual([7]);
  });

  it('refuses directories, devices and FIFOs by name without blocking or reading them', () => {
    expect(() => readSafetensors(dir)).toThrow(`${dir}: cannot read safetensors file (a directory)`);
    expect(() => readSafetensors('/dev/zero')).toThrow('/dev/zero: cannot read safetensors file (not a regular file)');
    const fifo = path.join(dir, 'pipe.safetensors');
    execFileSync('mkfifo', [fifo]);
    expect(() => readSafetensors(fifo)).toThrow(`${fifo}: cannot read safetensors file (not a regular file)`);
    expect(() => readSafetensors(path.join(dir, 'absent.safetensors'))).toThrow(/absent\.safetensors: cannot read safetensors file \(ENOENT\)/);
  });
});
