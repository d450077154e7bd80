// The parameter store: one tf.Variable per torchvision state_dict name, held in tfjs layout (conv HWIO,
// linear [in, out]) so the forward pass needs no transposes; torch layout only at the file boundary.
import * as tf from '@tensorflow/tfjs';
import type { NamedTensor, SafetensorsFile } from './safetensors.js';
import { arrayKind } from './safetensors.js';

/** How a tensor is laid out in torch vs tfjs. */
export type ParamKind = 'conv' | 'linear' | 'vector';

export interface ParamSpec {
  name: string;
  /** Shape in tfjs layout. */
  shape: number[];
  kind: ParamKind;
  /** Learned by gradient descent (false for BatchNorm running statistics). */
  learnable: boolean;
}

export interface LoadReport {
  loaded: string[];
  /** Names the model has and the file lacks (they keep their current values). */
  missing: string[];
  /** Names the file has and the model lacks. */
  unexpected: string[];
  /** Names present in both with different shapes (not loaded). */
  mismatched: string[];
}

/** Torch shape of a parameter given its tfjs shape. */
export function torchShape(spec: ParamSpec): number[] {
  const s = spec.shape;
  if (spec.kind === 'conv') return [s[3], s[2], s[0], s[1]];
  if (spec.kind === 'linear') return [s[1], s[0]];
  return s;
}

/** Torch-layout values → tfjs-layout values. */
export function fromTorch(spec: ParamSpec, data: Float32Array): Float32Array {
  return relayout(spec, data, true);
}

/** tfjs-layout values → torch-layout values. */
export function toTorch(spec: ParamSpec, data: Float32Array): Float32Array {
  return relayout(spec, data, false);
}

// One index mapping serves both directions: Linear [out,in] ↔ [in,out], conv OIHW ↔ HWIO.
function relayout(spec: ParamSpec, data: Float32Array, intoTfjs: boolean): Float32Array {
  if (spec.kind === 'vector') return data;
  const out = new Float32Array(data.length);
  const move = (tfjsIndex: number, torchIndex: number) => {
    if (intoTfjs) out[tfjsIndex] = data[torchIndex];
    else out[torchIndex] = data[tfjsIndex];
  };
  if (spec.kind === 'linear') {
    const [inF, outF] = spec.shape;
    for (let o = 0; o < outF; o++) for (let i = 0; i < inF; i++) move(i * outF + o, o * inF + i);
    return out;
  }
  const [kh, kw, ci, co] = spec.shape;
  for (let o = 0; o < co; o++)
    for (let c = 0; c < ci; c++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++) move(((y * kw + x) * ci + c) * co + o, ((o * ci + c) * kh + y) * kw + x);
  return out;
}

const sameShape = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

export class ParamStore {
  readonly specs = new Map<string, ParamSpec>();
  readonly vars = new Map<string, tf.Variable>();
  /** Per-parameter change counters, so derived caches (folded BatchNorm weights) know what to rebuild. */
  private readonly versions = new Map<string, number>();
  private clock = 0;

  /** Records that the named parameters changed (every writer of values calls this). */
  touch(names: Iterable<string>): void {
    this.clock++;
    for (const n of names) this.versions.set(n, this.clock);
  }

  /** A stamp that changes whenever any of the named parameters changes. */
  stamp(names: string[]): string {
    return names.map((n) => this.versions.get(n) ?? 0).join(',');
  }

  add(spec: ParamSpec, init: Float32Array): void {
    if (this.specs.has(spec.name)) throw new Error(`ParamStore: duplicate parameter "${spec.name}"`);
    this.specs.set(spec.name, spec);
    this.vars.set(spec.name, tf.variable(tf.tensor(init, spec.shape, 'float32'), spec.learnable, `${spec.name}#${uid++}`));
  }

  get(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`ParamStore: no parameter "${name}"`);
    return v;
  }

  names(): string[] {
    return [...this.specs.keys()];
  }

  /** Values in torch layout, keyed by state_dict name (for safetensors). */
  toTorchState(): Map<string, { shape: number[]; data: Float32Array }> {
    const out = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, spec] of this.specs) {
      out.set(name, { shape: torchShape(spec), data: toTorch(spec, this.get(name).dataSync() as Float32Array) });
    }
    return out;
  }

  /**
   * Loads torch-layout tensors. Strict (default): any missing, unexpected or mis-shaped tensor is one error listing
   * them all, and nothing is loaded. Non-strict: loads what matches and reports the rest. Errors name `origin`, else
   * the parsed file's source (from a path: `readSafetensors(file)`, Node only).
   */
  load(source: SafetensorsFile | Map<string, NamedTensor>, options: { strict?: boolean; origin?: string } = {}): LoadReport {
    const strict = options.strict ?? true;
    const origin = options.origin ?? (source instanceof Map ? 'weights' : source.source);
    const tensors = source instanceof Map ? source : source.tensors;
    const report: LoadReport = { loaded: [], missing: [], unexpected: [], mismatched: [] };
    for (const name of tensors.keys()) if (!this.specs.has(name) && !name.endsWith('num_batches_tracked')) report.unexpected.push(name);
    const toLoad: [ParamSpec, NamedTensor][] = [];
    for (const [name, spec] of this.specs) {
      const t = tensors.get(name);
      if (!t) report.missing.push(name);
      else if (!sameShape(t.shape, torchShape(spec)) || !['Float32Array', 'Float64Array'].includes(arrayKind(t.data)))
        report.mismatched.push(`${name} (file ${t.dtype}${JSON.stringify(t.shape)}, model F32${JSON.stringify(torchShape(spec))})`);
      else toLoad.push([spec, t]);
    }
    if (strict && (report.missing.length || report.unexpected.length || report.mismatched.length)) {
      const parts: string[] = [];
      if (report.missing.length) parts.push(`missing ${report.missing.length}: ${report.missing.join(', ')}`);
      if (report.unexpected.length) parts.push(`unexpected ${report.unexpected.length}: ${report.unexpected.join(', ')}`);
      if (report.mismatched.length) parts.push(`mis-shaped ${report.mismatched.length}: ${report.mismatched.join(', ')}`);
      throw new Error(`${origin}: does not match the model (strict load; pass strict: false to load what matches). ${parts.join('; ')}`);
    }
    for (const [spec, t] of toLoad) {
      const v = fromTorch(spec, arrayKind(t.data) === 'Float32Array' ? (t.data as Float32Array) : Float32Array.from(t.data));
      tf.tidy(() => this.get(spec.name).assign(tf.tensor(v, spec.shape, 'float32')));
      report.loaded.push(spec.name);
    }
    this.touch(report.loaded);
    return report;
  }

  dispose(): void {
    for (const v of this.vars.values()) v.dispose();
    this.vars.clear();
    this.specs.clear();
  }
}

// Variable names must be unique per engine; several networks may coexist (tests, detector load).
let uid = 0;
