/**
 * Client-token idempotency, as AWS documents it for SendDataIntegrationEvent and StartDataSourceRun: a
 * token stays bound to its request for 8 hours (simulated time). The same token with the same request
 * returns the resource created the first time; with a different request it is a conflict; after the
 * window it may be reused. Requests are compared canonically (parsed members, sorted keys), not as bytes.
 *
 * Internal to the emulator.
 */
import { AwsError } from '../types.js';

/** How long a client token stays bound to its request, ms (8 hours, as AWS documents for its tokens). */
export const IDEMPOTENCY_WINDOW_MS = 8 * 60 * 60 * 1_000;

/**
 * Client tokens of the idempotent operations, per scope (an operation and its parent): a retry with the
 * same token and request gets the resource first created; the same token with another request is a
 * ConflictException.
 */
export interface IdempotencyStore {
  /**
   * The id of the resource created for this token and request within the window, or `undefined` when
   * the token is unused or expired. Throws `ConflictException` when the token is bound to another request.
   */
  recall(scope: string, token: string, fingerprint: string, nowMs: number): string | undefined;
  /** Binds the token to the request and the resource it created, from `nowMs`. */
  remember(scope: string, token: string, fingerprint: string, resourceId: string, nowMs: number): void;
}

interface Entry {
  readonly fingerprint: string;
  readonly resourceId: string;
  readonly expiresMs: number;
}

/**
 * An empty store whose tokens expire `windowMs` after they were remembered (by the emulator clock passed
 * in).
 */
export function createIdempotencyStore(windowMs = IDEMPOTENCY_WINDOW_MS): IdempotencyStore {
  const entries = new Map<string, Entry>();
  const keyOf = (scope: string, token: string): string => `${scope}\u0000${token}`;
  return {
    recall(scope, token, fingerprint, nowMs) {
      const entry = entries.get(keyOf(scope, token));
      if (!entry || entry.expiresMs <= nowMs) return undefined;
      if (entry.fingerprint !== fingerprint) {
        throw new AwsError(
          'ConflictException',
          `The client token ${token} was already used with a different request`,
        );
      }
      return entry.resourceId;
    },
    remember(scope, token, fingerprint, resourceId, nowMs) {
      entries.set(keyOf(scope, token), { fingerprint, resourceId, expiresMs: nowMs + windowMs });
    },
  };
}

/** JSON with object keys sorted at every level, so equal values give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}
