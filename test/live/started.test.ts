/**
 * The started watch's poll source over a scripted list (fake readers): whatever order the list answers in
 * and wherever a new item lands, each new item is announced once, oldest first, and none that was there
 * before; pages are read from the first and stop early only when the pages read prove the list newest
 * first; a list cut by the page cap is reported.
 */
import { describe, expect, it } from 'vitest';
import { createStartedSource, NewestFirstEvidence, type StartedLimits } from '../../src/live/started.js';
import type { Poller } from '../../src/live/poller.js';
import type { Readers } from '../../src/upstream/readers.js';

type Order = 'newest' | 'oldest' | 'shuffled';
interface Execution {
  readonly executionId: string;
  readonly startTime: Date;
}

const HOUR = 3_600_000;
const PARENT = { kind: 'FLOW_EXECUTIONS', instanceId: 'i', flowName: 'f' } as const;

/** A fixed pseudo-random rank of an id (the emulator's `shuffled` is alike). */
const rank = (id: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
};

/** A flow's execution list answered in `order`, 20 a page, with offset tokens; counts the pages read. */
function scriptedList(initialOrder: Order) {
  const items: Execution[] = [];
  let now = Date.parse('2025-01-01T00:00:00Z');
  const sorted = (): Execution[] => {
    const t = (x: Execution) => x.startTime.getTime();
    const byId = (a: Execution, b: Execution) => (a.executionId < b.executionId ? -1 : 1);
    const copy = [...items];
    const { order } = list;
    if (order === 'newest') return copy.sort((a, b) => t(b) - t(a) || byId(b, a));
    if (order === 'oldest') return copy.sort((a, b) => t(a) - t(b) || byId(a, b));
    return copy.sort((a, b) => rank(a.executionId) - rank(b.executionId));
  };
  const list = {
    order: initialOrder,
    pages: 0,
    items,
    /** Adds `count` executions starting `stepMs` apart from the current time; their ids. */
    add(count: number, stepMs = 1_000, prefix = 'x'): string[] {
      const ids: string[] = [];
      for (let i = 0; i < count; i++) {
        now += stepMs;
        const executionId = `${prefix}-${items.length}`;
        items.push({ executionId, startTime: new Date(now) });
        ids.push(executionId);
      }
      return ids;
    },
    /** Adds one execution that started `agoMs` before the current time. */
    addLate(agoMs: number, id: string): void {
      items.push({ executionId: id, startTime: new Date(now - agoMs) });
    },
    readers: {
      flowExecutionsPage: {
        read: async ({ nextToken, maxResults }: { nextToken?: string; maxResults: number }) => {
          list.pages++;
          const from = nextToken ? Number(nextToken) : 0;
          const all = sorted();
          const page = all.slice(from, from + maxResults);
          return {
            items: page,
            ...(from + maxResults < all.length ? { nextToken: String(from + maxResults) } : {}),
          };
        },
      },
    } as unknown as Readers,
  };
  return list;
}

/** A source over `list` with `limits`; `poll()` answers the ids announced and the pages that poll read. */
function watchOf(list: ReturnType<typeof scriptedList>, limits: Partial<StartedLimits> = {}) {
  const cuts: number[] = [];
  const polls: { pages: number; cut: boolean }[] = [];
  const poller = { version: 0 } as Poller;
  const source = createStartedSource({
    parent: PARENT,
    readers: list.readers,
    call: (_operation, call) => call(),
    limits: { maxPages: 20, skewMs: 60_000, maxRemembered: 10_000, ...limits },
    onPoll: (pages, cut) => polls.push({ pages, cut }),
    onFirstCut: (pages) => cuts.push(pages),
  });
  return {
    cuts,
    polls,
    async poll(): Promise<{ ids: string[]; pages: number }> {
      const before = list.pages;
      const messages = await source(poller);
      return {
        ids: messages.map((m) => ('state' in m ? (m.state as Execution).executionId : '?')),
        pages: list.pages - before,
      };
    },
  };
}

