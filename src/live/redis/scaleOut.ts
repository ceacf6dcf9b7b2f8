/**
 * Scale-out over Redis: the live hub's pub/sub, coordinator and shared rate budget for replicas that
 * behave as one.
 *
 * - Changes fan out over Redis pub/sub, one channel per watched resource, subscribed while this replica
 *   has a subscriber of it.
 * - A lease per resource (`SET NX PX`, renewed every third of its TTL, released by compare-and-delete)
 *   makes exactly one replica its poller; a fence raised on each acquisition, checked with the lease in
 *   one script on every publish, makes a paused or stale holder's results vanish.
 * - The last state of each resource is kept in Redis with its version: new subscribers (and a replica
 *   taking over) get it at once, and after a reconnect every replica re-reads it for all its topics, so a
 *   notification lost while a connection was down (pub/sub is at-most-once) never loses a final state.
 * - Redis unreachable: nothing is queued (the client's offline queue is off, commands time out); up to
 *   `fallbackMaxPollers` loads are polled locally, publishing to this replica's subscribers only; the
 *   shared rate falls back to a local budget. When Redis returns, channels are re-subscribed, leases
 *   renewed or re-taken, states re-read, and what a holder published meanwhile is written again while it
 *   still holds the lease (a new holder publishes its first read in any case: see the hub).
 */
import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Coordinator, Turn } from '../coordinator.js';
import type { LiveMessage, PubSub, Unsubscribe } from '../pubsub.js';
import { SharedRateBudget } from './rateBudget.js';
import { ACQUIRE, RELEASE, RENEW, WRITE } from './scripts.js';

/** Delay before a failed re-read of a stored state is tried again, ms. */
const RETRY_MS = 500;

/**
 * Versions published under fence `f` are `f × VERSION_SPAN + n`: a new holder's are above all older ones.
 * Fences are at least Redis's clock in ms (about 2^41), so versions stay exact (below 2^53); a holder's
 * versions would reach a later holder's range only with more than 1,024 changes per millisecond held.
 */
export const VERSION_SPAN = 2 ** 10;

/** The scale-out settings (see config.ts), with the Redis URL required. */
export type RedisScaleOutOptions = Omit<Config['scaleOut'], 'redisUrl'> & {
  readonly url: string;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'debug'>;
};

export interface ScaleOutStats {
  /** Both Redis connections are ready. */
  readonly connected: boolean;
  /** Leases this replica holds. */
  readonly leasesHeld: number;
  /** Loads polled locally because Redis is unreachable. */
  readonly fallbackPollers: number;
}

type Handler = (message: LiveMessage) => void;

export class RedisScaleOut implements PubSub, Coordinator {
  private readonly cmd: Redis;
  private readonly sub: Redis;
  /** This replica's lease token. */
  private readonly token = randomUUID();
  private readonly handlers = new Map<string, Set<Handler>>();
  /** Topic → the SUBSCRIBE of its channel (resolves once Redis acknowledged it, or it failed). */
  private readonly subscribed = new Map<string, Promise<boolean>>();
  /** Topic → the fence of the lease held. */
  private readonly held = new Map<string, number>();
  private readonly fallback = new Set<string>();
  /**
   * Topic → the last result this replica published as its holder that Redis did not take (it was away,
   * or the write failed): delivered here only. Written again once Redis is back while the lease (the same
   * fence) is still held; else the next holder publishes the state itself.
   */
  private readonly unconfirmed = new Map<string, { message: LiveMessage; keep: boolean; fence: number }>();
  private readonly rate: SharedRateBudget;
  private readonly pending = new Set<Promise<unknown>>();
  private readonly renewTimer: NodeJS.Timeout;
  private connected = false;
  private everConnected = false;
  private warnedAtStart = false;
  private downSince = Date.now();
  private lastError = 'not connected yet';
  private closed = false;

