import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encodeNpy, readNpy, writeNpy } from './npy.js';

describe('npy', () => {
  it('writes NumPy format 1.0 (64-byte aligned header) and reads it back exactly', () => {
    const values = Float32Array.from({ length: 6 }, (_, i) => i / 3 - 0.5);
    const bytes = encodeNpy(values, [2, 3]);
    expect(Buffer.from(bytes.subarray(0, 8)).toString('latin1')).toBe('\x93NUMPY\x01\x00');
    const headerEnd = 10 + new DataView(bytes.buffer).getUint16(8, true);
    expect(headerEnd % 64).toBe(0);
    expect(Buffer.from(bytes.subarray(10, headerEnd)).toString('latin1')).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ssad-npy-')), 'm.npy');
    writeNpy(file, values, [2, 3]);
    const back = readNpy(file);
    expect(back.shape).toEqual([2, 3]);
    expect(Array.from(back.data)).toEqual(Array.from(values));
    fs.writeFileSync(file, bytes.subarray(0, bytes.length - 4));
    expect(() => readNpy(file)).toThrow(/shape \(2, 3\) needs 24 bytes, the file has 20/);
    fs.rmSync(path.dirname(file), { recursive: true });
  });

  it('refuses a shape that does not hold the values', () => {
    expect(() => encodeNpy(new Float32Array(5), [2, 3])).toThrow(/shape \[2, 3\] does not hold 5 values/);
  });
});
