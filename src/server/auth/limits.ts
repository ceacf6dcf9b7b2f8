/**
 * Per-principal limits: a token bucket over GraphQL HTTP requests, and a count of open WebSocket
 * connections. Both are per process (each replica limits on its own). A principal is identified by
 * {@link limitKeyOf}: its id, or for the anonymous principal the client address, so one anonymous
 * client does not use up everyone's budget.
 */
import { LRUCache } from 'lru-cache';
import type { Principal } from './principal.js';

/** The key limits are counted under. */
export const limitKeyOf = (principal: Principal, remoteAddress: string | undefined): string =>
  principal.method === 'anonymous'
    ? `anonymous@${remoteAddress ?? 'unknown'}`
    : `${principal.method}:${principal.id}`;

/**
 * A rate limit per key (a principal or a client address). Answers are in seconds to wait; undefined means
 * go ahead.
 */
export interface RateLimiter {
  /** Takes a token for `key`: undefined if there was one, else the seconds until there is. */
  take(key: string): number | undefined;
  /** Like {@link take}, but takes nothing: undefined if `key` has a token now. */
  wait(key: string): number | undefined;
}

/**
 * A token bucket per key: `burst` tokens, refilled at `perSecond`. `perSecond` 0 turns limiting off.
 * At most `maxKeys` buckets are kept (least recently used dropped, which only ever refills a bucket).
 */
export function createRateLimiter(
  { perSecond, burst }: { readonly perSecond: number; readonly burst: number },
  now: () => number = () => performance.now(),
  maxKeys = 100_000,
): RateLimiter {
  if (perSecond === 0) return { take: () => undefined, wait: () => undefined };
  const buckets = new LRUCache<string, { tokens: number; atMs: number }>({ max: maxKeys });
  const refilled = (key: string) => {
    const t = now();
    const bucket = buckets.get(key) ?? { tokens: burst, atMs: t };
    bucket.tokens = Math.min(burst, bucket.tokens + ((t - bucket.atMs) / 1000) * perSecond);
    bucket.atMs = t;
    buckets.set(key, bucket);
    return bucket;
  };
  const secondsUntilToken = (tokens: number) => Math.max(1, Math.ceil((1 - tokens) / perSecond));
  return {
    take(key) {
      const bucket = refilled(key);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return undefined;
      }
      return secondsUntilToken(bucket.tokens);
    },
    wait(key) {
      // A key with no bucket has a full one: nothing to store (most keys waited on are never taken from).
      if (!buckets.has(key)) return undefined;
      const { tokens } = refilled(key);
      return tokens >= 1 ? undefined : secondsUntilToken(tokens);
    },
  };
}

/**
 * Open connections per key, for capping WebSocket connections per principal. Every successful `open` must
 * be matched by one `close` of the same key.
 */
export interface ConnectionCounter {
  /** Counts a connection for `key`; false (and not counted) when `key` is at the limit. */
  open(key: string): boolean;
  close(key: string): void;
}

/** Open connections per key; `max` 0: no limit. */
export function createConnectionCounter(max: number): ConnectionCounter {
  const open = new Map<string, number>();
  return {
    open(key) {
      const n = open.get(key) ?? 0;
      if (max > 0 && n >= max) return false;
      open.set(key, n + 1);
      return true;
    },
    close(key) {
      const n = (open.get(key) ?? 1) - 1;
      if (n <= 0) open.delete(key);
      else open.set(key, n);
    },
  };
}
