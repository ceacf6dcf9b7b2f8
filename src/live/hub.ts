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
 * - Watched loads that share a parent (events of one instance and type, executions of one flow, runs of
 *   one data source) are refreshed from the parent's list pages instead of one read each, when that is
 *   fewer calls (see parentRefresh.ts). The budget counts upstream calls, not polls.
 * - With a {@link Coordinator} (Redis, see redis/scaleOut.ts) replicas share the work: a poller polls only
 *   while its replica holds the resource's lease, takes in the states other replicas publish, and a new
 *   subscriber also gets the stored last state. A terminal state is delivered even under a version already
 *   seen (after a Redis outage, versions from different replicas may overlap; a terminal state is final).
 * - Across replicas a load with a known list parent is claimed under the parent: the replica holding it
 *   polls the parent's loads watched on every replica (the coordinator names them), with pollers that have
 *   no local subscriber, so one replica lists each parent.
 */
import { GraphQLError } from 'graphql';
import {
  kindOf,
  loadRefKey,
  loadRefOfKey,
  markKind,
  type LoadKind,
  type LoadRef,
  type ListParent,
} from '../upstream/loadKinds.js';
import type { Readers } from '../upstream/readers.js';
import { PollBudget } from './budget.js';
import { createLocalCoordinator, type Coordinator } from './coordinator.js';
import { createLoadSource, type BudgetedCall } from './loadSource.js';
import { ParentRefresh } from './parentRefresh.js';
import { Poller, type PollerEnv, type PollOutcome } from './poller.js';
import type { LiveMessage, PubSub } from './pubsub.js';
import { AsyncQueue } from './queue.js';
import {
  createStartedSource,
  startedOperation,
  startedTopic,
  type StartedLimits,
  type StartedParent,
} from './started.js';

export type { StartedParent };

/**
 * What the hub polls through and how often: the shared readers, the pub/sub, per-kind intervals, jitter,
 * backoff and failure tolerance, the poll budget and, for scale-out, a coordinator. Intervals and durations
 * are in ms.
 */
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
  /** Upstream calls started per second across all pollers (a list page is one call). */
  readonly maxPollsPerSecond: number;
  /** At most this many list pages per refresh of a parent. Default 20. */
  readonly maxListPages?: number;
  /** Pages, listing lag and memory of the started watches (see started.ts). Default `STARTED_LIMITS`. */
  readonly started?: StartedLimits;
  /** Warned once per started watch whose list was cut by its page cap. */
  readonly logger?: { warn(obj: object, msg: string): void };
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
  /** A further budget per AWS operation (e.g. shared by all replicas), taken before each upstream call. */
  readonly rateBudget?: { take(operation: string): Promise<void> };
}

/**
 * Live counters of one hub, for metrics: gauges (`subscriptions`, `pollers`) that go up and down, and
 * counters that only grow.
 */
export interface LiveStats {
  /** Subscribers currently watching (a `watchMany` counts once per load). */
  subscriptions: number;
  /** Pollers currently running. */
  pollers: number;
  /** Upstream polls by outcome: `unchanged`, `changed`, `throttled`, `failed`, `notFound`. */
  readonly polls: Record<PollOutcome, number>;
  /** Upstream calls made by polling (reads and list pages). */
  calls: number;
  /** Parent refreshes: list pages read, loads served from them, loads left to read alone. */
  readonly refreshes: { pages: number; served: number; missed: number };
  /** Started watches: list pages read, and polls cut by the page cap with pages left unread. */
  readonly started: { pages: number; cut: number };
}

/**
 * Subscriptions to load changes, served by shared server-side polling (see the module). The iterators end
 * early when the consumer returns them, which releases their pollers; errors (NOT_FOUND, a persistent
 * failure) end them with a GraphQLError carrying the upstream error's extensions.
 */
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

