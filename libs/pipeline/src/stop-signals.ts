// How both CLIs stop on a signal: the first SIGINT / SIGTERM (Ctrl-C, timeout, systemd, job runners) aborts the
// run, which stops after its current step with its checkpoint kept; a second one ends the process at once.

/** The shell's convention for "ended by signal N": 128 + N. */
export const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof SIGNAL_EXIT_CODES;

/**
 * Installs the handlers on this process; `onStop` reports the first signal (the app prints it). Returns the
 * controller whose signal the run watches and which signal stopped it, if any.
 */
export function abortOnStopSignals(onStop: (signal: StopSignal) => void): { controller: AbortController; stoppedBy: () => StopSignal | undefined } {
  const controller = new AbortController();
  let stoppedBy: StopSignal | undefined;
  for (const signal of ['SIGINT', 'SIGTERM'] as const)
    process.on(signal, () => {
      if (controller.signal.aborted) process.exit(SIGNAL_EXIT_CODES[signal]);
      stoppedBy = signal;
      onStop(signal);
      controller.abort();
    });
  return { controller, stoppedBy: () => stoppedBy };
}
