/**
 * The authorization scope of an operation, as a string: two operations with the same document, variables
 * and scope see exactly the same data, so their subscription events may be executed once and shared (see
 * subscriptionGroups.ts). It must differ whenever what a caller may see differs (principal, roles, tenant).
 */
import type { GraphContext } from './context.js';

/** The scope key of an operation's context. Every caller sees the same data today: one scope, `''`. */
export function scopeKeyOf(_context: GraphContext): string {
  return '';
}
