export { initBackend, backendChoice, type BackendChoice, type BackendName, type InitBackendOptions } from './backend.js';
export {
  parseSafetensors,
  readSafetensors,
  serializeSafetensors,
  writeSafetensors,
  type NamedTensor,
  type SafetensorsDtype,
  type SafetensorsFile,
  type TensorMap,
  type TensorValues,
} from './safetensors.js';
export { ParamStore, type LoadReport, type ParamKind, type ParamSpec } from './params.js';
export { STAGES, type Stage, type RandomSource } from './architecture.js';
export {
  Network,
  IMAGENET_NORMALIZATION,
  BN_EPS,
  BN_MOMENTUM,
  resolveNetworkOptions,
  type BatchStat,
  type ForwardOptions,
  type NetworkOptions,
  type Normalization,
  type ResolvedNetworkOptions,
  type StageOutputs,
  type TailOutputs,
} from './network.js';
export { GaussianDensity, type GaussianDensityOptions, type GaussianDensityState } from './density.js';