describe('a started watch', () => {
  for (const order of ['newest', 'oldest', 'shuffled'] as const) {
    it(`announces every new execution once, oldest first, on a ${order}-first list of five pages`, async () => {
      const list = scriptedList(order);
      list.add(100, HOUR / 10);
      const w = watchOf(list);
      expect(await w.poll()).toMatchObject({ ids: [] });
      const fresh = list.add(7);
      const { ids } = await w.poll();
      expect(ids).toEqual(fresh);
      expect((await w.poll()).ids).toEqual([]);
      const more = list.add(3);
      expect((await w.poll()).ids).toEqual(more);
      expect(w.cuts).toEqual([]);
    });
  }

  it('reads one page a poll of a list newest first with distinct times, and every page of the others', async () => {
    const pagesOf = async (order: Order) => {
      const list = scriptedList(order);
      list.add(100, HOUR / 10);
      const w = watchOf(list);
      const first = (await w.poll()).pages;
      list.add(3);
      return [first, (await w.poll()).pages];
    };
    expect(await pagesOf('newest')).toEqual([1, 1]);
    expect(await pagesOf('oldest')).toEqual([5, 6]);
    expect(await pagesOf('shuffled')).toEqual([5, 6]);
  });

  it('reads on while the times read tie too much to tell an order from chance', async () => {
    const list = scriptedList('newest');
    list.add(10, HOUR);
    list.add(60, 0); // sixty at one instant, like a scene
    const w = watchOf(list);
    await w.poll();
    const fresh = list.add(2, HOUR);
    // Page 1: 2 new, 18 tied; page 2: 20 tied, page 3: 20 tied; page 4: 2 tied and the 10 older ones.
    expect(await w.poll()).toEqual({ ids: fresh, pages: 4 });
  });

  it('reads every page again as soon as the newest-first order it detected no longer holds', async () => {
    const list = scriptedList('newest');
    list.add(100, HOUR / 10);
    const w = watchOf(list);
    expect((await w.poll()).pages).toBe(1);
    list.order = 'shuffled';
    const fresh = list.add(3);
    expect(await w.poll()).toEqual({ ids: fresh, pages: 6 });
  });

  it('announces an execution listed late within the skew, and not one that started before the floor', async () => {
    const list = scriptedList('shuffled');
    list.add(50, HOUR / 10);
    const w = watchOf(list);
    await w.poll();
    const fresh = list.add(1, 1_000);
    list.addLate(30_000, 'late-within-skew');
    list.addLate(2 * HOUR, 'was-there-before');
    const { ids } = await w.poll();
    expect(ids).toEqual(['late-within-skew', ...fresh]);
  });

  it('reports a poll cut by the page cap, and warns once', async () => {
    const list = scriptedList('shuffled');
    list.add(200, HOUR / 10);
    const w = watchOf(list, { maxPages: 3 });
    await w.poll();
    list.add(2);
    await w.poll();
    await w.poll();
    expect(w.polls).toEqual([
      { pages: 3, cut: true },
      { pages: 3, cut: true },
      { pages: 3, cut: true },
    ]);
    expect(w.cuts).toEqual([3]);
  });

  it('does not call a newest-first list cut when it proved the pages beyond hold nothing new', async () => {
    const list = scriptedList('newest');
    list.add(200, HOUR / 10);
    const w = watchOf(list, { maxPages: 3 });
    await w.poll();
    list.add(2);
    await w.poll();
    expect(w.polls.map((p) => p.cut)).toEqual([false, false]);
    expect(w.cuts).toEqual([]);
  });

  it('announces each of a burst larger than its memory once, and none twice afterwards', async () => {
    const list = scriptedList('shuffled');
    list.add(20, HOUR / 10);
    const w = watchOf(list, { maxRemembered: 100, maxPages: 100 });
    await w.poll();
    const burst = list.add(300, 10);
    expect((await w.poll()).ids).toEqual(burst);
    expect((await w.poll()).ids).toEqual([]);
    const next = list.add(5, 10);
    expect((await w.poll()).ids).toEqual(next);
  });
});

describe('the newest-first evidence', () => {
  it('takes 13 distinct times in order as proof, and not 12', () => {
    const of = (times: number[]) => {
      const e = new NewestFirstEvidence();
      for (const t of times) e.push(t);
      return e.provesNothingFrom(Infinity);
    };
    const down = (n: number) => Array.from({ length: n }, (_, i) => n - i);
    expect(of(down(12))).toBe(false);
    expect(of(down(13))).toBe(true);
    // Ties say little: 30 items in 2 runs of 15 are in order by chance once in 155 117 520.
    expect(of([...Array(15).fill(2), ...Array(15).fill(1)])).toBe(false);
    expect(of([...down(13), 14])).toBe(false);
  });

  it('proves nothing deeper only below the floor', () => {
    const e = new NewestFirstEvidence();
    for (let t = 40; t > 20; t--) e.push(t);
    expect(e.provesNothingFrom(22)).toBe(true);
    expect(e.provesNothingFrom(21)).toBe(false);
  });
});
