/**
 * A push-to-pull bridge: producers `push` values (or `fail`/`end`), a consumer iterates them with
 * `for await`. `return()` (a client unsubscribing) runs the cleanup once. Internal to live/.
 */
export class AsyncQueue<T> implements AsyncIterableIterator<T> {
  private readonly values: T[] = [];
  private readonly waiting: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }[] = [];
  private done = false;
  private error: unknown;
  private cleaned = false;

  constructor(private readonly cleanup: () => void) {}

  push(value: T): void {
    if (this.done) return;
    const waiter = this.waiting.shift();
    if (waiter) waiter.resolve({ value, done: false });
    else this.values.push(value);
  }

  /** Ends the stream after the values already pushed. */
  end(): void {
    if (this.done) return;
    this.done = true;
    this.runCleanup();
    if (this.values.length === 0)
      for (const w of this.waiting.splice(0)) w.resolve({ value: undefined, done: true });
  }

  /** Ends the stream with an error, after the values already pushed. */
  fail(error: unknown): void {
    if (this.done) return;
    this.done = true;
    this.runCleanup();
    const waiters = this.waiting.splice(0);
    if (waiters.length > 0) for (const w of waiters) w.reject(error);
    else this.error = error;
  }

  next(): Promise<IteratorResult<T>> {
    const value = this.values.shift();
    if (value !== undefined) return Promise.resolve({ value, done: false });
    if (this.done) {
      if (this.error !== undefined) {
        const error = this.error;
        this.error = undefined;
        return Promise.reject(error);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.values.length = 0;
    this.error = undefined;
    this.done = true;
    this.runCleanup();
    for (const w of this.waiting.splice(0)) w.resolve({ value: undefined, done: true });
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error: unknown): Promise<IteratorResult<T>> {
    void this.return();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private runCleanup(): void {
    if (this.cleaned) return;
    this.cleaned = true;
    this.cleanup();
  }
}
