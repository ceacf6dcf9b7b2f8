/**
 * Shared subscription execution. Subscribers whose operations have the same document text, operation name,
 * variables and authorization scope ({@link scopeKeyOf}) form one group: the group holds one source stream
 * (one watch on the live hub), executes each event once, serializes the result once, and hands both to
 * every member; a member with a {@link DeliverySink} writes the serialized bytes to its own connection.
 * Without it, each subscriber executes and serializes every event itself: ten thousand dashboards watching
 * one load would run the same execution ten thousand times per change.
 *
 * Each member sees what a subscriber of its own would see:
 * - an event whose result is the same as the last one sent for that load is not sent again;
 * - a member joining a running group first gets the last result sent for each load (the current state,
 *   as the hub gives a new subscriber), then every later one;
 * - a failing source stream ends every member with a last result carrying its error;
 * - when the source completes (terminal state), every member completes, and the group is gone: a later
 *   subscriber starts a new one;
 * - a member's `return()` (the client unsubscribing) leaves the group at once; the last to leave ends the
 *   watch.
 * Events of a group are executed with the context of the member that started it: members of one group
 * share the scope, so any of their contexts answers alike.
 */
import {
  GraphQLError,
  createSourceEventStream,
  execute,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
} from 'graphql';
import type { GraphContext } from './context.js';
import { scopeKeyOf } from './scope.js';

/** Which load a source event is about (events of one subscription may be about several loads). */
function sourceKey(state: unknown): string {
  const s = (state ?? {}) as { eventId?: string; executionId?: string; id?: string };
  return s.eventId ?? s.executionId ?? s.id ?? '';
}

/** The document's own text when it has one (graphql-ws parses with locations), else a per-object key. */
const documentIds = new WeakMap<DocumentNode, string>();
let nextDocumentId = 0;
function documentKey(document: DocumentNode): string {
  const text = document.loc?.source.body;
  if (text !== undefined) return text;
  let id = documentIds.get(document);
  if (id === undefined) documentIds.set(document, (id = `\u0000${nextDocumentId++}`));
  return id;
}

/** A result's payload, serialized once for every member of its group. */
export interface SerializedPayload {
  readonly json: string;
  /** `json` as UTF-8, encoded on first use. */
  readonly bytes: Buffer;
}

/** One result of a group. */
class Delivery implements SerializedPayload {
  private encoded: Buffer | undefined;

  constructor(
    readonly result: ExecutionResult,
    readonly json: string,
  ) {}

  get bytes(): Buffer {
    return (this.encoded ??= Buffer.from(this.json));
  }
}

/**
 * Writes one serialized payload to a subscriber's connection itself (its `next` message). A member with a
 * sink skips the transport's per-message work: ten thousand members cost ten thousand socket writes of
 * one already-serialized payload, not ten thousand serializations.
 */
export type DeliverySink = (payload: SerializedPayload) => void;

/**
 * One subscriber's view of its group. Without a sink, a small push-to-pull queue the transport iterates.
 * With one, the results are written through the sink from the transport's first `next()` on (the
 * transport has registered the operation by then; results that came earlier wait, in order), and
 * `next()` settles only when the member ends, so the transport then sends `complete` after the last
 * result. Internal.
 */
class Member implements AsyncIterableIterator<ExecutionResult> {
  private values: Delivery[] = [];
  private waiting: ((step: IteratorResult<ExecutionResult>) => void) | undefined;
  private done = false;
  /** True once results go straight through the sink. */
  private direct = false;

  constructor(
    private readonly group: Group,
    private readonly sink: DeliverySink | undefined,
  ) {}

  push(value: Delivery): void {
    if (this.done) return;
    if (this.direct) {
      this.sink!(value);
      return;
    }
    const waiting = this.waiting;
    if (waiting) {
      this.waiting = undefined;
      waiting({ value: value.result, done: false });
    } else this.values.push(value);
  }

