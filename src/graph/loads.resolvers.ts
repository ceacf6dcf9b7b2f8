/**
 * Type resolution for the `Node` and `Load` interfaces: by the kind the value was loaded as (the fields
 * returning these interfaces mark each value with the kind of the reference they loaded it by), never by
 * the object's shape.
 */
import type { LoadResolvers, NodeResolvers } from '../generated/graphql.js';
import { LOAD_KINDS, markedKind, type LoadKind } from '../upstream/loadKinds.js';

type LoadTypename = (typeof LOAD_KINDS)[LoadKind]['typename'];

/**
 * The GraphQL typename of a value a `Node` or `Load` field returned, from the kind it was loaded as. Throws
 * (an internal error, a bug) when the value was not loaded through a kind's reader.
 */
export function loadTypeOf(value: object): LoadTypename {
  const kind = markedKind(value);
  if (!kind) throw new Error('a Node or Load field returned a value that was not loaded by kind');
  return LOAD_KINDS[kind].typename;
}

/** `__resolveType` of the `Node` and `Load` interfaces (see {@link loadTypeOf}). */
export const loadTypeResolvers = {
  Node: { __resolveType: (value: object) => loadTypeOf(value) } satisfies NodeResolvers,
  Load: { __resolveType: (value: object) => loadTypeOf(value) } satisfies LoadResolvers,
};
