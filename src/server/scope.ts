/**
 * The authorization scope of an operation, as a string: two operations with the same document, variables
 * and scope see exactly the same data, so their subscription events may be executed once and shared (see
 * subscriptionGroups.ts). It differs whenever what a caller may see differs: it is the principal's
 * {@link principalScopeKey} (the `loads:read` scope and the instances and domains it may touch).
 */
import { scopeKeyOf as principalScopeKey, type Principal } from './auth/principal.js';
import type { GraphContext } from './context.js';

const keys = new WeakMap<Principal, string>();

/** The scope key of an operation's context (computed once per principal object). */
export function scopeKeyOf(context: GraphContext): string {
  const { principal } = context;
  let key = keys.get(principal);
  if (key === undefined) keys.set(principal, (key = principalScopeKey(principal)));
  return key;
}
