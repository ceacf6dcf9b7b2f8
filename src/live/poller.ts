/**
 * One resource's poll loop: claims its turn from the coordinator, polls, publishes what changed, and
 * schedules the next poll once per interval (from the start of the last poll), backing off exponentially
 * (with jitter) on throttling and transient failures. What a poll does is the poll source's business
 * (see loadSource.ts, started.ts); the poller knows nothing of kinds. Internal to live/.
 */
import { codeOf, ErrorCode, upstreamError } from '../upstream/errors.js';
import type { LoadKind } from '../upstream/loadKinds.js';
import type { Coordinator } from './coordinator.js';
import type { LiveMessage, PubSub } from './pubsub.js';

/** Upstream polls by outcome: `unchanged`, `changed`, `throttled`, `failed`, `notFound`. */
export type PollOutcome = 'unchanged' | 'changed' | 'throttled' | 'failed' | 'notFound';

/** What every poller of a hub shares. */
export interface PollerEnv {
  readonly coordinator: Coordinator;
  readonly pubsub: PubSub;
  /** Listen to each topic on `pubsub` for states other replicas publish. */
  readonly adoptPublished: boolean;
  /** Each delay is the interval ± this share of it (0.1 = ±10%). */
  readonly jitterRatio: number;
  /** Ceiling of the exponential backoff, ms. */
  readonly maxBackoffMs: number;
  /** Failures lasting longer than this end the poll with the error, ms. */
  readonly failureToleranceMs: number;
  readonly random: () => number;
  count(outcome: PollOutcome): void;
  /** Told of each change a poll found, with the time since the previous poll (ms). */
  onChange?(label: LoadKind | 'STARTED', sincePreviousPollMs: number): void;
}

/**
 * What one poller polls and how: its topic, its label for metrics, its base interval (ms), the poll itself,
 * and what to do when it stops.
 */
export interface PollerOptions {
  readonly topic: string;
  /** What the poller watches, for metrics. */
  readonly label: LoadKind | 'STARTED';
  /** The AWS operation named in a poll's errors. */
  readonly operation: string;
  readonly intervalMs: number;
  /** One poll: the new state(s) to publish (empty when nothing changed), or a thrown upstream error. */
  readonly poll: (poller: Poller) => Promise<LiveMessage[]>;
  /**
   * The key of the list parent the topic is refreshed from, when known: each turn is claimed under it
   * (see `Coordinator.claim`). Absent or undefined: claimed alone.
   */
  readonly parent?: () => string | undefined;
  /** Called once when the poller stops. */
  readonly onStop: () => void;
  readonly env: PollerEnv;
}

/** Error codes a later call may not meet again: backed off and retried. */
export const TRANSIENT: ReadonlySet<string> = new Set<string>([
  ErrorCode.THROTTLED,
  ErrorCode.UPSTREAM_UNAVAILABLE,
  ErrorCode.UPSTREAM_TIMEOUT,
]);

/**
 * The poll loop of one topic (see the module). Reference-counted by the hub through `refs` (0 for a topic
 * polled only for other replicas' subscribers); `version` only grows, and `last` is what a new subscriber
 * gets at once (undefined before the first state).
 */
export class Poller {
  readonly topic: string;
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
  private isFinal = false;
  private unobserve: (() => void) | undefined;
  private readonly env: PollerEnv;

  constructor(private readonly options: PollerOptions) {
    this.topic = options.topic;
    this.env = options.env;
    this.delayMs = options.intervalMs;
  }

  /** The last known state is terminal or an error: nothing more to poll. */
  get final(): boolean {
    return this.isFinal;
  }

  start(): void {
    if (this.env.adoptPublished) this.unobserve = this.env.pubsub.subscribe(this.topic, (m) => this.adopt(m));
    this.schedule(0);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.unobserve?.();
    this.env.coordinator.release(this.topic);
    this.options.onStop();
  }