class Hub implements LiveHub {
  readonly stats: LiveStats = {
    subscriptions: 0,
    pollers: 0,
    polls: { unchanged: 0, changed: 0, throttled: 0, failed: 0, notFound: 0 },
    calls: 0,
    refreshes: { pages: 0, served: 0, missed: 0 },
    started: { pages: 0, cut: 0 },
  };
  private readonly budget: PollBudget;
  private readonly coordinator: Coordinator;
  private readonly env: PollerEnv;
  private readonly pollers = new Map<string, Poller>();
  private readonly queues = new Set<AsyncQueue<object>>();
  private readonly parents = new Map<string, ParentRefresh>();
  /** Per parent this replica holds across replicas: the topics watched under it on any replica. */
  private readonly members = new Map<string, ReadonlySet<string>>();
  /** Per parent held: the topics of it whose poller here ended (terminal), not to be polled again. */
  private readonly ended = new Map<string, Set<string>>();
  private closed = false;

  constructor(private readonly options: LiveHubOptions) {
    this.budget = new PollBudget(options.maxPollsPerSecond);
    this.coordinator = options.coordinator ?? createLocalCoordinator(options.pubsub);
    this.env = {
      coordinator: this.coordinator,
      pubsub: options.pubsub,
      adoptPublished: options.coordinator !== undefined,
      jitterRatio: options.jitterRatio,
      maxBackoffMs: options.maxBackoffMs,
      failureToleranceMs: options.failureToleranceMs,
      random: options.random ?? Math.random,
      count: (outcome) => void this.stats.polls[outcome]++,
      ...(options.onChange ? { onChange: options.onChange } : {}),
    };
    this.coordinator.onMembers((parent, topics) => this.pollMembers(parent, topics));
  }

  /** One upstream call within the budgets: this process's, then the per-operation (shared) one. */
  private readonly call: BudgetedCall = async (operation, call) => {
    await this.budget.take();
    await this.options.rateBudget?.take(operation);
    this.stats.calls++;
    return call();
  };

  watch(ref: LoadRef): AsyncIterableIterator<object> {
    const topic = `${LOAD_TOPIC}${loadRefKey(ref)}`;
    return this.subscribe(topic, () => this.loadPoller(topic, ref), true, ref.kind);
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
    const topic = startedTopic(parent);
    return this.subscribe(topic, () => this.startedPoller(topic, parent), false);
  }

  close(): void {
    this.closed = true;
    for (const poller of [...this.pollers.values()]) poller.stop();
    for (const queue of [...this.queues]) queue.end();
    this.budget.close();
  }

