// Network weights → safetensors. The arrays are copied into this realm's Float32Array first: tfjs-node hands
// back arrays from the addon's realm, which models' writer (an instanceof check) would otherwise store as U8
// under jest's VM context.
import { writeSafetensors, type Network } from '@ssad/models';

export function saveNetworkWeights(file: string, network: Network): void {
  const state = network.params.toTorchState();
  for (const [name, t] of state) state.set(name, { shape: t.shape, data: Float32Array.from(t.data) });
  writeSafetensors(file, state);
}
