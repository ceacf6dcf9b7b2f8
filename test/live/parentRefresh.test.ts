/**
 * A parent's list refresh over scripted pages: pages are read while they pay for themselves, members
 * are found wherever they are on the pages read, members beyond them are left to be read alone, a
 * refresh serves every member that polled before it, a failure answers every member until the next
 * refresh, and listing rests when it costs a call or more per member.
 */
import { describe, expect, it } from 'vitest';
import { ParentRefresh } from '../../src/live/parentRefresh.js';
import type { ListedPage } from '../../src/upstream/loadKinds.js';

/** A parent list of `items` (ids), `pageSize` a page, in the order given; counts the pages read. */
function scriptedList(items: () => readonly string[], pageSize: number) {
  const log: (string | undefined)[] = [];
  let failure: Error | undefined;
  return {
    log,
    fail: (err: Error | undefined) => void (failure = err),
    page: async (nextToken: string | undefined): Promise<ListedPage> => {
      log.push(nextToken);
      if (failure) throw failure;
      const start = nextToken ? Number(nextToken) : 0;
      const all = items();
      const slice = all.slice(start, start + pageSize);
      return {
        items: new Map(slice.map((id) => [id, { id }])),
        nextToken: start + pageSize < all.length ? String(start + pageSize) : undefined,
      };
    },
  };
}