  /**
   * Subscribes to a topic, then acquires (or creates) its poller. Subscribing first means no change can
   * fall between the two; versions make the current state and a concurrent publish never both arrive.
   */
  private subscribe(
    topic: string,
    create: () => Poller,
    replayLast: boolean,
    kind?: LoadKind,
  ): AsyncIterableIterator<object> {
    let delivered = 0;
    let poller: Poller | undefined;
    this.stats.subscriptions++;
    const queue: AsyncQueue<object> = new AsyncQueue<object>(() => {
      this.stats.subscriptions--;
      this.queues.delete(queue);
      unsubscribe();
      // Still watched on another replica under a parent held here: polled on for them.
      if (poller && --poller.refs === 0 && !this.isMember(topic)) poller.stop();
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
      // Marked with its kind for the graph's type resolution (a state from Redis is a new object).
      queue.push(kind ? markKind(message.state, kind) : message.state);
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

  /**
   * The topics watched under `parent` on any replica, while this replica holds the parent (none once it
   * lost it): each gets a poller here (without local subscribers) unless it has one or ended; pollers
   * without local subscribers of topics no longer named stop.
   */
  private pollMembers(parent: string, topics: readonly string[]): void {
    if (this.closed) return;
    const next = new Set(topics);
    const before = this.members.get(parent);
    if (next.size > 0) this.members.set(parent, next);
    else this.members.delete(parent);
    for (const topic of before ?? []) {
      const poller = this.pollers.get(topic);
      if (!next.has(topic) && poller?.refs === 0 && !this.isMember(topic)) poller.stop();
    }
    const ended = this.ended.get(parent);
    if (ended) for (const topic of ended) if (!next.has(topic)) ended.delete(topic);
    if (next.size === 0) this.ended.delete(parent);
    for (const topic of next) {
      if (this.pollers.has(topic) || ended?.has(topic) || !topic.startsWith(LOAD_TOPIC)) continue;
      const ref = loadRefOfKey(topic.slice(LOAD_TOPIC.length));
      if (!ref) continue;
      const poller = this.loadPoller(topic, ref, parent);
      this.pollers.set(topic, poller);
      this.stats.pollers++;
      poller.start();
    }
  }

  /** Whether `topic` is watched under a parent this replica holds. */
  private isMember(topic: string): boolean {
    for (const topics of this.members.values()) if (topics.has(topic)) return true;
    return false;
  }

  private register(topic: string): () => void {
    return () => {
      if (this.pollers.get(topic)) {
        this.pollers.delete(topic);
        this.stats.pollers--;
      }
    };
  }

  /** The refresh of a parent's list, shared by the loads watched under it. */
  private parentRefresh(parent: ListParent, operation: string): ParentRefresh {
    let refresh = this.parents.get(parent.key);
    if (!refresh) {
      const { readers } = this.options;
      const { refreshes } = this.stats;
      refresh = new ParentRefresh(parent, {
        maxPages: this.options.maxListPages ?? 20,
        page: (nextToken, notBefore) =>
          this.call(operation, () => parent.page(readers, nextToken, notBefore)),
        onRefresh: (pages, served, missed) => {
          refreshes.pages += pages;
          refreshes.served += served;
          refreshes.missed += missed;
        },
      });
      this.parents.set(parent.key, refresh);
    }
    return refresh;
  }

  /** The poller of a load; `listedUnder`: the parent held here that named it (polled for other replicas). */
  private loadPoller(topic: string, ref: LoadRef, listedUnder?: string): Poller {
    const d = kindOf(ref);
    let joined: ParentRefresh | undefined;
    const source = createLoadSource({
      ref,
      readers: this.options.readers,
      call: this.call,
      parentRefresh: (parent) => (joined = this.parentRefresh(parent, d.listOperation)),
      onListed: (state, terminal) => poller.deliver(state, terminal),
      known: () => poller.last?.state,
    });
    // Across replicas, turns are claimed under the load's parent while it is listed (not refused for good).
    const parent = (): string | undefined => {
      if (joined) return joined.refused ? undefined : joined.parent.key;
      return d.parentOf(ref.key as never, poller.last?.state as never)?.key ?? listedUnder;
    };
    const register = this.register(topic);
    const unregister = (): void => {
      register();
      // Ended for good while polled for other replicas: not polled again while they still watch it.
      const under = listedUnder ?? parent();
      if (poller.refs === 0 && poller.final && under !== undefined && this.members.get(under)?.has(topic)) {
        let ended = this.ended.get(under);
        if (!ended) this.ended.set(under, (ended = new Set()));
        ended.add(topic);
      }
    };
    const poller: Poller = new Poller({
      topic,
      label: ref.kind,
      operation: d.pollOperation,
      intervalMs: this.options.intervalsMs[ref.kind],
      env: this.env,
      ...(this.options.coordinator ? { parent } : {}),
      poll: async (poller) => {
        const [state, terminal] = await source.poll();
        const message = poller.offer(state, terminal);
        return message ? [message] : [];
      },
      onStop: () => {
        unregister();
        source.close();
        if (joined && joined.size === 0 && this.parents.get(joined.parent.key) === joined)
          this.parents.delete(joined.parent.key);
      },
    });
    return poller;
  }

  private startedPoller(topic: string, parent: StartedParent): Poller {
    return new Poller({
      topic,
      label: 'STARTED',
      operation: startedOperation(parent),
      intervalMs: this.options.intervalsMs.STARTED,
      env: this.env,
      poll: createStartedSource({
        parent,
        readers: this.options.readers,
        call: this.call,
        ...(this.options.started ? { limits: this.options.started } : {}),
        onPoll: (pages, cut) => {
          this.stats.started.pages += pages;
          if (cut) this.stats.started.cut++;
        },
        onFirstCut: (pages) =>
          this.options.logger?.warn(
            { topic, pages },
            'a started watch read its page cap with pages left: executions or runs started beyond them are not announced',
          ),
      }),
      onStop: this.register(topic),
    });
  }
}

/** Prefix of the topic of one load (the rest is its `loadRefKey`). */
const LOAD_TOPIC = 'load:';

/**
 * A new hub with no pollers; pollers start with the first subscriber of a resource. Call `close` once on
 * shutdown: it stops every poller and ends every open subscription.
 */
export function createLiveHub(options: LiveHubOptions): LiveHub {
  return new Hub(options);
}