  /** Takes in a newer state published elsewhere (another replica's poll, or the stored last state). */
  adopt(message: LiveMessage): void {
    if (message.version <= this.version) return;
    this.version = message.version;
    if ('error' in message) this.isFinal = true;
    else {
      this.last = message;
      this.lastJson = JSON.stringify(message.state);
      if (message.terminal) this.isFinal = true;
    }
  }

  /** The message publishing `state`, if it differs from the last one. */
  offer(state: object, terminal: boolean): LiveMessage | undefined {
    const json = JSON.stringify(state);
    if (json === this.lastJson) return undefined;
    this.lastJson = json;
    this.last = { version: ++this.version, state, terminal };
    if (terminal) this.isFinal = true;
    return this.last;
  }

  /**
   * Publishes a state read elsewhere (a parent's list refresh) if it is new, between this poller's own
   * polls; stops after a terminal state. Ignored once stopped or final.
   */
  deliver(state: object, terminal: boolean): void {
    if (this.stopped || this.isFinal) return;
    const message = this.offer(state, terminal);
    if (!message) return;
    const now = performance.now();
    this.env.count('changed');
    if (this.lastPollAt !== undefined) this.env.onChange?.(this.options.label, now - this.lastPollAt);
    this.publish(message);
    if (terminal) this.stop();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    // Whole milliseconds: Node keeps a timer list per distinct duration.
    this.timer = setTimeout(() => void this.tick(), Math.max(0, Math.round(delayMs)));
  }

  private jittered(ms: number): number {
    return Math.max(1, Math.round(ms * (1 + (this.env.random() * 2 - 1) * this.env.jitterRatio)));
  }

  private async tick(): Promise<void> {
    const { coordinator } = this.env;
    const parent = this.options.parent?.();
    const turn = await coordinator.claim(
      this.topic,
      this.version,
      parent === undefined ? undefined : { key: parent, watched: this.refs > 0 },
    );
    // Stopped while claiming: give up what the claim may just have taken.
    if (this.stopped) return turn.poll ? coordinator.release(this.topic) : undefined;
    if (this.isFinal) return this.stop();
    if (!turn.poll) return this.schedule(this.jittered(this.options.intervalMs));
    if (turn.versionBase !== undefined) {
      this.version = Math.max(this.version, turn.versionBase);
      // A new holder publishes what it reads first even when this replica knew it already: what it knew
      // may have come from a poll of its own that never reached the others (Redis was away meanwhile).
      this.lastJson = undefined;
    }
    const pollStartedAt = performance.now();
    let messages: LiveMessage[];
    try {
      messages = await this.options.poll(this);
    } catch (err) {
      if (!this.stopped) this.failed(err);
      return;
    }
    if (this.stopped) return;
    this.failingSinceMs = undefined;
    this.delayMs = this.options.intervalMs;
    this.env.count(messages.length > 0 ? 'changed' : 'unchanged');
    if (messages.length > 0 && this.lastPollAt !== undefined)
      this.env.onChange?.(this.options.label, pollStartedAt - this.lastPollAt);
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
    const persistent = now - this.failingSinceMs > this.env.failureToleranceMs;
    if (TRANSIENT.has(code) && !persistent) {
      this.env.count(code === ErrorCode.THROTTLED ? 'throttled' : 'failed');
      this.delayMs = Math.min(this.env.maxBackoffMs, this.delayMs * 2);
      this.schedule(this.jittered(this.delayMs));
      return;
    }
    this.env.count(code === ErrorCode.NOT_FOUND ? 'notFound' : 'failed');
    const error = upstreamError(err, this.options.operation);
    this.isFinal = true;
    this.publish({
      version: ++this.version,
      error: { message: error.message, extensions: error.extensions },
    });
    this.stop();
  }

  private publish(message: LiveMessage): void {
    this.env.coordinator.publishResult(this.topic, message, this.options.label !== 'STARTED');
  }
}