  constructor(private readonly options: RedisScaleOutOptions) {
    const common: RedisOptions = {
      // Nothing piles up in memory while Redis is away: commands fail at once, or after the timeout.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs,
      connectTimeout: Math.max(options.commandTimeoutMs, 1_000),
      autoResubscribe: false,
      retryStrategy: (attempt) => Math.min(100 * attempt, 2_000),
    };
    this.cmd = new Redis(options.url, { ...common, connectionName: 'loadgraph' });
    this.sub = new Redis(options.url, { ...common, connectionName: 'loadgraph-sub' });
    for (const conn of [this.cmd, this.sub]) {
      conn.on('ready', () => void this.onReady());
      conn.on('close', () => this.onDown());
      conn.on('error', (err: Error) => {
        this.lastError = err.message || err.name;
        if (this.everConnected || this.warnedAtStart || this.closed) return;
        this.warnedAtStart = true;
        this.options.logger.warn(
          { error: this.lastError, fallbackMaxPollers: options.fallbackMaxPollers },
          'Redis is unreachable: polling locally until it can be reached',
        );
      });
    }
    this.sub.on('message', (channel: string, json: string) => {
      const topic = channel.slice(this.key('live').length);
      let message: LiveMessage;
      try {
        message = JSON.parse(json) as LiveMessage;
      } catch {
        return;
      }
      this.deliver(topic, message);
    });
    this.rate = new SharedRateBudget(this.cmd, {
      ratePerSecond: options.ratePerSecond,
      operationRates: options.operationRates,
      keyOf: (operation) => this.key('rate', operation),
      reachable: () => this.connected,
      onError: (err) => this.noteError(err),
    });
    this.renewTimer = setInterval(() => void this.renewAll(), Math.max(10, options.leaseTtlMs / 3));
    this.renewTimer.unref();
  }

  get stats(): ScaleOutStats {
    return { connected: this.connected, leasesHeld: this.held.size, fallbackPollers: this.fallback.size };
  }

  /** What `/readyz` should report: empty while Redis is reachable. */
  problems(): string[] {
    if (this.connected) return [];
    const since = new Date(this.downSince).toISOString();
    return [
      `Redis is unreachable since ${since} (${this.lastError}): subscriptions fall back to local polling of up to ${this.options.fallbackMaxPollers} loads`,
    ];
  }

  // PubSub

  publish(topic: string, message: LiveMessage): void {
    if (!this.connected) return this.deliver(topic, message);
    this.track(
      this.cmd.publish(this.channel(topic), JSON.stringify(message)).catch((err: unknown) => {
        this.noteError(err);
        this.deliver(topic, message);
      }),
    );
  }

  subscribe(topic: string, onMessage: Handler): Unsubscribe {
    let set = this.handlers.get(topic);
    if (!set) {
      this.handlers.set(topic, (set = new Set()));
      this.subscribeChannels([topic]);
    }
    set.add(onMessage);
    return () => {
      set.delete(onMessage);
      if (set.size > 0 || this.handlers.get(topic) !== set) return;
      this.handlers.delete(topic);
      this.subscribed.delete(topic);
      if (this.connected) this.track(this.sub.unsubscribe(this.channel(topic)).catch(() => {}));
    };
  }

  // Coordinator

  async claim(topic: string, version: number): Promise<Turn> {
    if (this.closed) return { poll: false };
    if (!this.connected) return this.fallbackTurn(topic);
    this.fallback.delete(topic);
    if (this.held.has(topic)) return { poll: true };
    try {
      const [fence, stored] = (await this.cmd.eval(
        ACQUIRE,
        3,
        this.key('lease', topic),
        this.key('fence', topic),
        this.key('state', topic),
        this.token,
        this.options.leaseTtlMs,
        Math.floor(version / VERSION_SPAN),
        this.options.stateTtlMs,
        version,
      )) as [number, string | null];
      // A stored state newer than this replica has goes to its subscribers (and the poller) before the
      // poller decides; one it has already is not sent again every interval.
      if (stored) this.deliverJson(topic, stored);
      if (fence > 0) {
        this.held.set(topic, fence);
        return { poll: true, versionBase: fence * VERSION_SPAN };
      }
      return { poll: false };
    } catch (err) {
      this.noteError(err);
      return this.connected ? { poll: false } : this.fallbackTurn(topic);
    }
  }

