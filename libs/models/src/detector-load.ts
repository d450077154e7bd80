// Loading a detector from its files, wherever they come from. The manifest is checked first (detector-manifest.ts),
// then every state file is read and checked against it (names, dtypes, shapes, finite values) while it is still
// plain typed arrays; only then are tfjs tensors and the network allocated, so a hostile folder costs at most its
// files' size. The checks take their files from a DetectorSource, so a scoring bundle held in memory (fetched by a
// browser, say) is checked by the same code as a folder (detector-files.ts's folderSource, Node).
import { backboneSpecs, headSpecs } from './architecture.js';
import { GaussianDensity } from './density.js';
import { checkBatchSize, Detector } from './detector.js';
import { DETECTOR_FILES, parseManifest, type Manifest, type PatchManifest } from './detector-manifest.js';
import { checkImageScoreSpec, type ImageScoreSpec } from './image-score.js';
import { Network, type ResolvedNetworkOptions } from './network.js';
import { torchShape } from './params.js';
import { PatchDensity, patchFeatureDim } from './patch/patch-density.js';
import { arrayKind, type NamedTensor, type SafetensorsFile } from './safetensors.js';

/** Where a detector's files come from. */
export interface DetectorSource {
  /** detector.json's text. */
  manifest(): string;
  /** One state file (a DETECTOR_FILES name), parsed. */
  state(name: string): SafetensorsFile;
  /** How errors name that file. */
  label(name: string): string;
}

export interface LoadedDetector {
  manifest: Manifest;
  network: Network;
  density: GaussianDensity;
  patch?: PatchDensity;
  imagePatch?: PatchDensity;
  imageScore: ImageScoreSpec;
}

const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** The tensor `name` of `file`, of one of `kinds` and exactly `shape`, with finite values only. */
function tensorOf(tensors: Map<string, NamedTensor>, name: string, kinds: string[], shape: number[], file: string): NamedTensor['data'] {
  const t = tensors.get(name);
  if (!t) throw new Error(`${file}: tensor "${name}" missing`);
  if (!kinds.includes(arrayKind(t.data))) throw new Error(`${file}: ${name} is ${t.dtype}, expected ${kinds.join(' or ')}`);
  if (!sameShape(t.shape, shape)) throw new Error(`${file}: ${name} is [${t.shape.join(', ')}], the manifest says [${shape.join(', ')}]`);
  const { data } = t;
  // A local: looking up the global Number in the loop costs 100× under jest's vm context (11 M weights: 2 s).
  const finite = Number.isFinite;
  for (let i = 0; i < data.length; i++) if (!finite(data[i])) throw new Error(`${file}: ${name} holds ${data[i]} at index ${i}`);
  return data;
}

function loadDensity(src: DetectorSource, m: Manifest): GaussianDensity {
  const file = src.label(DETECTOR_FILES.density);
  const t = src.state(DETECTOR_FILES.density).tensors;
  const { dim } = m.density;
  const get = (name: string, shape: number[]) => tensorOf(t, name, ['Float64Array'], shape, file) as Float64Array;
  try {
    return GaussianDensity.fromState({ ...m.density, mean: get('mean', [dim]), covariance: get('covariance', [dim, dim]), precision: get('precision', [dim, dim]) });
  } catch (e) {
    const message = (e as Error).message;
    throw new Error(message.startsWith(file) ? message : `${file}: ${message}`);
  }
}

/** The weights as the manifest's network needs them, checked before the network (and its memory) exists. */
function readWeights(src: DetectorSource, options: ResolvedNetworkOptions): Map<string, NamedTensor> {
  const file = src.label(DETECTOR_FILES.weights);
  const tensors = src.state(DETECTOR_FILES.weights).tensors;
  for (const spec of [...backboneSpecs(), ...headSpecs(options.headWidths, options.numClasses)])
    tensorOf(tensors, spec.name, ['Float32Array', 'Float64Array'], torchShape(spec), file);
  return tensors;
}

/** A patch density's state file, checked against its manifest entry, as plain arrays. */
function readPatch(src: DetectorSource, name: string, p: PatchManifest) {
  const file = src.label(name);
  const t = src.state(name).tensors;
  const bank = tensorOf(t, 'bank', ['Float32Array'], [p.rows, p.dim], file) as Float32Array;
  const featureDim = patchFeatureDim(p.config.stages);
  const projection = t.has('projection') ? (tensorOf(t, 'projection', ['Float32Array'], [featureDim, p.dim], file) as Float32Array) : undefined;
  return { file, state: { config: p.config, dim: p.dim, grid: p.grid, bank, projection } };
}

export function detectorPartsFrom(src: DetectorSource): LoadedDetector {
  const manifestFile = src.label(DETECTOR_FILES.manifest);
  const m = parseManifest(src.manifest(), manifestFile);
  let imageScore: ImageScoreSpec;
  try {
    imageScore = checkImageScoreSpec(m.imageScore ?? { kind: 'gaussian' }, m.patch !== undefined, 'imageScore');
  } catch (e) {
    throw new Error(`${manifestFile}: ${(e as Error).message}`);
  }
  const density = loadDensity(src, m);
  const patchState = m.patch && readPatch(src, DETECTOR_FILES.patch, m.patch);
  const imagePatchState = m.imagePatch && readPatch(src, DETECTOR_FILES.imagePatch, m.imagePatch);
  const weights = readWeights(src, m.network);
  const densities: PatchDensity[] = [];
  const network = new Network(m.network);
  try {
    const [patch, imagePatch] = [patchState, imagePatchState].map((s) => {
      if (!s) return undefined;
      try {
        densities.push(PatchDensity.fromState(s.state));
      } catch (e) {
        throw new Error(`${s.file}: ${(e as Error).message}`);
      }
      return densities.at(-1);
    });
    network.loadWeights(weights, { origin: src.label(DETECTOR_FILES.weights) });
    return { manifest: m, network, density, patch, imagePatch, imageScore };
  } catch (e) {
    network.dispose();
    for (const d of densities) d.dispose();
    throw e;
  }
}

/** A Detector from `src`, every file checked first (see detectorPartsFrom); `batchSize` images per forward pass. */
export function detectorFrom(src: DetectorSource, options: { batchSize?: number } = {}): Detector {
  const batchSize = checkBatchSize(options.batchSize, 'batchSize');
  const { manifest: m, network, density, patch, imagePatch, imageScore } = detectorPartsFrom(src);
  try {
    return Detector.fromParts({
      network, density, embedding: m.embedding, imageSize: m.imageSize, threshold: m.threshold, thresholdQuantile: m.thresholdQuantile, thresholdEstimate: m.thresholdEstimate,
      metadata: m.metadata, patch, imagePatch, imageScore, batchSize,
    });
  } catch (e) {
    network.dispose();
    patch?.dispose();
    imagePatch?.dispose();
    throw e;
  }
}
