/**
 * Cross-request sharing of upstream reads, below the per-request DataLoaders:
 * - identical reads in flight are coalesced, but a request only joins a read that started after the
 *   request itself did, so a non-terminal state is never older than the request that asked;
 * - results in a terminal state (which never changes) are kept in a bounded LRU shared by all requests,
 *   and so are definitions (datasets, flows, ...) for a short TTL, when configured;
 * - calls per upstream operation are bounded by a concurrency limit.
 */
import { LRUCache } from 'lru-cache';
import pLimit, { type LimitFunction } from 'p-limit';
import type { CallOrigin } from './origin.js';

/**
 * Counters of one reader since it was created, for metrics: AWS calls made, reads that joined a call in
 * flight, and cross-request cache hits and misses. They only grow.
 */
export interface ReaderStats {
  calls: number;
  coalesced: number;
  cacheHits: number;
  cacheMisses: number;
}

/**
 * How a {@link SharedReader} reads one AWS operation: its key (`keyOf` must be injective: equal strings
 * mean the same resource), its fetch, what may be cached, and how many calls may run at once.
 */
export interface SharedReaderOptions<K, V> {
  /** The AWS operation, for limits, errors and metrics (`GetDataIntegrationEvent`). */
  readonly operation: string;
  readonly keyOf: (key: K) => string;
  /** Reads `key` upstream, for `origin` (see `sentFor` in observe.ts). */
  readonly fetch: (key: K, origin: CallOrigin | undefined) => Promise<V>;
  /** A value for which this is true never changes and may be cached across requests. */
  readonly isTerminal?: (value: V) => boolean;
  /**
   * For definitions that change rarely (datasets, flows, instances, domains): every value may be cached
   * across requests for this long, ms. Absent or 0: only terminal values are cached.
   */
  readonly definitionTtlMs?: number;
  /** Shared across readers; undefined turns cross-request caching off. */
  readonly cache: LRUCache<string, object> | undefined;
  readonly concurrency: number;
}

interface InFlight<V> {
  readonly startedAt: number;
  readonly promise: Promise<V>;
}

/**
 * Reads one AWS operation by key for every request of the process: values that never change again
 * (terminal) or definitions (for their TTL) come from the shared cache; concurrent reads of one key share
 * one call, if that call started no earlier than the read's `notBefore`; at most `concurrency` calls run at
 * once. Values are shared: callers must not mutate them.
 */
export class SharedReader<K, V extends object> {
  readonly stats: ReaderStats = { calls: 0, coalesced: 0, cacheHits: 0, cacheMisses: 0 };
  private readonly inFlight = new Map<string, InFlight<V>>();
  private readonly limit: LimitFunction;
  /** Whether any value of this reader may be held across requests (a cache, and a rule for what to keep). */
  private readonly cacheable: boolean;
  /** The cache ids of frozen keys, computed once per key object (see {@link idOf}). */
  private readonly frozenIds = new WeakMap<object, string>();

  constructor(private readonly options: SharedReaderOptions<K, V>) {
    this.limit = pLimit(options.concurrency);
    this.cacheable = Boolean(options.cache && (options.isTerminal || options.definitionTtlMs));
  }

  get operation(): string {
    return this.options.operation;
  }

  /**
   * Reads `key` for a request that started at `notBefore` (a `performance.now()` instant). A call it makes
   * is made for `origin` (the request; none for a poller); a read that joins a call in flight leaves it the
   * origin of the read that started it. Rejects with the raw upstream error.
   */
  read(key: K, notBefore: number, origin?: CallOrigin): Promise<V> {
    const id = this.idOf(key);
    if (this.cacheable) {
      const cached = this.options.cache!.get(id) as V | undefined;
      if (cached) {
        this.stats.cacheHits++;
        return Promise.resolve(cached);
      }
      this.stats.cacheMisses++;
    }
    const pending = this.inFlight.get(id);
    if (pending && pending.startedAt >= notBefore) {
      this.stats.coalesced++;
      return pending.promise;
    }
    const startedAt = performance.now();
    const promise = this.limit(() => {
      this.stats.calls++;
      return this.options.fetch(key, origin);
    }).then(
      (value) => {
        this.settle(id, promise);
        this.prime(key, value);
        return value;
      },
      (err: unknown) => {
        this.settle(id, promise);
        throw err;
      },
    );
    this.inFlight.set(id, { startedAt, promise });
    return promise;
  }

  /**
   * The value held across requests for `key` (terminal, or a definition within its TTL), or undefined.
   * What `read` would resolve to at once, without a promise: for callers that can use a value now.
   */
  cached(key: K): V | undefined {
    if (!this.cacheable) return undefined;
    const value = this.options.cache!.get(this.idOf(key)) as V | undefined;
    if (value) this.stats.cacheHits++;
    return value;
  }

  /** Offers a value read elsewhere (a list page); kept if terminal, or for a definition's TTL. */
  prime(key: K, value: V): void {
    const { cache, isTerminal, definitionTtlMs } = this.options;
    if (!cache) return;
    const id = this.idOf(key);
    if (isTerminal?.(value)) cache.set(id, value);
    else if (definitionTtlMs) cache.set(id, value, { ttl: definitionTtlMs });
  }

  /**
   * The key's id in the shared cache and among the reads in flight: the operation and `keyOf(key)`. A frozen
   * key object (a decoded global id, a link's key kept per upstream object) cannot change, so its id is
   * computed once and remembered for as long as the key lives: the same load asked for request after request
   * costs a lookup, not a serialization.
   */
  private idOf(key: K): string {
    if (typeof key !== 'object' || key === null || !Object.isFrozen(key)) return this.newId(key);
    let id = this.frozenIds.get(key);
    if (id === undefined) this.frozenIds.set(key, (id = this.newId(key)));
    return id;
  }

  private newId(key: K): string {
    return `${this.options.operation}\u0000${this.options.keyOf(key)}`;
  }

  private settle(id: string, promise: Promise<V>): void {
    if (this.inFlight.get(id)?.promise === promise) this.inFlight.delete(id);
  }
}

/**
 * The cross-request cache of readers: at most `maxEntries` values, each kept at most `ttlMs` ms. Undefined
 * when `maxEntries` is 0 (caching off).
 */
export function createTerminalCache(maxEntries: number, ttlMs: number): LRUCache<string, object> | undefined {
  return maxEntries > 0 ? new LRUCache<string, object>({ max: maxEntries, ttl: ttlMs }) : undefined;
}
