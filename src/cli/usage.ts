// Command-line plumbing shared by every command: flag parsing with promgate's exit codes.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { parseGoDurationMs } from '../common/go-duration.js';
import type { KubeConfigOptions } from '../kube/client.js';

/** SPEC §1: 0 = all allowed, 1 = something denied, 2 = unusable input or flags. */
export const EXIT_OK = 0;
export const EXIT_DENIED = 1;
export const EXIT_UNUSABLE = 2;

/** Input the command cannot use (a file, a cluster it cannot reach): printed without a stack, exit 2. */
export class InputError extends Error {
  override readonly name: string = 'InputError';
}

/** Bad flags: like InputError, followed by the command's usage line. */
export class UsageError extends InputError {
  override readonly name = 'UsageError';
}

export interface CommandIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
}

export interface Command {
  usage: string;
  run(argv: string[], io: CommandIO): Promise<number>;
}

type Options = NonNullable<ParseArgsConfig['options']>;

export function parseFlags<O extends Options>(argv: string[], options: O, allowPositionals: boolean) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function parsePort(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`${flag}: expected a port number 0-65535, got ${JSON.stringify(value)}`);
  }
  return port;
}

/** A count such as --workers: a whole number from 0 up. */
export function parseCountFlag(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const count = Number(value);
  if (value.trim() === '' || !Number.isSafeInteger(count) || count < 0) {
    throw new UsageError(`${flag}: expected a whole number 0 or more, got ${JSON.stringify(value)}`);
  }
  return count;
}

/** Flags take Go durations such as `5m`, `30s`, `1h30m`, or `0`. */
export function parseDurationFlag(value: string | undefined, flag: string, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const durationMs = parseGoDurationMs(value);
  if (durationMs === undefined) {
    throw new UsageError(`${flag}: expected a duration such as 30s, 5m or 1h30m, got ${JSON.stringify(value)}`);
  }
  return durationMs;
}

const OUTPUT_FORMATS = ['text', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];
/** check and check-config also print for CI systems. */
const CI_OUTPUT_FORMATS = ['text', 'json', 'sarif', 'junit', 'github'] as const;
export type CiOutputFormat = (typeof CI_OUTPUT_FORMATS)[number];

function oneOf<F extends string>(value: string | undefined, formats: readonly F[]): F {
  const format = value ?? 'text';
  if (!(formats as readonly string[]).includes(format)) {
    const choices = `${formats.slice(0, -1).join(', ')} or ${formats[formats.length - 1]}`;
    throw new UsageError(`-o: expected ${choices}, got ${format}`);
  }
  return format as F;
}

/** `-o text|json` of the commands that print results; text when absent. */
export function parseOutputFlag(value: string | undefined): OutputFormat {
  return oneOf(value, OUTPUT_FORMATS);
}

/** `-o text|json|sarif|junit|github` of check and check-config; text when absent. */
export function parseCiOutputFlag(value: string | undefined): CiOutputFormat {
  return oneOf(value, CI_OUTPUT_FORMATS);
}

/** `--kubeconfig` and `--context` as loadKubeConfig takes them; an empty flag counts as absent. */
export function kubeConfigOptions(values: {
  kubeconfig?: string | undefined;
  context?: string | undefined;
}): KubeConfigOptions {
  return {
    ...(values.kubeconfig ? { kubeconfig: values.kubeconfig } : {}),
    ...(values.context ? { context: values.context } : {}),
  };
}

export function writeLine(stream: NodeJS.WritableStream, line = ''): void {
  stream.write(`${line}\n`);
}
