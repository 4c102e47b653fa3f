// The error of an unusable promgate configuration file, apart from its loader so that the CLI can
// recognise it without loading a YAML library on every command.
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
