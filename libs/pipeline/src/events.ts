// What the experiment reports while it runs. The pipeline never prints: apps turn these into a progress bar.

export interface TrainStepEvent {
  kind: 'step';
  stage: 'frozen' | 'full';
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss: number;
  accuracy: number;
  samplesPerSecond: number;
  /** Seconds left in the whole training (both stages), if known. */
  etaSeconds?: number;
}

export interface EpochEvent {
  kind: 'epoch';
  stage: 'frozen' | 'full';
  epoch: number;
  epochs: number;
  loss: number;
  accuracy: number;
  seconds: number;
}

export interface PhaseEvent {
  kind: 'phase';
  /** e.g. 'load', 'train', 'density', 'evaluate', 'figures', 'report'. */
  phase: string;
  message: string;
}

export interface CountEvent {
  kind: 'count';
  phase: string;
  done: number;
  total: number;
}

export type PipelineEvent = TrainStepEvent | EpochEvent | PhaseEvent | CountEvent;
export type OnEvent = (event: PipelineEvent) => void;
