/** Runs a push once, `delayMs` after the first request in a burst: pushes to a full hall are coalesced. */
export class Coalescer {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly onError: (err: unknown, key: string) => void) {}

  run(key: string, delayMs: number, push: () => Promise<void>): void {
    if (this.timers.has(key)) return;
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        push().catch((err) => this.onError(err, key));
      }, delayMs),
    );
  }

  stop(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
