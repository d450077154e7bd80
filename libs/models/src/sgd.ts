// SGD with momentum and weight decay with torch.optim.SGD's semantics (dampening 0, no Nesterov):
// g ← g + wd·p; buf ← m·buf + g; p ← p − lr·buf.
import * as tf from '@tensorflow/tfjs';

export interface SgdOptions {
  /** Default 0.9. */
  momentum?: number;
  /** L2 term added to the gradient, as torch does. Default 3e-5. */
  weightDecay?: number;
}

export class Sgd {
  readonly momentum: number;
  readonly weightDecay: number;
  /** Momentum buffers by parameter name (created on first update, zero, which equals torch's first-step copy). */
  readonly buffers = new Map<string, tf.Variable>();

  constructor(options: SgdOptions = {}) {
    this.momentum = options.momentum ?? 0.9;
    this.weightDecay = options.weightDecay ?? 3e-5;
    if (!(this.momentum >= 0 && this.momentum < 1)) throw new Error(`SgdOptions.momentum must be in [0, 1) (got ${this.momentum})`);
    if (!(this.weightDecay >= 0)) throw new Error(`SgdOptions.weightDecay must be ≥ 0 (got ${this.weightDecay})`);
  }

  /** Applies one update to `params` given gradients keyed the same way. */
  update(params: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, lr: number): void {
    tf.tidy(() => {
      const lrT = tf.scalar(lr);
      const m = tf.scalar(this.momentum);
      const wd = tf.scalar(this.weightDecay);
      for (const [name, p] of params) {
        const g = grads.get(name);
        if (!g) continue;
        let buf = this.buffers.get(name);
        if (!buf) {
          buf = tf.variable(tf.zerosLike(p), false, `${p.name}/momentum`);
          this.buffers.set(name, buf);
        }
        const d = this.weightDecay > 0 ? tf.add(g, tf.mul(wd, p)) : g;
        buf.assign(tf.add(tf.mul(m, buf), d));
        p.assign(tf.sub(p, tf.mul(lrT, buf)));
      }
    });
  }

  dispose(): void {
    for (const b of this.buffers.values()) b.dispose();
    this.buffers.clear();
  }
}