  publishResult(topic: string, message: LiveMessage, keep: boolean): void {
    const fence = this.held.get(topic);
    // Not the holder: a poll of the local fallback, for this replica's subscribers only.
    if (fence === undefined) return this.deliver(topic, message);
    if (!this.connected) {
      this.deliver(topic, message);
      this.unconfirmed.set(topic, { message, keep, fence });
      return;
    }
    // A newer result supersedes one still waiting to be written again.
    this.unconfirmed.delete(topic);
    this.writeResult(topic, message, keep, fence);
  }

  /** The fenced write of a holder's result (stored and published in one script). */
  private writeResult(topic: string, message: LiveMessage, keep: boolean, fence: number): void {
    const json = JSON.stringify(message);
    const final = 'error' in message || message.terminal;
    const write = this.cmd.eval(
      WRITE,
      3,
      this.key('lease', topic),
      this.key('fence', topic),
      this.key('state', topic),
      this.token,
      fence,
      message.version,
      json,
      keep ? '1' : '0',
      this.options.stateTtlMs,
      this.channel(topic),
    ) as Promise<number>;
    this.track(
      write.then(
        (result) => {
          if (result === 1) return;
          // Fenced out (0): the current holder publishes. Or a newer version is stored (-1). A final state
          // is true whoever read it: keep it here.
          if (result === 0 && this.held.get(topic) === fence) this.held.delete(topic);
          this.options.logger.debug({ topic, result }, 'a stale poll result was not published');
          if (final) this.deliver(topic, message);
        },
        (err: unknown) => {
          this.noteError(err);
          this.deliver(topic, message);
          // Written again with the next renewal, unless a newer result has been published since.
          const newer = this.unconfirmed.get(topic);
          if (!newer || newer.message.version < message.version)
            this.unconfirmed.set(topic, { message, keep, fence });
        },
      ),
    );
  }

  /** Writes again the results Redis did not take, for the leases still held under the same fence. */
  private retryUnconfirmed(): void {
    for (const [topic, { message, keep, fence }] of [...this.unconfirmed]) {
      this.unconfirmed.delete(topic);
      if (this.held.get(topic) === fence && this.handlers.has(topic))
        this.writeResult(topic, message, keep, fence);
    }
  }

  async refresh(topic: string): Promise<void> {
    if (!(await this.subscribed.get(topic)) || !this.connected) return;
    try {
      const stored = await this.cmd.hget(this.key('state', topic), 'm');
      if (stored) this.deliverJson(topic, stored);
    } catch (err) {
      this.noteError(err);
      // Try again shortly while someone here still listens (a lost connection re-reads everything anyway).
      if (this.connected && this.handlers.has(topic)) {
        setTimeout(() => void this.refresh(topic), RETRY_MS).unref();
      }
    }
  }

  release(topic: string): void {
    this.fallback.delete(topic);
    this.unconfirmed.delete(topic);
    if (!this.held.delete(topic) || !this.connected) return;
    this.track(this.cmd.eval(RELEASE, 1, this.key('lease', topic), this.token).catch(() => {}));
  }

  /**
   * Resolves when a poll calling `operation` may start, within the rate shared by all replicas; within a
   * local budget of the same rate while Redis is unreachable. Never rejects.
   */
  take(operation: string): Promise<void> {
    return this.rate.take(operation);
  }

