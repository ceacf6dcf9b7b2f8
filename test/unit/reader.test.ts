/**
 * `SharedReader`: cross-request coalescing (a request joins only reads that started at or after it),
 * the terminal cache, bounded concurrency and stats. The fake fetch hands out deferred promises, so the
 * tests decide when each upstream call answers; `performance.now()` is stubbed so start instants are exact.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTerminalCache, SharedReader } from '../../src/upstream/reader.js';

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(err: unknown): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** Lets queued promise callbacks and p-limit's scheduling run (one macrotask turn; not a timed sleep). */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Key {
  readonly id: string;
}
interface Value {
  readonly id: string;
  readonly status: 'RUNNING' | 'DONE';
  readonly n: number;
}

/** A fake upstream: every fetch is recorded and answers when the test settles its deferred. */
function createFakeUpstream() {
  const calls: { key: Key; answer: Deferred<Value> }[] = [];
  let running = 0;
  let maxRunning = 0;
  const fetch = (key: Key): Promise<Value> => {
    const answer = deferred<Value>();
    calls.push({ key, answer });
    running++;
    maxRunning = Math.max(maxRunning, running);
    return answer.promise.finally(() => running--);
  };
  return {
    fetch,
    calls,
    get maxRunning() {
      return maxRunning;
    },
  };
}

let now = 1_000;
beforeEach(() => {
  now = 1_000;
  vi.spyOn(performance, 'now').mockImplementation(() => now);
});
afterEach(() => {
  vi.restoreAllMocks();
});

function createReader(
  upstream: ReturnType<typeof createFakeUpstream>,
  options: {
    cache?: boolean;
    concurrency?: number;
    operation?: string;
    shared?: ReturnType<typeof createTerminalCache>;
  } = {},
) {
  return new SharedReader<Key, Value>({
    operation: options.operation ?? 'GetThing',
    keyOf: (k) => k.id,
    fetch: upstream.fetch,
    isTerminal: (v) => v.status === 'DONE',
    cache: options.shared ?? (options.cache === false ? undefined : createTerminalCache(100, 60_000)),
    concurrency: options.concurrency ?? 16,
  });
}

const running = (id: string, n = 1): Value => ({ id, status: 'RUNNING', n });
const done = (id: string, n = 1): Value => ({ id, status: 'DONE', n });

describe('coalescing', () => {
  it('coalesces concurrent reads of one key into one fetch', async () => {
    const upstream = createFakeUpstream();
    const reader = createReader(upstream);
    const a = reader.read({ id: 'k' }, now);
    const b = reader.read({ id: 'k' }, now);
    await flush();
    expect(upstream.calls).toHaveLength(1);
    upstream.calls[0]!.answer.resolve(running('k'));
    expect(await a).toBe(await b);
    expect(reader.stats).toMatchObject({ calls: 1, coalesced: 1 });
  });

  it('does not coalesce reads of different keys', async () => {
    const upstream = createFakeUpstream();
    const reader = createReader(upstream);
    void reader.read({ id: 'a' }, now);
    void reader.read({ id: 'b' }, now);
    await flush();
    expect(upstream.calls.map((c) => c.key.id)).toEqual(['a', 'b']);
  });

  it('lets a request join a read that started after the request did', async () => {
    const upstream = createFakeUpstream();
    const reader = createReader(upstream);
    const requestStart = now;
    now = 1_010;
    const first = reader.read({ id: 'k' }, now); // another request's read, started at 1_010
    const joined = reader.read({ id: 'k' }, requestStart); // our request started at 1_000
    await flush();
    expect(upstream.calls).toHaveLength(1);
    upstream.calls[0]!.answer.resolve(running('k'));
    expect(await joined).toBe(await first);
  });

  it('lets a request join a read that started at the same instant', async () => {
    const upstream = createFakeUpstream();
    const reader = createReader(upstream);
    void reader.read({ id: 'k' }, now);
    void reader.read({ id: 'k' }, now);
    await flush();
    expect(upstream.calls).toHaveLength(1);
  });

  it('starts a fresh fetch for a request that started after the in-flight read (its state could be older)', async () => {
    const upstream = createFakeUpstream();
    const reader = createReader(upstream);
    const old = reader.read({ id: 'k' }, now); // started at 1_000
    now = 1_050;
    const fresh = reader.read({ id: 'k' }, now); // a request that started at 1_050
    await flush();
    expect(upstream.calls).toHaveLength(2);
    upstream.calls[0]!.answer.resolve(running('k', 1));
    upstream.calls[1]!.answer.resolve(running('k', 2));
    expect((await old).n).toBe(1);
    expect((await fresh).n).toBe(2);
    expect(reader.stats).toMatchObject({ calls: 2, coalesced: 0 });
  });

  it('keeps the newer read joinable when the older one it replaced settles first', async () => {
    const upstream = createFakeUpstream();
    const reader = createReader(upstream);
    void reader.read({ id: 'k' }, now);
    now = 1_050;
    const newer = reader.read({ id: 'k' }, now);
    await flush();
    upstream.calls[0]!.answer.resolve(running('k', 1));
    await flush();
    const joined = reader.read({ id: 'k' }, 1_050);
    await flush();
    expect(upstream.calls).toHaveLength(2);
    upstream.calls[1]!.answer.resolve(running('k', 2));
    expect(await joined).toBe(await newer);
  });

  it('does not join a read that has already settled', async () => {
    const upstream = createFakeUpstream();
    const reader = createReader(upstream);
    const first = reader.read({ id: 'k' }, now);
    await flush();
    upstream.calls[0]!.answer.resolve(running('k'));
    await first;
    void reader.read({ id: 'k' }, 0);
    await flush();
    expect(upstream.calls).toHaveLength(2);
  });
});

