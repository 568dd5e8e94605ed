// Runs async calls one at a time, in arrival order, with a bound on how long one call may hold
// the turn: after `timeoutMs` the next call starts even if the previous one never settled. The
// late call keeps running and its own caller still gets its result; whatever it protects must
// therefore stay safe under that rare overlap (InvoiceSequence: the D1 head assertion).

export class SerialLock {
  private tail: Promise<void> = Promise.resolve();
  private readonly timeoutMs: number;
  private readonly onTimeout: () => void;

  constructor(timeoutMs: number, onTimeout: () => void = () => {}) {
    this.timeoutMs = timeoutMs;
    this.onTimeout = onTimeout;
  }

  run<T>(fn: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const previous = this.tail;
    this.tail = released;
    return previous.then(async () => {
      // The clock starts when the call gets its turn, not while it waits in line.
      const timer = setTimeout(() => {
        this.onTimeout();
        release();
      }, this.timeoutMs);
      try {
        return await fn();
      } finally {
        clearTimeout(timer);
        release();
      }
    });
  }
}
