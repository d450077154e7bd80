import { describeChange, type JobSnapshot } from './job-status.js';
import { jobProgressReporter } from './job-progress.js';
import type { SweepJobProgress } from './jobs.js';

const snap = (s: Partial<JobSnapshot>): JobSnapshot => ({ state: 'waiting', attemptsMade: 0, attempts: 3, seconds: 0, ...s });

describe('describeChange', () => {
  it('prints each change of state once: queued, running on a worker, its progress, a retry, back in the queue', () => {
    let last = { key: '', progress: '' };
    const lines: string[] = [];
    const step = (s: JobSnapshot) => {
      const c = describeChange(s, last);
      last = c;
      lines.push(...c.lines);
    };
    step(snap({}));
    step(snap({}));
    step(snap({ state: 'active', worker: 'a:1' }));
    step(snap({ state: 'active', worker: 'a:1', progress: { worker: 'a:1', text: 'frozen epoch 1/3 done' } }));
    step(snap({ state: 'active', worker: 'a:1', progress: { worker: 'a:1', text: 'frozen epoch 1/3 done' } }));
    step(snap({ state: 'delayed', attemptsMade: 1, failedReason: 'disk full\nstack' }));
    step(snap({ state: 'active', worker: 'b:2', attemptsMade: 1, progress: { worker: 'a:1', text: 'frozen epoch 1/3 done' } }));
    step(snap({ state: 'waiting', attemptsMade: 1 }));
    expect(lines).toEqual([
      'queued',
      'running on a:1 (attempt 1/3)',
      'a:1: frozen epoch 1/3 done',
      'attempt 1/3 failed: disk full; retrying',
      // The previous worker's progress is not shown as the new one's.
      'running on b:2 (attempt 2/3)',
      'back in the queue (b:2 gave it back or stopped answering)',
    ]);
  });
});

describe('jobProgressReporter', () => {
  it('passes phases and epochs on at once and training steps at most every 30 s', () => {
    let now = 0;
    const sent: SweepJobProgress[] = [];
    const report = jobProgressReporter('w', (p) => sent.push(p), () => now);
    const stepEvent = (step: number) =>
      ({ kind: 'step', stage: 'frozen', epoch: 1, epochs: 2, step, steps: 100, loss: 1, accuracy: 0.5, samplesPerSecond: 10 }) as const;
    report({ kind: 'phase', phase: 'train', message: '2 frozen epochs' });
    report(stepEvent(1));
    now = 29_000;
    report(stepEvent(2));
    now = 31_000;
    report(stepEvent(3));
    report({ kind: 'count', phase: 'load train', done: 1, total: 2 });
    report({ kind: 'epoch', stage: 'frozen', epoch: 1, epochs: 2, loss: 0.5, accuracy: 0.75, seconds: 40 });
    expect(sent.map((p) => `${p.worker} ${p.text.replace(/█|░/g, '')}`)).toEqual([
      'w [train] 2 frozen epochs',
      'w frozen epoch 1/2  3/100 loss 1.0000 acc 50.0% 10.0 samples/s',
      'w frozen epoch 1/2 done: loss 0.5000 acc 75.0% in 00:40',
    ]);
  });
});
