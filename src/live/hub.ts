/**
 * The live hub: turns "tell me when this load changes" into server-side polling, shared by everyone.
 *
 * - At most one poller per watched resource, reference-counted: it starts with the first subscriber and
 *   stops when the last one leaves, or when the load reaches a terminal state.
 * - A subscriber gets the current state at once, then every change (any difference in the upstream
 *   state, not only the status), in order, never twice: changes carry a version and older ones are dropped.
 * - After a terminal state the subscription completes. NOT_FOUND ends it with that error; throttling and
 *   transient failures back off exponentially (with jitter) and are surfaced only when they persist longer
 *   than `failureToleranceMs`.
 * - Polls read through the same shared readers as queries (coalescing, terminal cache, concurrency) and
 *   draw from one {@link PollBudget}, so polling never exceeds the rate the operator sets.
 * - Watched executions of one flow, and watched runs of one data source, are refreshed by one call to the
 *   parent's list operation instead of one read each, when that is fewer calls (see siblings.ts).
 * - With a {@link Coordinator} (Redis, see redis/scaleOut.ts) replicas share the work: a poller polls only
 *   while its replica holds the resource's lease, takes in the states other replicas publish, and a new
 *   subscriber also gets the stored last state. A terminal state is delivered even under a version already
 *   seen (after a Redis outage, versions from different replicas may overlap; a terminal state is final).
 */
import { GraphQLError } from 'graphql';
import { codeOf, ErrorCode, upstreamError } from '../upstream/errors.js';
import { loadRefKey, type LoadKind, type LoadRef } from '../upstream/loadRef.js';
import type { Readers } from '../upstream/readers.js';
import { isTerminalEvent, isTerminalExecution, isTerminalRun } from '../upstream/terminal.js';
import { PollBudget } from './budget.js';
import type { PolledOperation } from './operations.js';
import { createLocalCoordinator, type Coordinator } from './coordinator.js';
import type { LiveMessage, PubSub } from './pubsub.js';
import { AsyncQueue } from './queue.js';
import { SiblingGroup } from './siblings.js';
import type { DataIntegrationFlowExecution, DataSourceRunModel } from '../upstream/models.js';

export interface LiveHubOptions {
  readonly readers: Readers;
  readonly pubsub: PubSub;
  /** Base poll interval per kind, ms; `started` is for the new-load watches. */
  readonly intervalsMs: Readonly<Record<LoadKind | 'STARTED', number>>;
  /** Each delay is the interval ± this share of it (0.1 = ±10%). */
  readonly jitterRatio: number;
  /** Ceiling of the exponential backoff on throttling and transient errors, ms. */
  readonly maxBackoffMs: number;
  /** Failures lasting longer than this end the subscriptions with the error, ms. */
  readonly failureToleranceMs: number;
  /** Polls started per second across all pollers. */
  readonly maxPollsPerSecond: number;
  readonly random?: () => number;
  /**
   * Told of each change a poll found, with the time since the previous poll of that resource (an upper
   * bound of how long the change waited to be seen), ms.
   */
  readonly onChange?: (kind: LoadKind | 'STARTED', sincePreviousPollMs: number) => void;
  /**
   * Shares the work with other replicas (leases, stored last states; see coordinator.ts). Default: this
   * process alone. With one, each poller also listens to its topic on `pubsub` to learn the states other
   * replicas publish.
   */
  readonly coordinator?: Coordinator;
  /** A further budget per AWS operation (e.g. shared by all replicas), taken before each poll. */
  readonly rateBudget?: { take(operation: string): Promise<void> };
}

/** A parent whose new children a subscriber wants to hear about. */
export type StartedParent =
  | { readonly kind: 'FLOW_EXECUTIONS'; readonly instanceId: string; readonly flowName: string }
  | { readonly kind: 'DATA_SOURCE_RUNS'; readonly domainId: string; readonly dataSourceId: string };

