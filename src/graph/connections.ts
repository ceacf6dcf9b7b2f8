/**
 * Relay cursor connections over the AWS list operations. AWS hands out a token per page, so a cursor
 * carries the token of the page its item is on plus the item's offset in that page: paging with
 * `endCursor` costs one upstream call per page, and any edge's cursor still resumes exactly after it.
 * Cursors are bound to the list they came from; using one with other arguments is a BAD_USER_INPUT.
 */
import { createHash } from 'node:crypto';
import { badInput } from '../upstream/errors.js';
import type { Page } from '../upstream/models.js';

/**
 * Which AWS page a connection argument pair points at, and which slice of it to return. `nextToken`
 * undefined means the list's first page.
 */
export interface PageRequest {
  /** AWS page size to ask for. */
  readonly maxResults: number;
  readonly nextToken: string | undefined;
  /** Items of the fetched page to skip (resuming mid-page). */
  readonly skip: number;
  /** Items to return at most (the caller's `first`). */
  readonly first: number;
  /** The cursor pointed past the end of the list: nothing to fetch. */
  readonly exhausted: boolean;
}

interface CursorData {
  readonly v: 1;
  /** Fingerprint of the list's arguments. */
  readonly l: string;
  /** AWS token of the page the item is on (null: the first page). */
  readonly t: string | null;
  /** How many items of that page the cursor is past. */
  readonly o: number;
  /** The page size the token was issued for. */
  readonly n: number;
  /** Past the last item of the whole list. */
  readonly e?: true;
}

const fingerprint = (list: readonly unknown[]): string =>
  createHash('sha256').update(JSON.stringify(list)).digest('base64url').slice(0, 16);

const encodeCursor = (c: CursorData): string => Buffer.from(JSON.stringify(c), 'utf8').toString('base64url');

function decodeCursor(cursor: string, list: string): CursorData {
  let data: CursorData | undefined;
  try {
    data = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorData;
  } catch {
    data = undefined;
  }
  if (!data || data.v !== 1 || typeof data.o !== 'number' || typeof data.n !== 'number') {
    throw badInput(
      'after is not a cursor of this graph: pass the `endCursor` (or an edge `cursor`) of a previous page unchanged.',
      'after',
    );
  }
  if (data.l !== list) {
    throw badInput(
      'after is a cursor of a different list: use it with the same arguments as the query that returned it.',
      'after',
    );
  }
  return data;
}

/** The Relay arguments of a list field, as GraphQL passes them (null and undefined both mean absent). */
export interface ConnectionArgs {
  readonly first?: number | null | undefined;
  readonly after?: string | null | undefined;
}

/**
 * What a list field pages over: its identity (a cursor is only accepted by the same list) and its bounds on
 * `first`.
 */
export interface ConnectionSpec {
  /** The list's identity: operation name and filter arguments (not first/after). */
  readonly list: readonly unknown[];
  readonly defaultFirst: number;
  /** The AWS page-size maximum. */
  readonly maxFirst: number;
}

/** Validates `first`/`after` and says which AWS page to fetch. */
export function pageRequest(
  args: ConnectionArgs,
  spec: ConnectionSpec,
): PageRequest & { readonly listId: string } {
  const first = args.first ?? spec.defaultFirst;
  if (!Number.isInteger(first) || first < 1 || first > spec.maxFirst) {
    throw badInput(
      `first must be between 1 and ${spec.maxFirst} (the upstream page size limit); got ${first}. Page with after: endCursor for more.`,
      'first',
    );
  }
  const listId = fingerprint(spec.list);
  if (!args.after)
    return { listId, first, maxResults: first, nextToken: undefined, skip: 0, exhausted: false };
  const c = decodeCursor(args.after, listId);
  if (c.e) return { listId, first, maxResults: first, nextToken: undefined, skip: 0, exhausted: true };
  // Resuming mid-page must re-read that page with the size its token was issued for.
  return c.o === 0
    ? { listId, first, maxResults: first, nextToken: c.t ?? undefined, skip: 0, exhausted: false }
    : { listId, first, maxResults: c.n, nextToken: c.t ?? undefined, skip: c.o, exhausted: false };
}

/**
 * A Relay connection (edges and the `nodes` shortcut) of one slice of an AWS list. `hasPreviousPage` is
 * true whenever the slice is not the list's start; `endCursor` may be set on an empty slice when AWS has
 * more pages.
 */
export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  readonly pageInfo: {
    readonly hasNextPage: boolean;
    readonly hasPreviousPage: boolean;
    readonly startCursor: string | null;
    readonly endCursor: string | null;
  };
}

/**
 * A connection with no items and no pages either way; a new object each call (callers may spread and change
 * it).
 */
export const emptyConnection = <T>(): Connection<T> => ({
  edges: [],
  nodes: [],
  pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
});

/** Builds the connection for a fetched page. */
export function toConnection<T>(
  page: Page<T>,
  request: PageRequest & { readonly listId: string },
): Connection<T> {
  const items = page.items.slice(request.skip, request.skip + request.first);
  // Items of this AWS page left after the returned ones (resumed mid-page with a smaller `first`).
  const restOfPage = page.items.length - (request.skip + items.length);
  const nextToken = page.nextToken || undefined;
  const edges = items.map((node, i) => {
    const offset = request.skip + i + 1;
    const last = offset === page.items.length;
    const data: CursorData = last
      ? nextToken
        ? { v: 1, l: request.listId, t: nextToken, o: 0, n: request.maxResults }
        : { v: 1, l: request.listId, t: null, o: 0, n: request.maxResults, e: true }
      : { v: 1, l: request.listId, t: request.nextToken ?? null, o: offset, n: request.maxResults };
    return { cursor: encodeCursor(data), node };
  });
  return {
    edges,
    nodes: items,
    pageInfo: {
      hasNextPage: restOfPage > 0 || nextToken !== undefined,
      hasPreviousPage: request.nextToken !== undefined || request.skip > 0,
      startCursor: edges[0]?.cursor ?? null,
      // An empty page can still have a next one (filtered lists): keep the way forward open.
      endCursor:
        edges.at(-1)?.cursor ??
        (nextToken
          ? encodeCursor({ v: 1, l: request.listId, t: nextToken, o: 0, n: request.maxResults })
          : null),
    },
  };
}

/** Validates the arguments, fetches the AWS page they point at (if any) and builds the connection. */
export async function paginate<T>(
  args: ConnectionArgs,
  spec: ConnectionSpec,
  fetch: (page: { maxResults: number; nextToken: string | undefined }) => Promise<Page<T>>,
): Promise<Connection<T>> {
  const request = pageRequest(args, spec);
  if (request.exhausted) {
    const empty = emptyConnection<T>();
    return { ...empty, pageInfo: { ...empty.pageInfo, hasPreviousPage: true } };
  }
  return toConnection(await fetch({ maxResults: request.maxResults, nextToken: request.nextToken }), request);
}