const parent = { key: 'p', pageSize: 10, page: () => Promise.reject(new Error('unused')) };
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe('ParentRefresh', () => {
  it('reads every page that holds members, serves each member from it, and stops at the cap', async () => {
    const members = ids('m', 25);
    const list = scriptedList(() => [...ids('x', 5), ...members, ...ids('y', 30)], 10);
    const refresh = new ParentRefresh(parent, { maxPages: 10, page: list.page });
    for (const id of members) refresh.join(id);
    const states = await Promise.all(members.map((id) => refresh.read(id, -Infinity)));
    expect(states).toEqual(members.map((id) => ({ id })));
    // Every member found by page 3: page 4 is not read.
    expect(list.log).toEqual([undefined, '10', '20']);

    const capped = new ParentRefresh(parent, {
      maxPages: 2,
      page: scriptedList(() => [...ids('x', 5), ...members], 10).page,
    });
    for (const id of members) capped.join(id);
    const found = await Promise.all(members.map((id) => capped.read(id, -Infinity)));
    // Beyond the cap: undefined, the caller reads those alone.
    expect(found.filter((s) => s === undefined)).toHaveLength(10);
  });

  it('finds members in any order, including ones that moved to another page since the last refresh', async () => {
    let order = ids('m', 30);
    const list = scriptedList(() => order, 10);
    const refresh = new ParentRefresh(parent, { maxPages: 5, page: list.page });
    for (const id of order) refresh.join(id);
    await refresh.read('m0', -Infinity);
    order = [...order].reverse();
    const at = performance.now();
    const states = await Promise.all(ids('m', 30).map((id) => refresh.read(id, at)));
    expect(states.every((s) => s !== undefined)).toBe(true);
  });

  it('still finds members that new loads pushed deeper than last time, refresh after refresh', async () => {
    const members = ids('m', 20);
    let newer: string[] = ids('x', 10);
    const list = scriptedList(() => [...newer, ...members], 10);
    const refresh = new ParentRefresh(parent, { maxPages: 10, page: list.page });
    for (const id of members) refresh.join(id);
    await refresh.read('m0', -Infinity);
    // 30 new loads started: the members moved from pages 2-3 to pages 5-6, past where they were.
    newer = ids('x', 40);
    for (let round = 0; round < 2; round++) {
      const at = performance.now();
      const states = await Promise.all(members.map((id) => refresh.read(id, at)));
      expect(states.filter((s) => s === undefined)).toHaveLength(0);
    }
  });

  it('serves a member that joined while a refresh ran from the next refresh, not alone', async () => {
    const list = scriptedList(() => ids('m', 5), 10);
    let open: () => void = () => {};
    const refresh = new ParentRefresh(parent, {
      maxPages: 5,
      page: async (token) => {
        await new Promise<void>((resolve) => (open = resolve));
        return list.page(token);
      },
    });
    refresh.join('m0');
    refresh.join('m1');
    const first = refresh.read('m0', -Infinity);
    await Promise.resolve();
    refresh.join('m2');
    const late = refresh.read('m2', -Infinity);
    open();
    expect(await first).toEqual({ id: 'm0' });
    await new Promise((resolve) => setTimeout(resolve, 0));
    open();
    expect(await late).toEqual({ id: 'm2' });
    expect(list.log).toHaveLength(2);
  });

  it('serves members that polled before the latest refresh from it, and refreshes for a member that polled since', async () => {
    const list = scriptedList(() => ids('m', 3), 10);
    const refresh = new ParentRefresh(parent, { maxPages: 5, page: list.page });
    for (const id of ids('m', 3)) refresh.join(id);
    await refresh.read('m0', -Infinity);
    await refresh.read('m1', -Infinity);
    expect(list.log).toHaveLength(1);
    await refresh.read('m0', performance.now());
    expect(list.log).toHaveLength(2);
  });

  it('refreshes again for the member whose poll started the last refresh, at its next poll', async () => {
    const list = scriptedList(() => ids('m', 3), 10);
    const refresh = new ParentRefresh(parent, { maxPages: 5, page: list.page });
    for (const id of ids('m', 3)) refresh.join(id);
    const first = performance.now();
    await refresh.read('m0', -Infinity, first);
    // Another member, then m0 again an interval later: the refresh m0's last poll asked for is not fresh
    // for it, although it began reading a moment after that poll started.
    await refresh.read('m1', -Infinity);
    expect(list.log).toHaveLength(1);
    await refresh.read('m0', first, performance.now());
    expect(list.log).toHaveLength(2);
  });

  it('answers every member with a failed refresh until the next one, so the parent backs off as a whole', async () => {
    const list = scriptedList(() => ids('m', 3), 10);
    const refresh = new ParentRefresh(parent, { maxPages: 5, page: list.page });
    for (const id of ids('m', 3)) refresh.join(id);
    const throttled = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    list.fail(throttled);
    await expect(refresh.read('m0', -Infinity)).rejects.toBe(throttled);
    await expect(refresh.read('m1', -Infinity)).rejects.toBe(throttled);
    await expect(refresh.read('m2', -Infinity)).rejects.toBe(throttled);
    expect(list.log).toHaveLength(1);
  });

  it('turns listing off for the parent when a list call is refused for good: its members are read alone', async () => {
    const list = scriptedList(() => ids('m', 3), 10);
    const refresh = new ParentRefresh(parent, { maxPages: 5, page: list.page });
    for (const id of ids('m', 3)) refresh.join(id);
    list.fail(
      Object.assign(new Error('no'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }),
    );
    expect(await refresh.read('m0', -Infinity)).toBeUndefined();
    list.fail(undefined);
    expect(await refresh.read('m1', performance.now())).toBeUndefined();
    expect(list.log).toHaveLength(1);
  });

  it('rests from listing when it costs a call or more per member, then tries again', async () => {
    // Two members, one on the first page and one far beyond it: 1 page + 1 read for 2 members.
    const list = scriptedList(() => ['a', ...ids('x', 50), 'b'], 10);
    const refresh = new ParentRefresh(parent, { maxPages: 1, page: list.page });
    refresh.join('a');
    refresh.join('b');
    expect(await refresh.read('a', -Infinity)).toEqual({ id: 'a' });
    expect(await refresh.read('b', -Infinity)).toBeUndefined();
    // Resting: the next two member polls read alone, without a list call.
    const at = performance.now();
    expect(await refresh.read('a', at)).toBeUndefined();
    expect(await refresh.read('b', at)).toBeUndefined();
    expect(list.log).toHaveLength(1);
    await refresh.read('a', performance.now());
    expect(list.log).toHaveLength(2);
  });

  it('ends a rest early once enough members joined for the same pages to pay', async () => {
    // The first refresh runs for two members on the last of 3 pages: 3 calls for 2 members, a rest.
    const members = ids('m', 20);
    const list = scriptedList(() => [...ids('x', 20), ...members], 10);
    const refresh = new ParentRefresh(parent, { maxPages: 5, page: list.page });
    refresh.join('m0');
    refresh.join('m1');
    await refresh.read('m0', -Infinity);
    expect(list.log).toHaveLength(3);
    let at = performance.now();
    expect(await refresh.read('m0', at)).toBeUndefined();
    expect(list.log).toHaveLength(3);
    // The other watchers arrive: 20 members on 4 pages pays, so the next poll lists again.
    for (const id of members) refresh.join(id);
    at = performance.now();
    expect(await refresh.read('m1', at)).toEqual({ id: 'm1' });
    expect(list.log).toHaveLength(7);
  });

  it('does not list for a member alone', async () => {
    const list = scriptedList(() => ['a'], 10);
    const refresh = new ParentRefresh(parent, { maxPages: 5, page: list.page });
    refresh.join('a');
    expect(await refresh.read('a', -Infinity)).toBeUndefined();
    expect(list.log).toHaveLength(0);
  });
});
