#!/usr/bin/env node
// promgate's command line: picks the command, runs it, and turns its outcome into an exit code.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config/errors.js';
import { EXIT_OK, EXIT_UNUSABLE, InputError, UsageError, writeLine, type Command, type CommandIO } from './usage.js';

/** How long stray handles may keep the process alive once a command has returned. */
const EXIT_GRACE_MS = 1_000;

interface CommandEntry {
  summary: string;
  /** Commands are loaded on use: `check-config` need not start the Kubernetes client. */
  load(): Promise<Command>;
}

export const COMMANDS: Record<string, CommandEntry> = {
  serve: {
    summary: 'serve the admission webhooks, probes and metrics',
    load: async () => (await import('./commands/serve.js')).serveCommand,
  },
  certs: {
    summary: 'write a CA and a serving certificate (PEM) for the webhook',
    load: async () => (await import('./commands/certs.js')).certsCommand,
  },
  check: {
    summary: 'judge manifests offline: mutation, then validation of the mutated object',
    load: async () => (await import('./commands/check.js')).checkCommand,
  },
  'check-config': {
    summary: 'check raw Prometheus configuration files, like promtool check config --syntax-only',
    load: async () => (await import('./commands/check-config.js')).checkConfigCommand,
  },
  audit: {
    summary: 'report every policy violation among the live DaemonSets and watched ConfigMaps',
    load: async () => (await import('./commands/audit.js')).auditCommand,
  },
  version: {
    summary: 'print the release of promgate (also --version)',
    load: async () => (await import('./commands/version.js')).versionCommand,
  },
  'check-install': {
    summary: "check that promgate's webhook configurations send exactly what its configuration judges",
    load: async () => (await import('./commands/check-install.js')).checkInstallCommand,
  },
};

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return `usage: promgate <command> [flags]\n\ncommands:\n${lines.join('\n')}\n\n'promgate <command> --help' describes a command.`;
}

export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [given, ...rest] = argv;
  const name = given === '--version' ? 'version' : given;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    writeLine(name === undefined ? io.stderr : io.stdout, overview());
    return name === undefined ? EXIT_UNUSABLE : EXIT_OK;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    writeLine(io.stderr, `promgate: unknown command "${name}"\n\n${overview()}`);
    return EXIT_UNUSABLE;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    writeLine(io.stdout, `usage: ${command.usage}`);
    return EXIT_OK;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof InputError || err instanceof ConfigError) {
      writeLine(io.stderr, `promgate ${name}: ${err.message}`);
      if (err instanceof UsageError) writeLine(io.stderr, `usage: ${command.usage.split('\n')[0]}`);
      return EXIT_UNUSABLE;
    }
    writeLine(io.stderr, `promgate ${name}: ${(err as Error).stack ?? String(err)}`);
    return EXIT_UNUSABLE;
  }
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  return script !== undefined && realpathSync(script) === fileURLToPath(import.meta.url);
}

if (invokedDirectly()) {
  // `promgate check-config x | head` closes the pipe early: that is the reader's choice, not a crash.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? EXIT_OK);
  });
  const code = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
  });
  process.exitCode = code;
  // The command has finished; whatever still holds the event loop (a socket of an API call it
  // abandoned, a worker thread of a `serve` that failed to start) gets a moment to close, then the
  // process exits: a pod must never stay Running with nothing listening.
  setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
}