describe('terminal cache', () => {
  it('serves a terminal value from the cache on the next read: zero fetches', async () => {
    const upstream = createFakeUpstream();
    const reader = createReader(upstream);
    const first = reader.read({ id: 'k' }, now);
    await flush();
    upstream.calls[0]!.answer.resolve(done('k'));
    const value = await first;
    now = 9_000;
    expect(await reader.read({ id: 'k' }, now)).toBe(value);
    expect(upstream.calls).toHaveLength(1);
    expect(reader.stats).toEqual({ calls: 1, coalesced: 0, cacheHits: 1, cacheMisses: 1 });
  });

  it('does not cache a non-terminal value: the next read fetches again', async () => {
    const upstream = createFakeUpstream();
    const reader = createReader(upstream);
    const first = reader.read({ id: 'k' }, now);
    await flush();
    upstream.calls[0]!.answer.resolve(running('k'));
    await first;
    void reader.read({ id: 'k' }, now);
    await flush();
    expect(upstream.calls).toHaveLength(2);
    expect(reader.stats).toMatchObject({ cacheHits: 0, cacheMisses: 2 });
  });

  it('caches nothing when the cache is undefined', async () => {
    const upstream = createFakeUpstream();
    const reader = createReader(upstream, { cache: false });
    const first = reader.read({ id: 'k' }, now);
    await flush();
    upstream.calls[0]!.answer.resolve(done('k'));
    await first;
    void reader.read({ id: 'k' }, now);
    await flush();
    expect(upstream.calls).toHaveLength(2);
    expect(reader.stats).toMatchObject({ cacheHits: 0, cacheMisses: 0 });
  });

  it("keys the shared cache by operation, so two readers never see each other's values", async () => {
    const shared = createTerminalCache(100, 60_000);
    const upstreamA = createFakeUpstream();
    const upstreamB = createFakeUpstream();
    const a = createReader(upstreamA, { operation: 'GetA', shared });
    const b = createReader(upstreamB, { operation: 'GetB', shared });
    a.prime({ id: 'k' }, done('k'));
    void b.read({ id: 'k' }, now);
    await flush();
    expect(upstreamB.calls).toHaveLength(1);
  });

  it('does not cache a rejected fetch: the next read retries and succeeds', async () => {
    const upstream = createFakeUpstream();
    const reader = createReader(upstream);
    const failing = reader.read({ id: 'k' }, now);
    await flush();
    const boom = Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
    upstream.calls[0]!.answer.reject(boom);
    await expect(failing).rejects.toBe(boom);

    const retry = reader.read({ id: 'k' }, now);
    await flush();
    expect(upstream.calls).toHaveLength(2);
    upstream.calls[1]!.answer.resolve(done('k'));
    expect((await retry).status).toBe('DONE');
  });

  it('rejects every joined read with the raw upstream error', async () => {
    const upstream = createFakeUpstream();
    const reader = createReader(upstream);
    const a = reader.read({ id: 'k' }, now);
    const b = reader.read({ id: 'k' }, now);
    await flush();
    const boom = new Error('down');
    upstream.calls[0]!.answer.reject(boom);
    await expect(a).rejects.toBe(boom);
    await expect(b).rejects.toBe(boom);
  });
});

