// A task repeated every interval until stopped: the certificate renewal and the background audit
// of `serve` both run this way. Rounds never overlap (the next is scheduled when one ends).
// Stopping aborts the round in progress through its signal and waits for the round to end: how
// soon it ends on abort is the task's own choice (the audit at once, a renewal after its call in
// flight, within a grace).

export interface RepeatOptions {
  intervalMs: number;
  /** Run the first round now rather than after one interval. */
  immediately?: boolean;
}

/** `task` must handle its own errors; returns a function that stops the loop. */
export function repeatEvery(task: (signal: AbortSignal) => Promise<void>, options: RepeatOptions): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const stopping = new AbortController();
  const round = (): void => {
    inFlight = task(stopping.signal).finally(schedule);
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(round, options.intervalMs);
    // The loop alone must not keep the process alive (SIGTERM shutdown waits for nothing else).
    timer.unref();
  };
  if (options.immediately) round();
  else schedule();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    stopping.abort(new Error('stopped'));
    await inFlight;
  };
}
