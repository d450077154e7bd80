// Pixel metrics see only the image itself: with fit 'pad' the mirrored padding is cut away from every map and mask
// (each keeps its own size), so the padding neither adds easy normal pixels nor mirrored defects.
import { cropToContent, type Sample } from '@ssad/data';
import type { MaskMap, ScoreMap } from '@ssad/metrics';

export function contentMaps(maps: readonly Float32Array[], samples: readonly Sample[], width: number): ScoreMap[] {
  return maps.map((m, i) => ({ data: cropToContent(m, width, samples[i].content), width: samples[i].content.width, height: samples[i].content.height }));
}

export function contentMasks(samples: readonly Sample[], width: number): MaskMap[] {
  return samples.map((s) => ({ data: cropToContent(s.mask, width, s.content), width: s.content.width, height: s.content.height }));
}
