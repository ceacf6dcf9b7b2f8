/**
 * A subscription schema whose source streams a test drives by id (push, fail, end), counting the streams
 * started, still open, and the field resolutions. Internal to the subscription-group tests.
 */
import { ANONYMOUS } from '../../src/server/auth/principal.js';
import { buildSchema, type DocumentNode, type ExecutionArgs } from 'graphql';
import { AsyncQueue } from '../../src/live/queue.js';

export function createTickSchema() {
  const schema = buildSchema(`
    type Query { x: Int }
    type Tick { id: ID! n: Int }
    type Subscription { tick(id: ID!): Tick }
  `);
  const queues = new Map<string, AsyncQueue<object>[]>();
  const state = { sources: 0, open: 0, resolved: 0 };
  const fields = schema.getSubscriptionType()!.getFields();
  fields['tick']!.subscribe = (_root, { id }: { id: string }) => {
    if (id === 'bad') throw new Error('bad id');
    state.sources++;
    state.open++;
    const queue: AsyncQueue<object> = new AsyncQueue<object>(() => {
      state.open--;
    });
    queues.set(id, [...(queues.get(id) ?? []), queue]);
    return queue;
  };
  fields['tick']!.resolve = (value: object) => {
    state.resolved++;
    return value;
  };
  const each = (id: string, f: (q: AsyncQueue<object>) => void) => (queues.get(id) ?? []).forEach(f);
  return {
    get sources() {
      return state.sources;
    },
    get open() {
      return state.open;
    },
    get resolved() {
      return state.resolved;
    },
    args: (document: DocumentNode, variableValues: Record<string, unknown>): ExecutionArgs => ({
      schema,
      document,
      variableValues,
      contextValue: { principal: ANONYMOUS },
    }),
    push: (id: string, value: object) => each(id, (q) => q.push(value)),
    fail: (id: string, error: unknown) => each(id, (q) => q.fail(error)),
    end: (id: string) => each(id, (q) => q.end()),
  };
}
