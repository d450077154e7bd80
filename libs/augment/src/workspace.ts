// Reusable scratch buffers, so the batch filler runs without per-sample allocations. Buffers only grow.
export class Workspace {
  private byteBuf = new Uint8Array(0);
  private floatBuf = new Float32Array(0);
  private alphaBuf = new Float32Array(0);

  bytes(n: number): Uint8Array {
    if (this.byteBuf.length < n) this.byteBuf = new Uint8Array(n);
    return this.byteBuf.subarray(0, n);
  }

  floats(n: number): Float32Array {
    if (this.floatBuf.length < n) this.floatBuf = new Float32Array(n);
    return this.floatBuf.subarray(0, n);
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