export interface LiveStats {
  /** Subscribers currently watching (a `watchMany` counts once per load). */
  subscriptions: number;
  /** Pollers currently running. */
  pollers: number;
  /** Upstream polls by outcome: `unchanged`, `changed`, `throttled`, `failed`, `notFound`. */
  readonly polls: Record<'unchanged' | 'changed' | 'throttled' | 'failed' | 'notFound', number>;
}

export interface LiveHub {
  /** The load's current state at once, then each change; completes after a terminal state. */
  watch(ref: LoadRef): AsyncIterableIterator<object>;
  /** Every change of any of the loads; completes when all are terminal. */
  watchMany(refs: readonly LoadRef[]): AsyncIterableIterator<object>;
  /** Each execution or run that appears under the parent after the subscription starts. Never completes. */
  watchStarted(parent: StartedParent): AsyncIterableIterator<object>;
  readonly stats: LiveStats;
  close(): void;
}

type Outcome = keyof LiveStats['polls'];
const POLL_OPERATION: Readonly<Record<LoadKind, PolledOperation>> = {
  DATA_INTEGRATION_EVENT: 'GetDataIntegrationEvent',
  FLOW_EXECUTION: 'GetDataIntegrationFlowExecution',
  DATA_SOURCE_RUN: 'GetDataSourceRun',
};
const TRANSIENT = new Set<string>([
  ErrorCode.THROTTLED,
  ErrorCode.UPSTREAM_UNAVAILABLE,
  ErrorCode.UPSTREAM_TIMEOUT,
]);

/** One resource's poll loop. Internal. */
class Poller {
  refs = 0;
  version = 0;
  /** The last state message published (what a new subscriber gets at once). */
  last: Extract<LiveMessage, { state: object }> | undefined;
  private lastJson: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private failingSinceMs: number | undefined;
  private lastPollAt: number | undefined;
  private delayMs: number;
  /** The last known state is terminal or an error: nothing more to poll. */
  private final = false;
  private unobserve: (() => void) | undefined;

  constructor(
    readonly topic: string,
    private readonly kind: LoadKind | 'STARTED',
    /** The AWS operation a poll calls (named in errors). */
    private readonly operation: PolledOperation,
    private readonly hub: Hub,
    private readonly intervalMs: number,
    /** One poll: the new state(s) to publish (empty when nothing changed), or a thrown upstream error. */
    private readonly poll: (poller: Poller) => Promise<LiveMessage[]>,
    private readonly onStop: () => void,
  ) {
    this.delayMs = intervalMs;
  }

  start(): void {
    if (this.hub.options.coordinator)
      this.unobserve = this.hub.options.pubsub.subscribe(this.topic, (m) => this.adopt(m));
    this.schedule(0);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.unobserve?.();
    this.hub.coordinator.release(this.topic);
    this.onStop();
  }

  /** Takes in a newer state published elsewhere (another replica's poll, or the stored last state). */
  adopt(message: LiveMessage): void {
    if (message.version <= this.version) return;
    this.version = message.version;
    if ('error' in message) this.final = true;
    else {
      this.last = message;
      this.lastJson = JSON.stringify(message.state);
      if (message.terminal) this.final = true;
    }
  }

  /** Publishes a state if it differs from the last one; returns whether it did. */
  offer(state: object, terminal: boolean): LiveMessage | undefined {
    const json = JSON.stringify(state);
    if (json === this.lastJson) return undefined;
    this.lastJson = json;
    this.last = { version: ++this.version, state, terminal };
    return this.last;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    // Whole milliseconds: Node keeps a timer list per distinct duration.
    this.timer = setTimeout(() => void this.tick(), Math.max(0, Math.round(delayMs)));
  }

  private jittered(ms: number): number {
    return Math.max(1, Math.round(ms * (1 + (this.hub.random() * 2 - 1) * this.hub.options.jitterRatio)));
  }

