// What the CLI needs from its process: where to write, whether that is a terminal, and the stop signal (Ctrl-C).
export interface Io {
  write: (text: string) => void;
  tty: boolean;
  signal?: AbortSignal;
}
