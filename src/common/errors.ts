// What a `catch` receives is `unknown`: JavaScript can throw anything, and a library sometimes does.

/** The thrown value itself when it is an Error, else an Error whose message is the value as text. */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}