  private async tick(): Promise<void> {
    const turn = await this.hub.coordinator.claim(this.topic, this.version);
    // Stopped while claiming: give up what the claim may just have taken.
    if (this.stopped) return turn.poll ? this.hub.coordinator.release(this.topic) : undefined;
    if (this.final) return this.stop();
    if (!turn.poll) return this.schedule(this.jittered(this.intervalMs));
    if (turn.versionBase !== undefined) {
      this.version = Math.max(this.version, turn.versionBase);
      // A new holder publishes what it reads first even when this replica knew it already: what it knew
      // may have come from a poll of its own that never reached the others (Redis was away meanwhile).
      this.lastJson = undefined;
    }
    await this.hub.budget.take();
    await this.hub.options.rateBudget?.take(this.operation);
    if (this.stopped) return;
    const pollStartedAt = performance.now();
    let messages: LiveMessage[];
    try {
      messages = await this.poll(this);
    } catch (err) {
      if (!this.stopped) this.failed(err);
      return;
    }
    if (this.stopped) return;
    this.failingSinceMs = undefined;
    this.delayMs = this.intervalMs;
    this.hub.count(messages.length > 0 ? 'changed' : 'unchanged');
    if (messages.length > 0 && this.lastPollAt !== undefined) {
      this.hub.options.onChange?.(this.kind, pollStartedAt - this.lastPollAt);
    }
    this.lastPollAt = pollStartedAt;
    for (const message of messages) this.publish(message);
    if (messages.some((m) => 'terminal' in m && m.terminal)) this.stop();
    // Every interval from the start of this poll, not from its end: a load is polled once per interval
    // however long its polls take (a slow upstream would otherwise stretch every interval by its latency).
    else this.schedule(this.jittered(this.delayMs) - (performance.now() - pollStartedAt));
  }

  private failed(err: unknown): void {
    const code = codeOf(err);
    const now = performance.now();
    this.failingSinceMs ??= now;
    const persistent = now - this.failingSinceMs > this.hub.options.failureToleranceMs;
    if (TRANSIENT.has(code) && !persistent) {
      this.hub.count(code === ErrorCode.THROTTLED ? 'throttled' : 'failed');
      this.delayMs = Math.min(this.hub.options.maxBackoffMs, this.delayMs * 2);
      this.schedule(this.jittered(this.delayMs));
      return;
    }
    this.hub.count(code === ErrorCode.NOT_FOUND ? 'notFound' : 'failed');
    const error = upstreamError(err, this.operation);
    this.publish({
      version: ++this.version,
      error: { message: error.message, extensions: error.extensions },
    });
    this.stop();
  }

  private publish(message: LiveMessage): void {
    this.hub.coordinator.publishResult(this.topic, message, this.kind !== 'STARTED');
  }
}

class Hub implements LiveHub {
  readonly stats: LiveStats = {
    subscriptions: 0,
    pollers: 0,
    polls: { unchanged: 0, changed: 0, throttled: 0, failed: 0, notFound: 0 },
  };
  readonly budget: PollBudget;
  readonly random: () => number;
  readonly coordinator: Coordinator;
  private readonly pollers = new Map<string, Poller>();
  private readonly queues = new Set<AsyncQueue<object>>();
  private readonly groups = new Map<string, SiblingGroup>();

  constructor(readonly options: LiveHubOptions) {
    this.budget = new PollBudget(options.maxPollsPerSecond);
    this.random = options.random ?? Math.random;
    this.coordinator = options.coordinator ?? createLocalCoordinator(options.pubsub);
  }

  count(outcome: Outcome): void {
    this.stats.polls[outcome]++;
  }

  watch(ref: LoadRef): AsyncIterableIterator<object> {
    const topic = `load:${loadRefKey(ref)}`;
    return this.subscribe(topic, () => this.loadPoller(topic, ref), true);
  }

