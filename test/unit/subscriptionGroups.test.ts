/**
 * Shared subscription execution against a small schema whose source streams the test drives: a group
 * executes each event once for all its members, and every member sees what a subscriber of its own sees
 * (current state on joining, de-duplicated changes, the error that ends the source, completion).
 */

import { parse, type ExecutionResult } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createSubscriptionGroups, type SerializedPayload } from '../../src/server/subscriptionGroups.js';
import { createTickSchema } from './subscriptionGroups.fixture.js';

const DOC = 'subscription($id: ID!) { tick(id: $id) { id n } }';

/** Takes `n` results from an iterator. */
async function take(it: AsyncIterator<ExecutionResult>, n: number): Promise<unknown[]> {
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const step = await it.next();
    if (step.done) break;
    out.push(step.value);
  }
  return out;
}

describe('createSubscriptionGroups', () => {
  it('executes each event once for all members of a group and gives every member the same results', async () => {
    const fx = createTickSchema();
    const groups = createSubscriptionGroups();
    const args = () => fx.args(parse(DOC), { id: 'a' });
    const members = (await Promise.all(
      [1, 2, 3].map(() => groups.subscribe(args())),
    )) as AsyncIterator<ExecutionResult>[];
    expect(fx.sources).toBe(1);
    expect(groups.groupCount).toBe(1);
    fx.push('a', { id: 'a', n: 1 });
    fx.push('a', { id: 'a', n: 1 }); // unchanged: not sent again
    fx.push('a', { id: 'a', n: 2 });
    const got = await Promise.all(members.map((m) => take(m, 2)));
    for (const g of got)
      expect(g).toEqual([{ data: { tick: { id: 'a', n: 1 } } }, { data: { tick: { id: 'a', n: 2 } } }]);
    expect(fx.resolved).toBe(3);
  });

  it('gives a member joining a running group the current state first, then every change', async () => {
    const fx = createTickSchema();
    const groups = createSubscriptionGroups();
    const early = (await groups.subscribe(
      fx.args(parse(DOC), { id: 'a' }),
    )) as AsyncIterator<ExecutionResult>;
    fx.push('a', { id: 'a', n: 1 });
    await take(early, 1);
    const late = (await groups.subscribe(fx.args(parse(DOC), { id: 'a' }))) as AsyncIterator<ExecutionResult>;
    fx.push('a', { id: 'a', n: 2 });
    expect(await take(late, 2)).toEqual([
      { data: { tick: { id: 'a', n: 1 } } },
      { data: { tick: { id: 'a', n: 2 } } },
    ]);
    expect(await take(early, 1)).toEqual([{ data: { tick: { id: 'a', n: 2 } } }]);
    expect(fx.sources).toBe(1);
  });

  it('keeps different variables, documents and scopes apart', async () => {
    const fx = createTickSchema();
    const groups = createSubscriptionGroups();
    await groups.subscribe(fx.args(parse(DOC), { id: 'a' }));
    await groups.subscribe(fx.args(parse(DOC), { id: 'b' }));
    await groups.subscribe(fx.args(parse('subscription($id: ID!) { tick(id: $id) { n } }'), { id: 'a' }));
    expect(groups.groupCount).toBe(3);
    expect(fx.sources).toBe(3);
  });

  it('ends every member with the error of a failing source, then completes; the next subscriber starts afresh', async () => {
    const fx = createTickSchema();
    const groups = createSubscriptionGroups();
    const members = (await Promise.all(
      [1, 2].map(() => groups.subscribe(fx.args(parse(DOC), { id: 'a' }))),
    )) as AsyncIterator<ExecutionResult>[];
    fx.fail('a', Object.assign(new Error('boom'), { name: 'ResourceNotFoundException' }));
    for (const m of members) {
      const [result] = await take(m, 1);
      expect((result as ExecutionResult).errors?.[0]?.message).toBe('Internal server error');
      expect(await m.next()).toEqual({ value: undefined, done: true });
    }
    expect(groups.groupCount).toBe(0);
    await groups.subscribe(fx.args(parse(DOC), { id: 'a' }));
    expect(fx.sources).toBe(2);
  });

  it('completes every member when the source completes', async () => {
    const fx = createTickSchema();
    const groups = createSubscriptionGroups();
    const m = (await groups.subscribe(fx.args(parse(DOC), { id: 'a' }))) as AsyncIterator<ExecutionResult>;
    fx.push('a', { id: 'a', n: 9 });
    fx.end('a');
    expect(await take(m, 5)).toEqual([{ data: { tick: { id: 'a', n: 9 } } }]);
    expect(groups.groupCount).toBe(0);
  });

  it('ends the source when its last member leaves, not before', async () => {
    const fx = createTickSchema();
    const groups = createSubscriptionGroups();
    const [a, b] = (await Promise.all(
      [1, 2].map(() => groups.subscribe(fx.args(parse(DOC), { id: 'a' }))),
    )) as AsyncIterator<ExecutionResult>[];
    await a!.return!();
    expect(fx.open).toBe(1);
    fx.push('a', { id: 'a', n: 3 });
    expect(await take(b!, 1)).toEqual([{ data: { tick: { id: 'a', n: 3 } } }]);
    await b!.return!();
    expect(fx.open).toBe(0);
    expect(groups.groupCount).toBe(0);
  });

  it('answers a source that fails to start (a resolver error) to that subscriber alone, as graphql-js does', async () => {
    const fx = createTickSchema();
    const groups = createSubscriptionGroups();
    const result = (await groups.subscribe(fx.args(parse(DOC), { id: 'bad' }))) as ExecutionResult;
    expect(result.errors?.[0]?.message).toBe('bad id');
    expect(groups.groupCount).toBe(0);
  });

  it('writes a sink member’s results through its sink from its first next() on, earlier ones first, then ends it', async () => {
    const fx = createTickSchema();
    let serialized = 0;
    const groups = createSubscriptionGroups({
      serialize: (result) => {
        serialized++;
        return JSON.stringify(result);
      },
    });
    const written: [string, string][] = [];
    const sinkOf = (who: string) => (payload: SerializedPayload) => {
      expect(payload.bytes.toString('utf8')).toBe(payload.json);
      written.push([who, payload.json]);
    };
    const a = (await groups.subscribe(
      fx.args(parse(DOC), { id: 'a' }),
      sinkOf('a'),
    )) as AsyncIterator<ExecutionResult>;
    const b = (await groups.subscribe(
      fx.args(parse(DOC), { id: 'a' }),
      sinkOf('b'),
    )) as AsyncIterator<ExecutionResult>;
    fx.push('a', { id: 'a', n: 1 });
    await new Promise((resolve) => setImmediate(resolve));
    // Not written before the transport asks (it has not registered the operation yet).
    expect(written).toEqual([]);
    const aDone = a.next();
    expect(written).toEqual([['a', '{"data":{"tick":{"id":"a","n":1}}}']]);
    const bDone = b.next();
    fx.push('a', { id: 'a', n: 2 });
    await new Promise((resolve) => setImmediate(resolve));
    expect(written.slice(1)).toEqual([
      ['b', '{"data":{"tick":{"id":"a","n":1}}}'],
      ['a', '{"data":{"tick":{"id":"a","n":2}}}'],
      ['b', '{"data":{"tick":{"id":"a","n":2}}}'],
    ]);
    expect(serialized).toBe(2);
    fx.end('a');
    expect(await aDone).toEqual({ value: undefined, done: true });
    expect(await bDone).toEqual({ value: undefined, done: true });
  });

  it('sends the serialized form: results that serialize alike are one change', async () => {
    const fx = createTickSchema();
    const groups = createSubscriptionGroups({
      serialize: (result) => JSON.stringify(result).replace(/\d/g, '#'),
    });
    const m = (await groups.subscribe(fx.args(parse(DOC), { id: 'a' }))) as AsyncIterator<ExecutionResult>;
    fx.push('a', { id: 'a', n: 1 });
    fx.push('a', { id: 'a', n: 2 }); // serializes like n: 1
    fx.push('a', { id: 'a', n: 3 });
    fx.end('a');
    expect(await take(m, 5)).toEqual([{ data: { tick: { id: 'a', n: 1 } } }]);
  });
});
