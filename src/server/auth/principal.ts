/**
 * Who is calling: a principal's id, its scopes, and the Supply Chain instances and DataZone domains it
 * may touch (`*`: all of them). Authentication produces one per request or WebSocket connection; the
 * access gate (access.ts) checks every read, write and subscription against it.
 */
import { createHash } from 'node:crypto';
import { SCOPES, type Principal, type Scope } from '../../graph/context.js';

export { SCOPES, type Principal, type Scope } from '../../graph/context.js';

/** `*` in an instance or domain list stands for all of them. */
const ALL = '*';

/** The caller when authentication is off (`AUTH_MODE=none`): every scope, every instance and domain. */
export const ANONYMOUS: Principal = Object.freeze({
  id: 'anonymous',
  method: 'anonymous',
  scopes: Object.freeze([...SCOPES]),
  instances: Object.freeze([ALL]),
  domains: Object.freeze([ALL]),
});

/** Whether `principal` holds `scope`. */
export const hasScope = (principal: Principal, scope: Scope): boolean => principal.scopes.includes(scope);

const covers = (list: readonly string[], id: string): boolean => list.includes(ALL) || list.includes(id);
/** Whether `principal` may touch Supply Chain instance `instanceId` (listed, or `*`). */
export const mayTouchInstance = (principal: Principal, instanceId: string): boolean =>
  covers(principal.instances, instanceId);
/** Whether `principal` may touch DataZone domain `domainId` (listed, or `*`). */
export const mayTouchDomain = (principal: Principal, domainId: string): boolean =>
  covers(principal.domains, domainId);

/** Whether some Supply Chain instance exists that this principal may not touch. */
export const restrictsInstances = (principal: Principal): boolean => !principal.instances.includes(ALL);
/** Whether some DataZone domain exists that this principal may not touch. */
export const restrictsDomains = (principal: Principal): boolean => !principal.domains.includes(ALL);

/** Whether the credential has expired at `nowMs`. */
export const isExpired = (principal: Principal, nowMs: number = Date.now()): boolean =>
  principal.expiresAtMs !== undefined && nowMs >= principal.expiresAtMs;

/**
 * A string naming what a principal may read: equal for two principals exactly when they may see the same
 * resources (the `loads:read` scope, and the same instances and domains), whoever they are. Results of a
 * read may be shared between principals with the same key (e.g. one execution per key for a subscription
 * event). `events:send` does not take part: it changes what a principal may do, not what it sees.
 */
export function scopeKeyOf(principal: Principal): string {
  const list = (ids: readonly string[]) => (ids.includes(ALL) ? [ALL] : [...new Set(ids)].sort());
  const text = JSON.stringify([
    hasScope(principal, 'loads:read'),
    list(principal.instances),
    list(principal.domains),
  ]);
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}
