/**
 * Keyset pagination shared by both services. A list is sorted by a total order (a sort key that ends in
 * the item's id); `nextToken` is the base64url JSON of the list's scope and the last returned item's
 * key, and the next page starts strictly after that key. Unlike an offset, the token stays right when
 * items are inserted or removed between pages: nothing already seen comes back and nothing is skipped.
 * The last page has no `nextToken`.
 *
 * Internal to the emulator.
 */
import { AwsError } from '../types.js';

/** One component of a list's sort key. */
export type SortValue = string | number;
/** The direction of one sort key component. */
export type Direction = 'asc' | 'desc';

/** How one list is ordered. `scope` names the list so a token from another list is rejected. */
export interface KeysetOrder<T> {
  readonly scope: string;
  readonly directions: readonly Direction[];
  key(item: T): readonly SortValue[];
}

/** Which page of a list to answer: the token of the previous page (absent: the first) and the page size. */
export interface PageRequest {
  readonly nextToken?: string | undefined;
  /** Items per page, at least 1 (see {@link pageSize}). */
  readonly maxResults: number;
}

/** One page of a list; `nextToken` is absent on the last page. */
export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

/**
 * The page size for a request: `maxResults` when it is at least 1, else `defaultSize`. Supply Chain's
 * model allows `maxResults=0` on some lists; it is read as "the default", as a paginator must progress.
 */
export function pageSize(maxResults: number | undefined, defaultSize: number): number {
  return maxResults !== undefined && maxResults >= 1 ? maxResults : defaultSize;
}

function compareValues(a: SortValue, b: SortValue): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareKeys(
  a: readonly SortValue[],
  b: readonly SortValue[],
  directions: readonly Direction[],
): number {
  for (const [i, direction] of directions.entries()) {
    const c = compareValues(a[i]!, b[i]!);
    if (c !== 0) return direction === 'asc' ? c : -c;
  }
  return 0;
}

/**
 * The opaque token of the page that starts after `key` in the list named `scope` (base64url JSON); {@link
 * decodeToken} reads it back.
 */
export function encodeToken(scope: string, key: readonly SortValue[]): string {
  return Buffer.from(JSON.stringify([scope, ...key]), 'utf8').toString('base64url');
}

/** The key a token carries; throws `ValidationException('Invalid nextToken')` for anything else. */
export function decodeToken(token: string, scope: string, directions: readonly Direction[]): SortValue[] {
  const invalid = (): never => {
    throw new AwsError('ValidationException', 'Invalid nextToken');
  };
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== directions.length + 1 || parsed[0] !== scope)
    return invalid();
  const key = parsed.slice(1) as unknown[];
  if (!key.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))))
    return invalid();
  return key as SortValue[];
}

/** Sorts `items` by `order` and returns the page after `request.nextToken`. */
export function paginate<T>(items: Iterable<T>, order: KeysetOrder<T>, request: PageRequest): Page<T> {
  const after =
    request.nextToken === undefined
      ? undefined
      : decodeToken(request.nextToken, order.scope, order.directions);
  const keyed = [...items].map((item) => ({ item, key: order.key(item) }));
  keyed.sort((a, b) => compareKeys(a.key, b.key, order.directions));
  const remaining =
    after === undefined
      ? keyed
      : keyed.filter((entry) => compareKeys(entry.key, after, order.directions) > 0);
  const page = remaining.slice(0, Math.max(1, request.maxResults));
  const last = page.at(-1);
  return remaining.length > page.length && last
    ? { items: page.map((e) => e.item), nextToken: encodeToken(order.scope, last.key) }
    : { items: page.map((e) => e.item) };
}

/** Newest first by a time, then by id (descending) to break ties. */
export function newestFirst<T>(
  scope: string,
  timeOf: (item: T) => number,
  idOf: (item: T) => string,
): KeysetOrder<T> {
  return { scope, directions: ['desc', 'desc'], key: (item) => [timeOf(item), idOf(item)] };
}

/** By name (code-point order), then by id to break ties. */
export function byName<T>(
  scope: string,
  nameOf: (item: T) => string,
  idOf: (item: T) => string = nameOf,
): KeysetOrder<T> {
  return { scope, directions: ['asc', 'asc'], key: (item) => [nameOf(item), idOf(item)] };
}

/**
 * The orders the lists of loads (events, flow executions, data source runs) can be answered in. AWS
 * documents none, so a client must rely on none: `newest` (the default, what AWS appears to do) is newest
 * first; `oldest` oldest first; `shuffled` a fixed pseudo-random order by a hash of the id, where new
 * loads land anywhere and push others to later pages.
 */
export const LIST_ORDERS = ['newest', 'oldest', 'shuffled'] as const;
/** One of {@link LIST_ORDERS}. */
export type ListOrder = (typeof LIST_ORDERS)[number];

/** FNV-1a of a string, as an unsigned 32-bit number. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** A list of loads ordered as `order` says, by its time and id. */
export function loadOrder<T>(
  order: ListOrder,
  scope: string,
  timeOf: (item: T) => number,
  idOf: (item: T) => string,
): KeysetOrder<T> {
  switch (order) {
    case 'newest':
      return newestFirst(scope, timeOf, idOf);
    case 'oldest':
      return { scope, directions: ['asc', 'asc'], key: (item) => [timeOf(item), idOf(item)] };
    case 'shuffled':
      return { scope, directions: ['asc', 'asc'], key: (item) => [fnv1a(idOf(item)), idOf(item)] };
  }
}
