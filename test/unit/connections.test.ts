/**
 * Relay connections over AWS token pagination: `pageRequest` says which AWS page to fetch, `toConnection`
 * builds edges whose cursors resume exactly after their item, `paginate` ties both to a fetch.
 * The fake upstream is a list of numbered items whose token is the offset of the page it starts.
 */
import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import {
  pageRequest,
  paginate,
  toConnection,
  type Connection,
  type ConnectionSpec,
} from '../../src/graph/connections.js';
import type { Page } from '../../src/upstream/models.js';

const spec: ConnectionSpec = {
  list: ['ListDataIntegrationEvents', '8928ae12-15e5-4441-825d-ec2184f0a43a', null],
  defaultFirst: 10,
  maxFirst: 20,
};

interface FetchCall {
  maxResults: number;
  nextToken: string | undefined;
}

/** A fake AWS list of `total` items; records every page request. */
function createFakeList(total: number) {
  const calls: FetchCall[] = [];
  const fetch = async (page: FetchCall): Promise<Page<number>> => {
    calls.push(page);
    const start = page.nextToken === undefined ? 0 : Number(page.nextToken);
    const end = Math.min(start + page.maxResults, total);
    const items = Array.from({ length: end - start }, (_, i) => start + i);
    return { items, nextToken: end < total ? String(end) : undefined };
  };
  return { fetch, calls };
}

function badUserInput(run: () => unknown): GraphQLError {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(GraphQLError);
    expect((err as GraphQLError).extensions['code']).toBe('BAD_USER_INPUT');
    return err as GraphQLError;
  }
  throw new Error('expected a BAD_USER_INPUT');
}

describe('pageRequest', () => {
  it('asks for the default page size from the start of the list when no arguments are given', () => {
    expect(pageRequest({}, spec)).toMatchObject({
      maxResults: 10,
      nextToken: undefined,
      skip: 0,
      exhausted: false,
    });
    expect(pageRequest({ first: null, after: null }, spec).maxResults).toBe(10);
  });

  it.each([1, 20])('accepts first = %i (the bounds)', (first) => {
    expect(pageRequest({ first }, spec).maxResults).toBe(first);
  });

  it.each([0, -1, 21, 1.5, Number.NaN])('rejects first = %s with BAD_USER_INPUT on `first`', (first) => {
    const error = badUserInput(() => pageRequest({ first }, spec));
    expect(error.extensions['field']).toBe('first');
    expect(error.message).toContain('between 1 and 20');
  });

  it('binds cursors to the list: the same arguments give the same list id, others a different one', () => {
    expect(pageRequest({}, spec).listId).toBe(pageRequest({ first: 3 }, spec).listId);
    expect(pageRequest({}, spec).listId).not.toBe(
      pageRequest({}, { ...spec, list: [...spec.list, 'x'] }).listId,
    );
  });
});

