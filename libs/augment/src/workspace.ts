// Reusable scratch buffers, so the batch filler runs without per-sample allocations. Buffers only grow.
export class Workspace {
  private byteBuf = new Uint8Array(0);
  private alphaBuf = new Float32Array(0);
  private spanBuf = new Int32Array(0);
  private imageBuf = new Uint8Array(0);
  private maskBuf = new Uint8Array(0);

  bytes(n: number): Uint8Array {
    if (this.byteBuf.length < n) this.byteBuf = new Uint8Array(n);
    return this.byteBuf.subarray(0, n);
  }

  spans(n: number): Int32Array {
    if (this.spanBuf.length < n) this.spanBuf = new Int32Array(n);
    return this.spanBuf.subarray(0, n);
  }

  /** Whole-image buffers for the sampler, distinct from the patch buffer the transforms use. */
  image(n: number): Uint8Array {
    if (this.imageBuf.length < n) this.imageBuf = new Uint8Array(n);
    return this.imageBuf.subarray(0, n);
  }

  mask(n: number): Uint8Array {
    if (this.maskBuf.length < n) this.maskBuf = new Uint8Array(n);
    return this.maskBuf.subarray(0, n);
  }

  alpha(n: number): Float32Array {
    if (this.alphaBuf.length < n) this.alphaBuf = new Float32Array(n);
    return this.alphaBuf.subarray(0, n);
  }
}

const shared = new Workspace();

/** Scratch for the one-sample functions; safe to share because every use is synchronous. */
export function sharedWorkspace(): Workspace {
  return shared;
}
