// The two accepted layouts for per-pixel inputs, resolved to one view per image (no copies of the data).

/** One anomaly map with its size (row-major, height × width). */
export interface ScoreMap {
  data: Float32Array;
  height: number;
  width: number;
}

/** One ground-truth mask with its size: 0 = normal, 1 (or 255) = defect. */
export interface MaskMap {
  data: Uint8Array;
  height: number;
  width: number;
}

/** Several same-sized images in one contiguous block, image after image (N × H × W, row-major). */
export interface Stack<T> {
  data: T;
  count: number;
  height: number;
  width: number;
}

/** Anomaly maps: one per image (bare, or with its size), or one contiguous stack. */
export type AnomalyMaps = readonly (Float32Array | ScoreMap)[] | Stack<Float32Array>;
/** Ground-truth masks, laid out like the maps: values 0/1, with 255 read as 1 (8-bit PNG masks). */
export type GroundTruthMasks = readonly (Uint8Array | MaskMap)[] | Stack<Uint8Array>;

/** Size of bare (size-less) per-image arrays; needed by AU-PRO, whose regions depend on the image width. */
export interface SizeOptions {
  size?: { height: number; width: number };
}

export interface ResolvedImage {
  map: Float32Array;
  mask: Uint8Array;
  /** -1 when unknown (bare arrays without options.size), which only pixel AUROC tolerates. */
  height: number;
  width: number;
  /** Names for error messages, e.g. `maps[3]` or `maps.data[196608 + ...]` for a stack. */
  mapName: (pixel: number) => string;
  maskName: (pixel: number) => string;
}

function isStack(x: unknown): x is Stack<unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && 'count' in x;
}

function checkDim(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new RangeError(`${name} must be a positive integer, got ${String(v)}`);
  return v;
}

export interface Entry<T> {
  data: T;
  height: number;
  width: number;
  name: (pixel: number) => string;
}

function entries<T extends Float32Array | Uint8Array>(
  input: readonly (T | { data: T; height: number; width: number })[] | Stack<T>,
  argName: string,
  ctor: typeof Float32Array | typeof Uint8Array,
): Entry<T>[] {
  const typeName = ctor.name;
  if (isStack(input)) {
    const count = checkDim(`${argName}.count`, input.count);
    const height = checkDim(`${argName}.height`, input.height);
    const width = checkDim(`${argName}.width`, input.width);
    if (!(input.data instanceof ctor)) throw new TypeError(`${argName}.data must be a ${typeName}`);
    const per = height * width;
    if (input.data.length !== count * per)
      throw new RangeError(
        `length mismatch: ${argName}.data has ${input.data.length} values, expected count × height × width = ` +
          `${count} × ${height} × ${width} = ${count * per}`,
      );
    return Array.from({ length: count }, (_, i) => ({
      data: input.data.subarray(i * per, (i + 1) * per) as T,
      height,
      width,
      name: (p: number) => `${argName}.data[${i * per + p}] (image ${i}, pixel ${p})`,
    }));
  }
  if (!Array.isArray(input))
    throw new TypeError(`${argName} must be an array of ${typeName} (or { data, height, width }) or a stack`);
  return input.map((e, i) => {
    if (e instanceof ctor) return { data: e as T, height: -1, width: -1, name: (p: number) => `${argName}[${i}][${p}]` };
    const o = e as { data: T; height: number; width: number };
    if (typeof o !== 'object' || o === null || !(o.data instanceof ctor))
      throw new TypeError(`${argName}[${i}] must be a ${typeName} or { data: ${typeName}, height, width }`);
    const height = checkDim(`${argName}[${i}].height`, o.height);
    const width = checkDim(`${argName}[${i}].width`, o.width);
    if (o.data.length !== height * width)
      throw new RangeError(
        `length mismatch: ${argName}[${i}].data has ${o.data.length} values, expected ${height} × ${width}`,
      );
    return { data: o.data, height, width, name: (p: number) => `${argName}[${i}].data[${p}]` };
  });
}

/** The maps alone, one view per image, for reductions that need no mask. */
export function mapEntries(maps: AnomalyMaps): Entry<Float32Array>[] {
  return entries(maps, 'maps', Float32Array);
}

/**
 * Pairs maps with masks image by image and settles each image's size; `needSize` makes an unknown size an error.
 */
export function resolveImages(
  maps: AnomalyMaps,
  masks: GroundTruthMasks,
  options: SizeOptions,
  needSize: boolean,
): ResolvedImage[] {
  const m = entries(maps, 'maps', Float32Array);
  const g = entries(masks, 'masks', Uint8Array);
  if (m.length !== g.length) throw new RangeError(`length mismatch: ${m.length} maps but ${g.length} masks`);
  if (m.length === 0) throw new RangeError('maps is empty; at least one image is needed');
  let common: { height: number; width: number } | undefined;
  if (options.size !== undefined) {
    common = {
      height: checkDim('options.size.height', options.size.height),
      width: checkDim('options.size.width', options.size.width),
    };
  }
  return m.map((a, i) => {
    const b = g[i];
    if (a.data.length !== b.data.length)
      throw new RangeError(`length mismatch: maps[${i}] has ${a.data.length} pixels but masks[${i}] has ${b.data.length}`);
    const known = [a, b].filter((e) => e.height > 0);
    if (known.length === 2 && (a.height !== b.height || a.width !== b.width))
      throw new RangeError(
        `size mismatch at image ${i}: maps is ${a.height}×${a.width} but masks is ${b.height}×${b.width}`,
      );
    let { height, width } = known[0] ?? { height: -1, width: -1 };
    if (height < 0 && common) {
      if (common.height * common.width !== a.data.length)
        throw new RangeError(
          `length mismatch: maps[${i}] has ${a.data.length} pixels but options.size is ${common.height}×${common.width}`,
        );
      ({ height, width } = common);
    }
    if (height < 0 && needSize)
      throw new RangeError(
        `maps[${i}]: image size unknown; pass { data, height, width } entries, a { data, count, height, width } ` +
          `stack, or options.size`,
      );
    return { map: a.data, mask: b.data, height, width, mapName: a.name, maskName: b.name };
  });
}