describe('cursors', () => {
  it('resumes the endCursor of a page with a next token at that token, with the new page size', async () => {
    const { fetch } = createFakeList(7);
    const page = await paginate({ first: 3 }, spec, fetch);
    expect(page.nodes).toEqual([0, 1, 2]);
    expect(page.pageInfo.hasNextPage).toBe(true);
    expect(pageRequest({ first: 5, after: page.pageInfo.endCursor }, spec)).toMatchObject({
      maxResults: 5,
      nextToken: '3',
      skip: 0,
      exhausted: false,
    });
  });

  it('resumes a mid-page edge cursor by re-reading its page with the original size and skipping', async () => {
    const { fetch, calls } = createFakeList(7);
    const first = await paginate({ first: 3 }, spec, fetch);
    const second = await paginate({ first: 3, after: first.pageInfo.endCursor }, spec, fetch);
    const afterFour = second.edges[1]!.cursor;
    expect(second.edges[1]!.node).toBe(4);

    expect(pageRequest({ first: 7, after: afterFour }, spec)).toMatchObject({
      maxResults: 3,
      nextToken: '3',
      skip: 2,
      exhausted: false,
    });
    const resumed = await paginate({ first: 3, after: afterFour }, spec, fetch);
    expect(resumed.nodes).toEqual([5]);
    expect(resumed.pageInfo.hasPreviousPage).toBe(true);
    expect(resumed.pageInfo.hasNextPage).toBe(true);
    expect(calls.at(-1)).toEqual({ maxResults: 3, nextToken: '3' });
  });

  it('resumes a first-page edge cursor from the first page (no token)', async () => {
    const { fetch } = createFakeList(5);
    const page = await paginate({ first: 5 }, spec, fetch);
    expect(pageRequest({ after: page.edges[0]!.cursor }, spec)).toMatchObject({
      maxResults: 5,
      nextToken: undefined,
      skip: 1,
    });
  });

  it('returns at most `first` items when resuming mid-page', async () => {
    const { fetch } = createFakeList(30);
    const page = await paginate({ first: 10 }, spec, fetch);
    const resumed = await paginate({ first: 2, after: page.edges[0]!.cursor }, spec, fetch);
    expect(resumed.nodes).toEqual([1, 2]);
    // and its endCursor continues right after the last item returned
    const next = await paginate({ first: 2, after: resumed.pageInfo.endCursor }, spec, fetch);
    expect(next.nodes).toEqual([3, 4]);
  });

  it('makes the last page endCursor "exhausted": paging on fetches nothing and returns an empty page', async () => {
    const { fetch, calls } = createFakeList(4);
    const first = await paginate({ first: 3 }, spec, fetch);
    const last = await paginate({ first: 3, after: first.pageInfo.endCursor }, spec, fetch);
    expect(last.nodes).toEqual([3]);
    expect(last.pageInfo.hasNextPage).toBe(false);
    expect(pageRequest({ after: last.pageInfo.endCursor }, spec).exhausted).toBe(true);

    const callsBefore = calls.length;
    const beyond = await paginate({ first: 3, after: last.pageInfo.endCursor }, spec, fetch);
    expect(calls).toHaveLength(callsBefore);
    expect(beyond).toEqual({
      edges: [],
      nodes: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null },
    });
  });

  it('walks a whole list with endCursor at one fetch per page', async () => {
    const { fetch, calls } = createFakeList(7);
    const seen: number[] = [];
    let after: string | null = null;
    for (let i = 0; i < 10; i++) {
      const page: Connection<number> = await paginate({ first: 3, after }, spec, fetch);
      seen.push(...page.nodes);
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(calls).toEqual([
      { maxResults: 3, nextToken: undefined },
      { maxResults: 3, nextToken: '3' },
      { maxResults: 3, nextToken: '6' },
    ]);
  });

  it('keeps an endCursor on an empty page that has a next token (a filtered list)', () => {
    const request = pageRequest({ first: 4 }, spec);
    const empty = toConnection<number>({ items: [], nextToken: 'later' }, request);
    expect(empty.edges).toEqual([]);
    expect(empty.pageInfo.startCursor).toBeNull();
    expect(empty.pageInfo.hasNextPage).toBe(true);
    expect(empty.pageInfo.endCursor).not.toBeNull();
    expect(pageRequest({ first: 4, after: empty.pageInfo.endCursor }, spec)).toMatchObject({
      nextToken: 'later',
      skip: 0,
      exhausted: false,
    });
  });

  it('gives an empty last page no endCursor', () => {
    const empty = toConnection<number>({ items: [] }, pageRequest({}, spec));
    expect(empty.pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: false,
      startCursor: null,
      endCursor: null,
    });
  });

  it('treats an empty-string next token as the end of the list', () => {
    const page = toConnection<number>({ items: [1], nextToken: '' }, pageRequest({}, spec));
    expect(page.pageInfo.hasNextPage).toBe(false);
    expect(pageRequest({ after: page.pageInfo.endCursor }, spec).exhausted).toBe(true);
  });

  it('rejects a cursor of a different list (other arguments)', async () => {
    const { fetch } = createFakeList(7);
    const page = await paginate({ first: 3 }, spec, fetch);
    const other: ConnectionSpec = { ...spec, list: ['ListDataIntegrationEvents', spec.list[1], 'FORECAST'] };
    const error = badUserInput(() => pageRequest({ after: page.pageInfo.endCursor }, other));
    expect(error.extensions['field']).toBe('after');
    expect(error.message).toContain('different list');
    await expect(paginate({ after: page.pageInfo.endCursor }, other, fetch)).rejects.toThrow(
      /different list/,
    );
  });

  it.each([
    ['not base64url JSON', 'garbage!'],
    ['JSON that is not a cursor', Buffer.from('{"hello":1}').toString('base64url')],
    ['JSON null', Buffer.from('null').toString('base64url')],
    [
      'a cursor of another version',
      Buffer.from('{"v":2,"l":"x","t":null,"o":0,"n":3}').toString('base64url'),
    ],
  ])('rejects %s as a cursor', (_what, after) => {
    const error = badUserInput(() => pageRequest({ after }, spec));
    expect(error.extensions['field']).toBe('after');
    expect(error.message).toContain('not a cursor of this graph');
  });

  it('validates first before looking at the cursor', () => {
    const error = badUserInput(() => pageRequest({ first: 0, after: 'garbage!' }, spec));
    expect(error.extensions['field']).toBe('first');
  });
});

describe('toConnection', () => {
  it('lists nodes and edges in page order, startCursor being the first edge cursor', async () => {
    const { fetch } = createFakeList(3);
    const page = await paginate({}, spec, fetch);
    expect(page.nodes).toEqual([0, 1, 2]);
    expect(page.edges.map((e) => e.node)).toEqual([0, 1, 2]);
    expect(page.pageInfo.startCursor).toBe(page.edges[0]!.cursor);
    expect(page.pageInfo.endCursor).toBe(page.edges[2]!.cursor);
    expect(page.pageInfo.hasPreviousPage).toBe(false);
    expect(new Set(page.edges.map((e) => e.cursor)).size).toBe(3);
  });
});
