// What a `catch` receives is `unknown`: JavaScript can throw anything, and a library sometimes does.
import { getSystemErrorMap } from 'node:util';

/** The thrown value itself when it is an Error, else an Error whose message is the value as text. */
export function asError(thrown: unknown): Error {
  return thrown instanceof Error ? thrown : new Error(String(thrown));
}

/**
 * A failed system call in words an operator reads: "address already in use (EADDRINUSE)". Node's
 * own message repeats the call and path ("listen EADDRINUSE: … 127.0.0.1:8443"), which the caller
 * names better; anything that is not a system error keeps its message.
 */
export function systemErrorText(thrown: unknown): string {
  const err = asError(thrown) as NodeJS.ErrnoException;
  const known = typeof err.errno === 'number' ? getSystemErrorMap().get(err.errno) : undefined;
  return known ? `${known[1]} (${known[0]})` : err.message;
}
