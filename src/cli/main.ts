#!/usr/bin/env node
// promgate's command line: picks the command, runs it, and turns its outcome into an exit code.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../config/load.js';
import { auditCommand } from './commands/audit.js';
import { certsCommand } from './commands/certs.js';
import { checkConfigCommand } from './commands/check-config.js';
import { checkCommand } from './commands/check.js';
import { serveCommand } from './commands/serve.js';
import { EXIT_OK, EXIT_UNUSABLE, InputError, UsageError, writeLine, type Command, type CommandIO } from './usage.js';

export const COMMANDS: Record<string, Command> = {
  serve: serveCommand,
  certs: certsCommand,
  check: checkCommand,
  'check-config': checkConfigCommand,
  audit: auditCommand,
};

function overview(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((name) => name.length));
  const lines = Object.entries(COMMANDS).map(([name, command]) => `  ${name.padEnd(width)}  ${command.summary}`);
  return `usage: promgate <command> [flags]\n\ncommands:\n${lines.join('\n')}\n\n'promgate <command> --help' describes a command.`;
}

export async function main(argv: string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    writeLine(name === undefined ? io.stderr : io.stdout, overview());
    return name === undefined ? EXIT_UNUSABLE : EXIT_OK;
  }
  const command = COMMANDS[name];
  if (!command) {
    writeLine(io.stderr, `promgate: unknown command "${name}"\n\n${overview()}`);
    return EXIT_UNUSABLE;
  }
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
  const code = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
  });
  process.exitCode = code;
}
