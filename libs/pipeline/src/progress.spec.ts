import { ProgressRenderer, formatDuration, formatStep } from './progress.js';
import type { TrainStepEvent } from './events.js';

const step = (k: number): TrainStepEvent => ({
  kind: 'step', stage: 'frozen', epoch: 1, epochs: 3, step: k, steps: 10, loss: 0.5, accuracy: 0.75, samplesPerSecond: 12.5, etaSeconds: 125,
});

describe('progress', () => {
  it('formats a step with stage, epoch, step, loss, accuracy, samples/s and ETA', () => {
    expect(formatStep(step(5), 10)).toBe('frozen epoch 1/3 █████░░░░░ 5/10 loss 0.5000 acc 75.0% 12.5 samples/s ETA 02:05');
    expect(formatDuration(3725)).toBe('1:02:05');
  });

  it('redraws in place on a TTY and keeps permanent lines', () => {
    const out: string[] = [];
    const r = new ProgressRenderer((s) => out.push(s), true, 0);
    r.handle(step(1));
    r.handle({ kind: 'phase', phase: 'train', message: 'go' });
    expect(out[0].startsWith('\r\x1b[2K')).toBe(true);
    expect(out.slice(1).join('')).toBe('\r\x1b[2K[train] go\n');
  });

  it('writes throttled plain step lines off a TTY', () => {
    const out: string[] = [];
    const r = new ProgressRenderer((s) => out.push(s), false, 0, 60_000);
    for (let k = 1; k <= 10; k++) r.handle(step(k));
    r.handle({ kind: 'epoch', stage: 'frozen', epoch: 1, epochs: 3, loss: 0.4, accuracy: 0.8, seconds: 61 });
    expect(out).toHaveLength(2);
    expect(out[0]).toMatch(/^frozen epoch 1\/3 .* 1\/10 .*\n$/);
    expect(out[1]).toBe('frozen epoch 1/3 done: loss 0.4000 acc 80.0% in 01:01\n');
  });
});