  watchMany(refs: readonly LoadRef[]): AsyncIterableIterator<object> {
    const unique = [...new Map(refs.map((r) => [loadRefKey(r), r])).values()];
    const inner = unique.map((ref) => this.watch(ref));
    const queue = new AsyncQueue<object>(() => inner.forEach((it) => void it.return?.()));
    let open = inner.length;
    if (open === 0) queue.end();
    for (const it of inner) {
      void (async () => {
        try {
          for await (const state of it) queue.push(state);
          if (--open === 0) queue.end();
        } catch (err) {
          queue.fail(err);
        }
      })();
    }
    return queue;
  }

  watchStarted(parent: StartedParent): AsyncIterableIterator<object> {
    const topic =
      parent.kind === 'FLOW_EXECUTIONS'
        ? `started:${parent.kind}/${parent.instanceId}/${parent.flowName}`
        : `started:${parent.kind}/${parent.domainId}/${parent.dataSourceId}`;
    return this.subscribe(topic, () => this.startedPoller(topic, parent), false);
  }

  close(): void {
    for (const poller of [...this.pollers.values()]) poller.stop();
    for (const queue of [...this.queues]) queue.end();
    this.budget.close();
  }

  /**
   * Subscribes to a topic, then acquires (or creates) its poller. Subscribing first means no change can
   * fall between the two; versions make the current state and a concurrent publish never both arrive.
   */
  private subscribe(topic: string, create: () => Poller, replayLast: boolean): AsyncIterableIterator<object> {
    let delivered = 0;
    let poller: Poller | undefined;
    this.stats.subscriptions++;
    const queue: AsyncQueue<object> = new AsyncQueue<object>(() => {
      this.stats.subscriptions--;
      this.queues.delete(queue);
      unsubscribe();
      if (poller && --poller.refs === 0) poller.stop();
    });
    this.queues.add(queue);
    const deliver = (message: LiveMessage): void => {
      // A terminal state is final whoever read it: never dropped, even under a version seen before.
      if (message.version <= delivered && !('terminal' in message && message.terminal)) return;
      delivered = message.version;
      if ('error' in message) {
        queue.fail(new GraphQLError(message.error.message, { extensions: message.error.extensions }));
        return;
      }
      queue.push(message.state);
      if (message.terminal) queue.end();
    };
    const unsubscribe = this.options.pubsub.subscribe(topic, deliver);
    poller = this.pollers.get(topic);
    const started = !poller;
    if (!poller) {
      poller = create();
      this.pollers.set(topic, poller);
      this.stats.pollers++;
      poller.start();
    }
    poller.refs++;
    if (replayLast && poller.last) deliver(poller.last);
    else if (!replayLast) delivered = poller.version;
    // A running poller already has the topic's last state (its first claim read it, the channel keeps it
    // current): only a new one, or one still waiting for its first state, reads it again.
    if (replayLast && (started || !poller.last)) void this.coordinator.refresh(topic);
    return queue;
  }

  private register(topic: string): () => void {
    return () => {
      if (this.pollers.get(topic)) {
        this.pollers.delete(topic);
        this.stats.pollers--;
      }
    };
  }

