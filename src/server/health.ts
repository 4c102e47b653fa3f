// Readiness is the conjunction of named conditions (today one: the serving certificate loaded) and
// goes false for good once shutdown starts, so the Service stops sending traffic first.
export class Readiness {
  private readonly pending = new Set<string>();
  private shuttingDown = false;

  constructor(conditions: readonly string[]) {
    for (const condition of conditions) this.pending.add(condition);
  }

  satisfy(condition: string): void {
    this.pending.delete(condition);
  }

  beginShutdown(): void {
    this.shuttingDown = true;
  }

  get ready(): boolean {
    return !this.shuttingDown && this.pending.size === 0;
  }

  /** Why the server is not ready, for the /readyz body. */
  get reasons(): string[] {
    return [...(this.shuttingDown ? ['shutting down'] : []), ...[...this.pending].map((c) => `waiting for ${c}`)];
  }
}
