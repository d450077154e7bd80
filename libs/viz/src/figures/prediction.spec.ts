import { renderPrediction } from './prediction.js';

const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

describe('renderPrediction', () => {
  const image = { width: 120, height: 70, channels: 3 as const, data: new Uint8Array(120 * 70 * 3).fill(128) };
  const heatmap = Float32Array.from({ length: 120 * 70 }, (_, i) => (i % 120) / 119);

  it('keeps the image at its own size and adds a colour bar strip beside it', () => {
    const png = renderPrediction({ image, heatmap, range: { min: 0, max: 3 }, pixelThreshold: 2, mask: Uint8Array.from(heatmap, (v) => (v > 0.66 ? 1 : 0)), text: 'ANOMALOUS 0.93', anomalous: true });
    const { width, height } = pngSize(png);
    expect(height).toBe(70);
    expect(width).toBeGreaterThan(120);
    expect(width).toBeLessThan(120 + 120);
  });

  it('refuses a heatmap of another size', () => {
    expect(() => renderPrediction({ image, heatmap: new Float32Array(10), range: { min: 0, max: 1 }, text: '', anomalous: false })).toThrow(/heatmap has 10 values/);
  });
});
