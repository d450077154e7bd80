import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import * as tf from '@tensorflow/tfjs';
import { Network } from './network.js';
import { parseSafetensors, serializeSafetensors } from './safetensors.js';
import { readSafetensors, writeSafetensors } from './safetensors-files.js';
import { initBackend } from './backend.js';
import { identical } from './testing.test-util.js';

const shared = path.resolve(__dirname, '../../../../shared');
const imagenet = path.join(shared, 'weights/resnet18-imagenet-to-layer3.safetensors');
const maybe = fs.existsSync(imagenet) ? describe : describe.skip;
if (!fs.existsSync(imagenet)) console.warn(`weights.spec: ImageNet weight tests skipped, ${imagenet} is absent`);

beforeAll(() => initBackend());

describe('safetensors', () => {
  it('round-trips F32/I32/U8 tensors and metadata', () => {
    const tensors = new Map<string, { shape: number[]; data: Float32Array | Int32Array | Uint8Array }>([
      ['b', { shape: [2, 2], data: new Float32Array([1, -2.5, 3e-8, 4]) }],
      ['a', { shape: [3], data: new Int32Array([7, -8, 9]) }],
      ['c', { shape: [1], data: new Uint8Array([200]) }],
    ]);
    const bytes = serializeSafetensors(tensors, { note: 'ü' });
    const headerLen = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLen) % 8).toBe(0);
    const back = parseSafetensors(bytes);
    expect(back.metadata).toEqual({ note: 'ü' });
    expect([...back.tensors.keys()].sort()).toEqual(['a', 'b', 'c']);
    expect(Array.from(back.tensors.get('b')!.data)).toEqual(Array.from(new Float32Array([1, -2.5, 3e-8, 4])));
    expect(back.tensors.get('a')).toEqual({ dtype: 'I32', shape: [3], data: new Int32Array([7, -8, 9]) });
    expect(back.tensors.get('c')!.data).toEqual(new Uint8Array([200]));
  });

  it('takes the dtype from typed arrays of another realm (tfjs-node under jest) instead of writing them as U8', () => {
    const foreign = vm.runInNewContext(
      '({ f32: new Float32Array([1.5, -2]), f64: new Float64Array([0.25]), i32: new Int32Array([-7]), u8: new Uint8Array([9]) })',
    ) as { f32: Float32Array; f64: Float64Array; i32: Int32Array; u8: Uint8Array };
    expect(foreign.f32 instanceof Float32Array).toBe(false); // the situation being reproduced
    const back = parseSafetensors(
      serializeSafetensors(
        new Map<string, { shape: number[]; data: Float32Array | Float64Array | Int32Array | Uint8Array }>([
          ['f32', { shape: [2], data: foreign.f32 }],
          ['f64', { shape: [1], data: foreign.f64 }],
          ['i32', { shape: [1], data: foreign.i32 }],
          ['u8', { shape: [1], data: foreign.u8 }],
        ]),
      ),
    ).tensors;
    expect(['f32', 'f64', 'i32', 'u8'].map((n) => back.get(n)!.dtype)).toEqual(['F32', 'F64', 'I32', 'U8']);
    expect(Array.from(back.get('f32')!.data)).toEqual([1.5, -2]);
    expect(Array.from(back.get('f64')!.data)).toEqual([0.25]);
    expect(Array.from(back.get('i32')!.data)).toEqual([-7]);
    const other = vm.runInNewContext('new Int16Array(2)') as unknown as Float32Array;
    expect(() => serializeSafetensors(new Map([['s', { shape: [2], data: other }]]))).toThrow(/"s" is a Int16Array; expected Float32Array/);
  });

  it('decodes F16, BF16 and I64', () => {
    const header = JSON.stringify({
      h: { dtype: 'F16', shape: [2], data_offsets: [0, 4] },
      b: { dtype: 'BF16', shape: [1], data_offsets: [4, 6] },
      i: { dtype: 'I64', shape: [1], data_offsets: [6, 14] },
    });
    const head = new TextEncoder().encode(header);
    const buf = new Uint8Array(8 + head.length + 14);
    const dv = new DataView(buf.buffer);
    dv.setBigUint64(0, BigInt(head.length), true);
    buf.set(head, 8);
    const o = 8 + head.length;
    dv.setUint16(o, 0x3c00, true); // 1.0
    dv.setUint16(o + 2, 0xc000, true); // -2.0
    dv.setUint16(o + 4, 0x3fc0, true); // bf16 1.5
    dv.setBigInt64(o + 6, -42n, true);
    const t = parseSafetensors(buf).tensors;
    expect(Array.from(t.get('h')!.data)).toEqual([1, -2]);
    expect(Array.from(t.get('b')!.data)).toEqual([1.5]);
    expect(Array.from(t.get('i')!.data)).toEqual([-42]);
  });

  it('names the file when it is damaged', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'st-'));
    const file = path.join(dir, 'bad.safetensors');
    fs.writeFileSync(file, new Uint8Array([255, 0, 0, 0, 0, 0, 0, 0, 1]));
    expect(() => readSafetensors(file)).toThrow(/bad\.safetensors: header length/);
    writeSafetensors(file, new Map([['x', { shape: [4], data: new Float32Array(4) }]]));
    fs.truncateSync(file, fs.statSync(file).size - 4);
    expect(() => readSafetensors(file)).toThrow(/bad\.safetensors: tensor "x" has data_offsets/);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('weight loading', () => {
  it('strict load lists missing, unexpected and mis-shaped tensors in one error and loads nothing', () => {
    const net = new Network({ headWidths: [8], numClasses: 3 });
    const state = net.params.toTorchState();
    const before = net.params.get('conv1.weight').dataSync().slice();
    state.delete('layer4.1.bn2.running_var');
    state.set('extra.weight', { shape: [1], data: new Float32Array(1) });
    state.set('fc.weight', { shape: [1000, 8], data: new Float32Array(8000) });
    state.get('conv1.weight')!.data.fill(0.5);
    const tensors = parseSafetensors(serializeSafetensors(state)).tensors;
    let message = '';
    try {
      net.loadWeights(tensors, { origin: 'test.safetensors' });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^test\.safetensors: .*strict/);
    expect(message).toMatch(/missing 1: layer4\.1\.bn2\.running_var/);
    expect(message).toMatch(/unexpected 1: extra\.weight/);
    expect(message).toMatch(/mis-shaped 1: fc\.weight \(file F32\[1000,8\], model F32\[3,8\]\)/);
    expect(identical(net.params.get('conv1.weight').dataSync(), before)).toBe(true);

    const report = net.loadWeights(tensors, { strict: false });
    expect(report.missing).toEqual(['layer4.1.bn2.running_var']);
    expect(report.unexpected).toEqual(['extra.weight']);
    expect(report.mismatched).toHaveLength(1);
    expect(report.loaded).toContain('conv1.weight');
    expect(net.params.get('conv1.weight').dataSync()[0]).toBe(0.5);
    net.dispose();
  });

  it('torch layout round-trips through the store (OIHW ↔ HWIO, [out,in] ↔ [in,out])', () => {
    const a = new Network({ headWidths: [4], seed: 1 });
    const b = new Network({ headWidths: [4], seed: 2 });
    b.loadWeights(parseSafetensors(serializeSafetensors(a.params.toTorchState())).tensors);
    for (const name of ['layer2.0.conv1.weight', 'head.0.weight', 'fc.weight', 'bn1.running_var'])
      expect([name, identical(b.params.get(name).dataSync(), a.params.get(name).dataSync())]).toEqual([name, true]);
    // OIHW element [o=1,i=2,y=0,x=1] of conv1 is HWIO [0,1,2,1].
    const torch = a.params.toTorchState().get('conv1.weight')!;
    expect(torch.shape).toEqual([64, 3, 7, 7]);
    const hwio = a.params.get('conv1.weight').arraySync() as number[][][][];
    expect(torch.data[((1 * 3 + 2) * 7 + 0) * 7 + 1]).toBe(hwio[0][1][2][1]);
    a.dispose();
    b.dispose();
  });

  it('initialises like torch: conv std √(2/fan_out), BN weight 1 / var 1, Linear within ±1/√fan_in', () => {
    const net = new Network({ headWidths: [16] });
    const w = net.params.get('layer3.0.conv2.weight').dataSync() as Float32Array;
    const std = Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    expect(std).toBeCloseTo(Math.sqrt(2 / (256 * 9)), 3);
    expect(Array.from(net.params.get('layer1.0.bn1.weight').dataSync()).every((v) => v === 1)).toBe(true);
    expect(Array.from(net.params.get('layer1.0.bn1.running_var').dataSync()).every((v) => v === 1)).toBe(true);
    const fc = net.params.get('fc.bias').dataSync();
    expect(Math.max(...Array.from(fc).map(Math.abs))).toBeLessThanOrEqual(1 / 4);
    const again = new Network({ headWidths: [16] });
    expect(identical(again.params.get('head.0.weight').dataSync(), net.params.get('head.0.weight').dataSync())).toBe(true);
    net.dispose();
    again.dispose();
  });
});

maybe('ImageNet weights to layer3', () => {
  it('load non-strictly; layer4 and the head keep their initialisation', () => {
    const net = new Network();
    const fresh = net.params.get('layer4.0.conv1.weight').dataSync().slice();
    const report = net.loadWeights(readSafetensors(imagenet), { strict: false });
    expect(report.loaded).toHaveLength(75);
    expect(report.unexpected).toEqual([]);
    expect(report.missing.every((n) => /^(layer4|head|fc)\./.test(n))).toBe(true);
    expect(report.missing).toContain('layer4.1.conv2.weight');
    expect(identical(net.params.get('layer4.0.conv1.weight').dataSync(), fresh)).toBe(true);
    expect(() => new Network().loadWeights(readSafetensors(imagenet))).toThrow(/resnet18-imagenet-to-layer3\.safetensors: .*missing/);
    const y = tf.tidy(() => net.forward(tf.ones([1, 32, 32, 3])).logits.shape);
    expect(y).toEqual([1, 3]);
    net.dispose();
  });
});