  /** Gives up every lease held (compare-and-delete) and closes both connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    clearInterval(this.renewTimer);
    for (const topic of [...this.held.keys()]) this.release(topic);
    this.closed = true;
    await Promise.allSettled([...this.pending]);
    this.rate.close();
    await Promise.allSettled(
      [this.cmd, this.sub].map((conn) =>
        conn.status === 'ready' ? conn.quit() : Promise.resolve(conn.disconnect()),
      ),
    );
  }

  private fallbackTurn(topic: string): Turn {
    if (this.fallback.has(topic)) return { poll: true };
    if (this.fallback.size >= this.options.fallbackMaxPollers) return { poll: false };
    this.fallback.add(topic);
    return { poll: true };
  }

  private subscribeChannels(topics: readonly string[]): void {
    if (topics.length === 0) return;
    const ack = this.connected
      ? this.sub.subscribe(...topics.map((t) => this.channel(t))).then(
          () => true,
          (err: unknown) => {
            // Whether Redis took it is unknown: start the pub/sub connection over, which re-subscribes
            // every channel and re-reads every state once it is back.
            this.noteError(err);
            this.options.logger.warn({ error: this.lastError }, 'a Redis SUBSCRIBE failed: reconnecting');
            this.sub.disconnect(true);
            return false;
          },
        )
      : Promise.resolve(false);
    for (const topic of topics) this.subscribed.set(topic, ack);
  }

  private async onReady(): Promise<void> {
    if (this.closed || this.connected) return;
    if (this.cmd.status !== 'ready' || this.sub.status !== 'ready') return;
    this.connected = true;
    const topics = [...this.handlers.keys()];
    if (this.everConnected) {
      this.options.logger.info(
        { topics: topics.length, downMs: Date.now() - this.downSince },
        'Redis is reachable again: re-subscribing, renewing leases and re-reading the last states',
      );
    } else {
      this.options.logger.info('connected to Redis: scale-out on');
    }
    this.everConnected = true;
    this.subscribeChannels(topics);
    await this.renewAll();
    await Promise.all(topics.map((topic) => this.refresh(topic)));
  }

  private onDown(): void {
    if (!this.connected) return;
    this.connected = false;
    this.downSince = Date.now();
    if (this.closed) return;
    this.options.logger.warn(
      { error: this.lastError, fallbackMaxPollers: this.options.fallbackMaxPollers },
      'Redis is unreachable: falling back to local polling until it returns',
    );
  }

  private async renewAll(): Promise<void> {
    if (!this.connected) return;
    if (this.held.size === 0) return this.unconfirmed.clear();
    // A lease on a topic nobody here listens to any more (its poller is gone) is given up, not renewed.
    for (const topic of [...this.held.keys()]) if (!this.handlers.has(topic)) this.release(topic);
    const entries = [...this.held.entries()];
    if (entries.length === 0) return;
    const pipeline = this.cmd.pipeline();
    for (const [topic] of entries) {
      pipeline.eval(
        RENEW,
        3,
        this.key('lease', topic),
        this.key('fence', topic),
        this.key('state', topic),
        this.token,
        this.options.leaseTtlMs,
        this.options.stateTtlMs,
      );
    }
    try {
      const results = (await pipeline.exec()) ?? [];
      results.forEach(([err, renewed], i) => {
        const [topic, fence] = entries[i]!;
        if (!err && renewed === 1) return;
        if (this.held.get(topic) === fence) this.held.delete(topic);
      });
    } catch (err) {
      this.noteError(err);
      return;
    }
    if (this.connected) this.retryUnconfirmed();
  }

  private deliverJson(topic: string, json: string): void {
    try {
      this.deliver(topic, JSON.parse(json) as LiveMessage);
    } catch {
      // A foreign value under our key: ignore it.
    }
  }

  private deliver(topic: string, message: LiveMessage): void {
    for (const handler of [...(this.handlers.get(topic) ?? [])]) handler(message);
  }

  private noteError(err: unknown): void {
    this.lastError = err instanceof Error ? err.message : String(err);
  }

  private track(promise: Promise<unknown>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }

  private key(kind: string, topic = ''): string {
    return `${this.options.keyPrefix}${kind}:${topic}`;
  }

  private channel(topic: string): string {
    return this.key('live', topic);
  }
}

/** Connects to Redis (in the background: the gateway starts, and falls back, while Redis is away). */
export function createRedisScaleOut(options: RedisScaleOutOptions): RedisScaleOut {
  return new RedisScaleOut(options);
}
