// Waiting on work that cannot itself be cancelled (an API call in flight) without letting it hold
// up a shutdown.

/**
 * `promise`, or a rejection with the signal's reason once `graceMs` have passed since the signal
 * aborted: the work may still settle within that grace, after it the caller stops waiting.
 */
export function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, graceMs = 0): Promise<T> {
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const giveUp = (): void => reject(signal.reason);
    const onAbort = (): void => {
      if (graceMs <= 0) giveUp();
      else timer = setTimeout(giveUp, graceMs);
    };
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    const stopListening = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };
    promise.then(
      (value) => {
        stopListening();
        resolve(value);
      },
      (err: unknown) => {
        stopListening();
        reject(err);
      },
    );
  });
}