describe('prime', () => {
  it('caches a terminal value read elsewhere: a later read makes no fetch', async () => {
    const upstream = createFakeUpstream();
    const reader = createReader(upstream);
    const value = done('k');
    reader.prime({ id: 'k' }, value);
    expect(await reader.read({ id: 'k' }, now)).toBe(value);
    expect(upstream.calls).toHaveLength(0);
  });

  it('ignores a non-terminal value', async () => {
    const upstream = createFakeUpstream();
    const reader = createReader(upstream);
    reader.prime({ id: 'k' }, running('k'));
    void reader.read({ id: 'k' }, now);
    await flush();
    expect(upstream.calls).toHaveLength(1);
  });

  it('does nothing without a cache', async () => {
    const upstream = createFakeUpstream();
    const reader = createReader(upstream, { cache: false });
    reader.prime({ id: 'k' }, done('k'));
    void reader.read({ id: 'k' }, now);
    await flush();
    expect(upstream.calls).toHaveLength(1);
  });

  it('does nothing for a reader without a terminal rule', async () => {
    const upstream = createFakeUpstream();
    const reader = new SharedReader<Key, Value>({
      operation: 'ListThings',
      keyOf: (k) => k.id,
      fetch: upstream.fetch,
      cache: createTerminalCache(10, 1_000),
      concurrency: 1,
    });
    reader.prime({ id: 'k' }, done('k'));
    void reader.read({ id: 'k' }, now);
    await flush();
    expect(upstream.calls).toHaveLength(1);
    expect(reader.stats).toMatchObject({ cacheHits: 0, cacheMisses: 0 });
  });
});

