// tsne-js ships no types; only the tests use it (as the reference implementation).
declare module 'tsne-js' {
  export default class TSNE {
    constructor(options: { dim: number; perplexity: number; earlyExaggeration: number; learningRate: number; nIter: number; metric: string });
    init(input: { data: number[][]; type: 'dense' }): void;
    run(): [number, number];
    getOutput(): number[][];
  }
}
