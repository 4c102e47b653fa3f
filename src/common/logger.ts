// The logging promgate's parts need: structured fields first, then the message (pino's order).
// Declared here rather than importing pino's types, so that every part can be handed a silent or
// recording logger in tests.
export interface Logger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}
