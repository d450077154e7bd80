// Parameter specs of torchvision's ResNet-18 plus the projection head, under torchvision / torch.nn.Sequential
// state_dict names, and their initialisation as torch does it.
import type { ParamSpec } from './params.js';

export const STAGES = ['layer1', 'layer2', 'layer3', 'layer4'] as const;
export type Stage = (typeof STAGES)[number];
export const STAGE_CHANNELS = [64, 128, 256, 512];

/** A conv followed by its BatchNorm (the unit the forward pass and BN folding work on). */
export interface ConvBn {
  conv: string;
  bn: string;
  kernel: number;
  stride: number;
  /** Symmetric zero padding, as torch's Conv2d(padding=...). */
  pad: number;
}

export interface BlockDef {
  prefix: string;
  a: ConvBn;
  b: ConvBn;
  downsample?: ConvBn;
}

export const STEM: ConvBn = { conv: 'conv1', bn: 'bn1', kernel: 7, stride: 2, pad: 3 };

export function resnet18Blocks(): BlockDef[][] {
  return STAGES.map((stage, s) =>
    [0, 1].map((i) => {
      const prefix = `${stage}.${i}`;
      const stride = s > 0 && i === 0 ? 2 : 1;
      const block: BlockDef = {
        prefix,
        a: { conv: `${prefix}.conv1`, bn: `${prefix}.bn1`, kernel: 3, stride, pad: 1 },
        b: { conv: `${prefix}.conv2`, bn: `${prefix}.bn2`, kernel: 3, stride: 1, pad: 1 },
      };
      if (stride !== 1) block.downsample = { conv: `${prefix}.downsample.0`, bn: `${prefix}.downsample.1`, kernel: 1, stride, pad: 0 };
      return block;
    }),
  );
}

function bnSpecs(name: string, c: number): ParamSpec[] {
  return [
    { name: `${name}.weight`, shape: [c], kind: 'vector', learnable: true },
    { name: `${name}.bias`, shape: [c], kind: 'vector', learnable: true },
    { name: `${name}.running_mean`, shape: [c], kind: 'vector', learnable: false },
    { name: `${name}.running_var`, shape: [c], kind: 'vector', learnable: false },
  ];
}

function convSpecs(u: ConvBn, cin: number, cout: number): ParamSpec[] {
  return [{ name: `${u.conv}.weight`, shape: [u.kernel, u.kernel, cin, cout], kind: 'conv', learnable: true }, ...bnSpecs(u.bn, cout)];
}

export function backboneSpecs(): ParamSpec[] {
  const specs = convSpecs(STEM, 3, 64);
  let cin = 64;
  resnet18Blocks().forEach((blocks, s) => {
    const c = STAGE_CHANNELS[s];
    for (const b of blocks) {
      specs.push(...convSpecs(b.a, cin, c), ...convSpecs(b.b, c, c));
      if (b.downsample) specs.push(...convSpecs(b.downsample, cin, c));
      cin = c;
    }
  });
  return specs;
}

/** Head layer i is torch Sequential indices 3i (Linear), 3i+1 (BatchNorm1d), 3i+2 (ReLU). */
export const headLinear = (i: number) => `head.${3 * i}`;
export const headBn = (i: number) => `head.${3 * i + 1}`;
/** The classifier is `fc`, so a network without head layers is exactly torchvision's resnet18. */
export const CLASSIFIER = 'fc';

export function headSpecs(widths: number[], numClasses: number): ParamSpec[] {
  const specs: ParamSpec[] = [];
  let cin = 512;
  widths.forEach((w, i) => {
    specs.push(
      { name: `${headLinear(i)}.weight`, shape: [cin, w], kind: 'linear', learnable: true },
      { name: `${headLinear(i)}.bias`, shape: [w], kind: 'vector', learnable: true },
      ...bnSpecs(headBn(i), w),
    );
    cin = w;
  });
  specs.push(
    { name: `${CLASSIFIER}.weight`, shape: [cin, numClasses], kind: 'linear', learnable: true },
    { name: `${CLASSIFIER}.bias`, shape: [numClasses], kind: 'vector', learnable: true },
  );
  return specs;
}

export interface RandomSource {
  uniform(lo?: number, hi?: number): number;
}

const TABLE_SIZE = 1 << 16;
let quantiles: Float64Array | undefined;

/** Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9). */
function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const tail = (q: number) => (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * A standard normal draw by inverse CDF from a 65,536-point quantile table (linear interpolation, tails cut at
 * ±4.3σ). Initialising 11 M weights with Box–Muller costs seconds where Math.log/cos are slow (e.g. under jest);
 * the table needs one uniform and no transcendental call per draw.
 */
export function normalDraw(rng: RandomSource): number {
  if (!quantiles) {
    quantiles = new Float64Array(TABLE_SIZE + 1);
    for (let i = 0; i <= TABLE_SIZE; i++) quantiles[i] = normalQuantile(Math.min(Math.max(i / TABLE_SIZE, 0.5 / TABLE_SIZE), 1 - 0.5 / TABLE_SIZE));
  }
  const u = rng.uniform() * TABLE_SIZE;
  // `| 0`, not Math.floor: global lookups are slow inside jest's vm context and this runs 11 M times.
  const i = u | 0;
  return quantiles[i] + (u - i) * (quantiles[i + 1] - quantiles[i]);
}

/**
 * torch's initialisation: convs kaiming_normal_(fan_out, relu) as torchvision's ResNet does; Linear weight and bias
 * U(±1/sqrt(fan_in)) (torch's default); BatchNorm weight 1, bias 0, running mean 0, running var 1.
 */
export function initialValues(spec: ParamSpec, rng: RandomSource, linearFanIn: Map<string, number>): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  const leaf = spec.name.slice(spec.name.lastIndexOf('.') + 1);
  if (spec.kind === 'conv') {
    const [kh, kw, , co] = spec.shape;
    const std = Math.sqrt(2 / (co * kh * kw));
    for (let i = 0; i < n; i++) out[i] = normalDraw(rng) * std;
  } else if (spec.kind === 'linear' || linearFanIn.has(spec.name)) {
    const fanIn = spec.kind === 'linear' ? spec.shape[0] : linearFanIn.get(spec.name)!;
    const bound = 1 / Math.sqrt(fanIn);
    for (let i = 0; i < n; i++) out[i] = rng.uniform(-bound, bound);
  } else if (leaf === 'weight' || leaf === 'running_var') out.fill(1);
  return out;
}
