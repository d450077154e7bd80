// Direct calls of TensorFlow kernels through the tfjs-node backend (when it is the active backend) for the
// training hot spots where tfjs's generic gradients take many small element-wise kernels: fused BatchNorm
// forward/backward and ReluGrad. Everything here has a pure-tfjs equivalent used on other backends.
import * as tf from '@tensorflow/tfjs';

interface Attr {
  name: string;
  type: number;
  value: unknown;
}

interface NodeBackend {
  binding: { TF_FLOAT: number; TF_ATTR_TYPE: number; TF_ATTR_FLOAT: number; TF_ATTR_STRING: number; TF_ATTR_BOOL: number };
  executeSingleOutput(name: string, attrs: Attr[], inputs: tf.Tensor[]): tf.Tensor;
  executeMultipleOutputs(name: string, attrs: Attr[], inputs: tf.Tensor[], numOutputs: number): tf.Tensor[];
}

/** The tfjs-node backend, if active (and not disabled with SSAD_NATIVE_KERNELS=0). */
export function nativeBackend(): NodeBackend | undefined {
  if (tf.getBackend() !== 'tensorflow') return undefined;
  // Only Node gets here; the cast keeps this module free of Node's types for the browser entry.
  const { process } = globalThis as unknown as { process: { env: Record<string, string | undefined> } };
  if (process.env.SSAD_NATIVE_KERNELS === '0') return undefined;
  const b = tf.backend() as unknown as Partial<NodeBackend>;
  return b.binding && typeof b.executeMultipleOutputs === 'function' ? (b as NodeBackend) : undefined;
}

function bnAttrs(b: NodeBackend, eps: number): Attr[] {
  const t = b.binding;
  return [
    { name: 'T', type: t.TF_ATTR_TYPE, value: t.TF_FLOAT },
    { name: 'U', type: t.TF_ATTR_TYPE, value: t.TF_FLOAT },
    { name: 'epsilon', type: t.TF_ATTR_FLOAT, value: eps },
    { name: 'data_format', type: t.TF_ATTR_STRING, value: 'NHWC' },
    { name: 'is_training', type: t.TF_ATTR_BOOL, value: true },
  ];
}

/** FusedBatchNormV3 in training mode on NHWC: [y, batchMean, batchVarianceUnbiased, reserve1, reserve2, reserve3]. */
export function fusedBatchNormForward(b: NodeBackend, x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor[] {
  const empty = tf.tensor1d([], 'float32');
  const attrs = [...bnAttrs(b, eps), { name: 'exponential_avg_factor', type: b.binding.TF_ATTR_FLOAT, value: 1 }];
  const out = b.executeMultipleOutputs('FusedBatchNormV3', attrs, [x, gamma, beta, empty, empty], 6);
  empty.dispose();
  return out;
}

/** FusedBatchNormGradV3: [dx, dGamma, dBeta]. */
export function fusedBatchNormBackward(b: NodeBackend, dy: tf.Tensor, x: tf.Tensor, gamma: tf.Tensor, r1: tf.Tensor, r2: tf.Tensor, r3: tf.Tensor, eps: number): tf.Tensor[] {
  const out = b.executeMultipleOutputs('FusedBatchNormGradV3', bnAttrs(b, eps), [dy, x, gamma, r1, r2, r3], 5);
  tf.dispose(out.slice(3));
  return out.slice(0, 3);
}

export function reluGrad(b: NodeBackend, dy: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return b.executeSingleOutput('ReluGrad', [{ name: 'T', type: b.binding.TF_ATTR_TYPE, value: b.binding.TF_FLOAT }], [dy, y]);
}
