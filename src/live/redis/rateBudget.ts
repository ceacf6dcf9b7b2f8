/**
 * The upstream rate shared by all replicas: per AWS operation, a token bucket kept in Redis (a GCRA
 * reservation, see `RATE` in scripts.ts), so adding replicas never multiplies the polling load on AWS.
 * While Redis cannot be asked, a local bucket of the same rate stands in. Internal to live/redis.
 */
import type { Redis } from 'ioredis';
import { PollBudget } from '../budget.js';
import { RATE } from './scripts.js';

interface SharedRateBudgetOptions {
  /** Polls per second per operation, all replicas together. */
  readonly ratePerSecond: number;
  /** Overrides by operation name. */
  readonly operationRates: Readonly<Record<string, number>>;
  /** The Redis key of an operation's bucket. */
  readonly keyOf: (operation: string) => string;
  /** Whether Redis is reachable now. */
  readonly reachable: () => boolean;
  readonly onError: (err: unknown) => void;
}

/**
 * The poll budget shared by every replica (see the module): `take` waits for the operation's next slot,
 * falling back to a local bucket while Redis is unreachable. After `close`, a reserved slot is no longer
 * waited for and the local buckets are closed.
 */
export class SharedRateBudget {
  private readonly local = new Map<string, PollBudget>();
  private closed = false;

  constructor(
    private readonly redis: Redis,
    private readonly options: SharedRateBudgetOptions,
  ) {}

  /**
   * Resolves when a poll calling `operation` may start: one Redis call reserves its slot and says how long
   * to wait for it. Never rejects.
   */
  async take(operation: string): Promise<void> {
    const limit = this.options.operationRates[operation] ?? this.options.ratePerSecond;
    if (!this.options.reachable()) return this.localBudget(operation, limit).take();
    let waitMs: number;
    try {
      waitMs = (await this.redis.eval(RATE, 1, this.options.keyOf(operation), limit)) as number;
    } catch (err) {
      this.options.onError(err);
      return this.localBudget(operation, limit).take();
    }
    if (waitMs > 0 && !this.closed) await sleep(waitMs);
  }

  close(): void {
    this.closed = true;
    for (const budget of this.local.values()) budget.close();
  }

  private localBudget(operation: string, limit: number): PollBudget {
    let budget = this.local.get(operation);
    if (!budget) this.local.set(operation, (budget = new PollBudget(limit)));
    return budget;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());
