// A promise with its resolve function outside it: tests use it to learn that a fake API server
// call arrived, or to hold its answer back until they release it (Node 20 has no withResolvers).
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve = (_value: T): void => undefined;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}
