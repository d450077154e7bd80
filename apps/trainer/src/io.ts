// What a command gets from the process: where to write, whether that is a terminal, and the stop signal.
export interface Io {
  write: (text: string) => void;
  tty: boolean;
  /** Aborted on Ctrl-C / SIGTERM: training stops after the current step and leaves a checkpoint. */
  signal?: AbortSignal;
}
