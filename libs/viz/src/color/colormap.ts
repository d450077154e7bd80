// Perceptual colour maps as 256-entry RGB lookup tables. Both come from published polynomial fits, which keeps the
// tables out of the source: turbo (Mikhailov, Google AI 2019) and viridis (matplotlib, fit by M. Zucker).

export type ColormapName = 'turbo' | 'viridis';

/** 256 × RGB, value v in [0, 1] maps to entry round(v · 255). */
export type ColormapLut = Uint8Array;

const clamp255 = (v: number): number => Math.max(0, Math.min(255, Math.round(v * 255)));

function turbo(x: number): [number, number, number] {
  const x2 = x * x;
  const x3 = x2 * x;
  const x4 = x2 * x2;
  const x5 = x4 * x;
  return [
    0.13572138 + 4.6153926 * x - 42.66032258 * x2 + 132.13108234 * x3 - 152.94239396 * x4 + 59.28637943 * x5,
    0.09140261 + 2.19418839 * x + 4.84296658 * x2 - 14.18503333 * x3 + 4.27729857 * x4 + 2.82956604 * x5,
    0.1066733 + 12.64194608 * x - 60.58204836 * x2 + 110.36276771 * x3 - 89.90310912 * x4 + 27.34824973 * x5,
  ];
}

const VIRIDIS: readonly (readonly [number, number, number])[] = [
  [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
  [0.1050930431085774, 1.404613529898575, 1.384590162594685],
  [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
  [-4.634230498983486, -5.799100973351585, -19.33244095627987],
  [6.228269936347081, 14.17993336680509, 56.69055260068105],
  [4.776384997670288, -13.74514537774601, -65.35303263337234],
  [-5.435455855934631, 4.645852612178535, 26.3124352495832],
];

function viridis(t: number): [number, number, number] {
  const out: [number, number, number] = [0, 0, 0];
  for (let c = 0; c < 3; c++) {
    let acc = VIRIDIS[6][c];
    for (let k = 5; k >= 0; k--) acc = VIRIDIS[k][c] + t * acc;
    out[c] = acc;
  }
  return out;
}

const cache = new Map<ColormapName, ColormapLut>();

/** The lookup table of a named colour map (built once, shared: do not modify it). */
export function colormap(name: ColormapName = 'turbo'): ColormapLut {
  const hit = cache.get(name);
  if (hit) return hit;
  const fn = name === 'turbo' ? turbo : name === 'viridis' ? viridis : undefined;
  if (!fn) throw new Error(`colormap: name must be 'turbo' or 'viridis', got ${JSON.stringify(name)}`);
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const rgb = fn(i / 255);
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = clamp255(rgb[c]);
  }
  cache.set(name, lut);
  return lut;
}

/** Index of v (clipped to [0, 1]; NaN → 0) in a 256-entry table. */
export function lutIndex(v: number): number {
  if (!(v > 0)) return 0;
  return v >= 1 ? 255 : Math.round(v * 255);
}