  private loadPoller(topic: string, ref: LoadRef): Poller {
    const { readers, intervalsMs } = this.options;
    const id = loadRefKey(ref);
    let lastPolledAt = -Infinity;
    let group: { key: string; siblings: SiblingGroup } | undefined;
    const joinGroup = (key: string, list: () => Promise<ReadonlyMap<string, object>>): void => {
      if (group) return;
      let siblings = this.groups.get(key);
      if (!siblings) this.groups.set(key, (siblings = new SiblingGroup(list)));
      siblings.join(id);
      group = { key, siblings };
    };
    const read = async (): Promise<[object, boolean]> => {
      const now = performance.now();
      const previous = lastPolledAt;
      lastPolledAt = now;
      switch (ref.kind) {
        case 'DATA_INTEGRATION_EVENT': {
          const event = await readers.event.read(ref.key, now);
          return [event, isTerminalEvent(event)];
        }
        case 'FLOW_EXECUTION': {
          const { instanceId, flowName } = ref.key;
          joinGroup(`FLOW_EXECUTIONS/${instanceId}/${flowName}`, async () => {
            const page = await readers.flowExecutionsPage.read(
              { instanceId, flowName, maxResults: 20 },
              performance.now(),
            );
            return new Map(
              page.items.map((x) => [
                loadRefKey({
                  kind: 'FLOW_EXECUTION',
                  key: { instanceId, flowName, executionId: x.executionId! },
                }),
                x,
              ]),
            );
          });
          const listed = (await group!.siblings.read(id, previous)) as
            DataIntegrationFlowExecution | undefined;
          const execution = listed ?? (await readers.flowExecution.read(ref.key, now));
          return [execution, isTerminalExecution(execution)];
        }
        case 'DATA_SOURCE_RUN': {
          const listed = (await group?.siblings.read(id, previous)) as DataSourceRunModel | undefined;
          // A list summary lacks the configuration snapshot and domain id: keep those from the last full read.
          const run = listed
            ? { ...lastRun, ...listed, domainId: ref.key.domainId }
            : await readers.dataSourceRun.read(ref.key, now);
          lastRun = run;
          const { domainId } = ref.key;
          const dataSourceId = run.dataSourceId!;
          joinGroup(`DATA_SOURCE_RUNS/${domainId}/${dataSourceId}`, async () => {
            const page = await readers.runsPage.read(
              { domainId, dataSourceId, maxResults: 50 },
              performance.now(),
            );
            return new Map(
              page.items.map((r) => [
                loadRefKey({ kind: 'DATA_SOURCE_RUN', key: { domainId, runId: r.id! } }),
                r,
              ]),
            );
          });
          return [run, isTerminalRun(run)];
        }
      }
    };
    let lastRun: DataSourceRunModel | undefined;
    const unregister = this.register(topic);
    return new Poller(
      topic,
      ref.kind,
      POLL_OPERATION[ref.kind],
      this,
      intervalsMs[ref.kind],
      async (poller) => {
        const [state, terminal] = await read();
        const message = poller.offer(state, terminal);
        return message ? [message] : [];
      },
      () => {
        unregister();
        if (group) {
          group.siblings.leave(id);
          if (group.siblings.size === 0 && this.groups.get(group.key) === group.siblings)
            this.groups.delete(group.key);
        }
      },
    );
  }

  private startedPoller(topic: string, parent: StartedParent): Poller {
    const { readers, intervalsMs } = this.options;
    let seen: Set<string> | undefined;
    const firstPage = async (): Promise<{ id: string; state: object }[]> => {
      const now = performance.now();
      if (parent.kind === 'FLOW_EXECUTIONS') {
        const page = await readers.flowExecutionsPage.read({ ...parent, maxResults: 20 }, now);
        return page.items.map((x) => ({ id: x.executionId!, state: x }));
      }
      const page = await readers.runsPage.read(
        { domainId: parent.domainId, dataSourceId: parent.dataSourceId, maxResults: 50 },
        now,
      );
      return page.items.map((r) => ({ id: r.id!, state: { ...r, domainId: parent.domainId } }));
    };
    return new Poller(
      topic,
      'STARTED',
      parent.kind === 'FLOW_EXECUTIONS' ? 'ListDataIntegrationFlowExecutions' : 'ListDataSourceRuns',
      this,
      intervalsMs.STARTED,
      async (poller) => {
        const items = await firstPage();
        if (!seen) {
          seen = new Set(items.map((i) => i.id));
          return [];
        }
        // Lists are newest first: announce the new ones oldest first.
        const fresh = items.filter((i) => !seen!.has(i.id)).reverse();
        for (const i of fresh) seen.add(i.id);
        if (seen.size > 10_000) seen = new Set(items.map((i) => i.id));
        return fresh.map((i) => ({ version: ++poller.version, state: i.state, terminal: false }));
      },
      this.register(topic),
    );
  }
}

export function createLiveHub(options: LiveHubOptions): LiveHub {
  return new Hub(options);
}