  /** Ends after the values already pushed. */
  end(): void {
    if (this.done) return;
    this.done = true;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<ExecutionResult>> {
    if (this.sink && !this.direct) {
      this.direct = true;
      const early = this.values;
      this.values = [];
      for (const delivery of early) this.sink(delivery);
    }
    const value = this.values.shift();
    if (value !== undefined) return Promise.resolve({ value: value.result, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  async return(): Promise<IteratorResult<ExecutionResult>> {
    this.values = [];
    this.end();
    this.group.leave(this);
    return { value: undefined, done: true };
  }

  async throw(error: unknown): Promise<IteratorResult<ExecutionResult>> {
    await this.return();
    throw error;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** One source stream, executed once per event for all its members. Internal. */
class Group {
  private readonly members = new Set<Member>();
  /** The last result sent per load, in the order loads first appeared: what a joining member gets first. */
  private readonly last = new Map<string, Delivery>();
  private finished = false;

  constructor(
    private readonly args: ExecutionArgs,
    private readonly source: AsyncIterator<unknown>,
    private readonly serialize: (result: ExecutionResult) => string,
    private readonly onEnd: (group: Group) => void,
  ) {}

  /** A new member, or undefined when the group has ended (start a new one). */
  join(sink: DeliverySink | undefined): Member | undefined {
    if (this.finished) return undefined;
    const member = new Member(this, sink);
    this.members.add(member);
    for (const delivery of this.last.values()) member.push(delivery);
    return member;
  }

  leave(member: Member): void {
    if (!this.members.delete(member) || this.members.size > 0) return;
    this.finish();
    void Promise.resolve(this.source.return?.()).catch(() => {});
  }

  private running = false;

  /** Starts pulling events, once (with its first member). */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.run();
  }

  /** Pulls events until the source ends, fails or the last member leaves. */
  private async run(): Promise<void> {
    while (!this.finished) {
      let step: IteratorResult<unknown>;
      try {
        step = await this.source.next();
      } catch (err) {
        if (this.finished) return;
        const error =
          err instanceof GraphQLError
            ? err
            : new GraphQLError('Internal server error', { originalError: err as Error });
        const result = { errors: [error] };
        this.broadcast(new Delivery(result, this.serialize(result)));
        break;
      }
      if (step.done || this.finished) break;
      const result = await execute({ ...this.args, rootValue: step.value });
      if (this.finished) return;
      const key = sourceKey(step.value);
      const json = this.serialize(result);
      if (this.last.get(key)?.json === json) continue;
      const delivery = new Delivery(result, json);
      this.last.set(key, delivery);
      this.broadcast(delivery);
    }
    this.finish();
  }

  private broadcast(delivery: Delivery): void {
    for (const member of this.members) member.push(delivery);
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.onEnd(this);
    for (const member of this.members) member.end();
    this.members.clear();
    this.last.clear();
  }
}

/**
 * Subscriptions that share one source stream: operations that are the same (document, variables, context
 * scope) become members of one group, whose results are executed and serialized once and fanned out to
 * every member.
 */
export interface SubscriptionGroups {
  /**
   * `subscribe` for graphql-ws: a member of the operation's group (started when there is none). With a
   * sink, the member writes its results through it (see {@link Member}).
   */
  subscribe(
    args: ExecutionArgs,
    sink?: DeliverySink,
  ): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult>;
  /** Groups running now (for tests and metrics). */
  readonly groupCount: number;
}

/** Options of {@link createSubscriptionGroups}; all optional. */
export interface SubscriptionGroupOptions {
  /**
   * A result as the payload of its `next` message, once per result for every member (the transport's
   * error formatting belongs here). Results that serialize alike are sent once. Default: JSON.
   */
  readonly serialize?: (result: ExecutionResult) => string;
}

/**
 * A new set of subscription groups: a group starts with its first member and ends when its last member
 * leaves or its source ends. A subscription that fails to start is answered with graphql-js's error result,
 * and no group is kept.
 */
export function createSubscriptionGroups(options: SubscriptionGroupOptions = {}): SubscriptionGroups {
  const serialize = options.serialize ?? ((result: ExecutionResult) => JSON.stringify(result));
  const groups = new Map<string, Promise<Group | ExecutionResult>>();

  const start = (key: string, args: ExecutionArgs): Promise<Group | ExecutionResult> => {
    const pending = (async (): Promise<Group | ExecutionResult> => {
      const stream = await createSourceEventStream(args);
      if (!(Symbol.asyncIterator in stream)) return stream;
      const group = new Group(args, stream[Symbol.asyncIterator](), serialize, () => {
        if (groups.get(key) === pending) groups.delete(key);
      });
      // Not run yet: it starts with its first member, so a source that fails at once still has someone
      // to tell (else the next subscriber would find a finished group and start another, forever).
      return group;
    })();
    return pending;
  };

  const subscribe = async (
    args: ExecutionArgs,
    sink?: DeliverySink,
  ): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> => {
    const key = JSON.stringify([
      documentKey(args.document),
      args.operationName ?? null,
      args.variableValues ?? null,
      scopeKeyOf(args.contextValue as GraphContext),
    ]);
    for (;;) {
      let pending = groups.get(key);
      if (!pending) {
        // A source that fails to start (bad arguments) is that subscriber's error, shared by none.
        pending = start(key, args);
        groups.set(key, pending);
        const outcome = await pending.catch((err: unknown) => {
          groups.delete(key);
          throw err;
        });
        if (!(outcome instanceof Group)) {
          if (groups.get(key) === pending) groups.delete(key);
          return outcome;
        }
        const member = outcome.join(sink);
        if (member) {
          outcome.start();
          return member;
        }
        continue;
      }
      const outcome = await pending.catch(() => undefined);
      if (!(outcome instanceof Group)) {
        // Its starter got the error; this subscriber starts its own attempt.
        if (groups.get(key) === pending) groups.delete(key);
        continue;
      }
      const member = outcome.join(sink);
      if (member) {
        outcome.start();
        return member;
      }
      if (groups.get(key) === pending) groups.delete(key);
    }
  };

  return {
    subscribe,
    get groupCount() {
      return groups.size;
    },
  };
}