describe('concurrency', () => {
  it('never runs more than `concurrency` fetches at once, and runs them all', async () => {
    const upstream = createFakeUpstream();
    const reader = createReader(upstream, { concurrency: 2 });
    const reads = ['a', 'b', 'c', 'd', 'e'].map((id) => reader.read({ id }, now));
    await flush();
    expect(upstream.calls.map((c) => c.key.id)).toEqual(['a', 'b']);

    upstream.calls[0]!.answer.resolve(running('a'));
    await flush();
    expect(upstream.calls.map((c) => c.key.id)).toEqual(['a', 'b', 'c']);

    for (let i = 1; i < 5; i++) {
      await flush();
      upstream.calls[i]!.answer.resolve(running(upstream.calls[i]!.key.id));
    }
    expect((await Promise.all(reads)).map((v) => v.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(upstream.maxRunning).toBe(2);
    expect(reader.stats.calls).toBe(5);
  });

  it('frees its slot when a fetch fails', async () => {
    const upstream = createFakeUpstream();
    const reader = createReader(upstream, { concurrency: 1 });
    const a = reader.read({ id: 'a' }, now);
    const b = reader.read({ id: 'b' }, now);
    await flush();
    upstream.calls[0]!.answer.reject(new Error('x'));
    await expect(a).rejects.toThrow('x');
    await flush();
    expect(upstream.calls).toHaveLength(2);
    upstream.calls[1]!.answer.resolve(running('b'));
    expect((await b).id).toBe('b');
  });
});

describe('reader basics', () => {
  it('exposes its operation', () => {
    expect(createReader(createFakeUpstream(), { operation: 'GetDomain' }).operation).toBe('GetDomain');
  });

  it('counts calls, coalesced reads, cache hits and misses', async () => {
    const upstream = createFakeUpstream();
    const reader = createReader(upstream);
    const reads = [
      reader.read({ id: 'k' }, now),
      reader.read({ id: 'k' }, now),
      reader.read({ id: 'j' }, now),
    ];
    await flush();
    upstream.calls[0]!.answer.resolve(done('k'));
    upstream.calls[1]!.answer.resolve(running('j'));
    await Promise.all(reads);
    await reader.read({ id: 'k' }, now);
    expect(reader.stats).toEqual({ calls: 2, coalesced: 1, cacheHits: 1, cacheMisses: 3 });
  });

  it('finds a value by a frozen key as by an equal plain one, and keeps frozen keys of different loads apart', async () => {
    const upstream = createFakeUpstream();
    const keyOf = vi.fn((k: Key) => k.id);
    const reader = new SharedReader<Key, Value>({
      operation: 'GetThing',
      keyOf,
      fetch: upstream.fetch,
      isTerminal: (v) => v.status === 'DONE',
      cache: createTerminalCache(100, 60_000),
      concurrency: 4,
    });
    const a = Object.freeze({ id: 'a' });
    const b = Object.freeze({ id: 'b' });
    reader.prime({ id: 'a' }, done('a'));
    reader.prime(b, done('b'));
    for (let i = 0; i < 3; i++) {
      expect(reader.cached(a)?.id).toBe('a');
      expect(reader.cached(b)?.id).toBe('b');
      expect(reader.cached({ id: 'b' })?.id).toBe('b');
      expect((await reader.read(a, now)).id).toBe('a');
    }
    expect(upstream.calls).toHaveLength(0);
    // A frozen key is serialized once, however often it is read; a plain one on every read.
    expect(keyOf.mock.calls.filter(([k]) => k === a)).toHaveLength(1);
    expect(keyOf.mock.calls.filter(([k]) => k === b)).toHaveLength(1);
    expect(keyOf.mock.calls.filter(([k]) => !Object.isFrozen(k))).toHaveLength(4);
  });

  it('createTerminalCache turns the cache off at 0 entries', () => {
    expect(createTerminalCache(0, 1_000)).toBeUndefined();
    expect(createTerminalCache(1, 1_000)).toBeDefined();
  });
});

describe('SharedReader definitions', () => {
  it('keeps any value of a definition reader across requests, and primes it from list pages', async () => {
    const upstream = createFakeUpstream();
    const reader = new SharedReader<Key, Value>({
      operation: 'GetDataLakeDataset',
      keyOf: (k) => k.id,
      fetch: upstream.fetch,
      cache: createTerminalCache(100, 60_000),
      concurrency: 4,
      definitionTtlMs: 30_000,
    });
    const first = reader.read({ id: 'a' }, now);
    await flush();
    upstream.calls[0]!.answer.resolve({ id: 'a', status: 'RUNNING', n: 1 });
    await expect(first).resolves.toEqual({ id: 'a', status: 'RUNNING', n: 1 });
    now += 10;
    await expect(reader.read({ id: 'a' }, now)).resolves.toEqual({ id: 'a', status: 'RUNNING', n: 1 });
    reader.prime({ id: 'b' }, { id: 'b', status: 'RUNNING', n: 2 });
    await expect(reader.read({ id: 'b' }, now)).resolves.toEqual({ id: 'b', status: 'RUNNING', n: 2 });
    expect(upstream.calls).toHaveLength(1);
  });

  it('caches nothing that is not terminal when the definition TTL is 0', async () => {
    const upstream = createFakeUpstream();
    const reader = new SharedReader<Key, Value>({
      operation: 'GetDataLakeDataset',
      keyOf: (k) => k.id,
      fetch: upstream.fetch,
      cache: createTerminalCache(100, 60_000),
      concurrency: 4,
      definitionTtlMs: 0,
    });
    for (let i = 0; i < 2; i++) {
      now += 10;
      const read = reader.read({ id: 'a' }, now);
      await flush();
      upstream.calls[i]!.answer.resolve({ id: 'a', status: 'RUNNING', n: i });
      await read;
    }
    expect(upstream.calls).toHaveLength(2);
  });
});
