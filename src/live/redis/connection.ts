/**
 * The two Redis connections of the scale-out (commands, and pub/sub) and their shared state: whether both
 * are up, since when they are down and why, the key layout, and the commands still in flight. Internal
 * to the scale-out (see scaleOut.ts).
 *
 * Nothing is queued while Redis is away: the client's offline queue is off and commands time out.
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';

/** What the connections need: the URL, the key prefix, timeouts, and where to log. */
export interface RedisConnectionOptions {
  readonly url: string;
  /** Prefix of every key and channel (REDIS_KEY_PREFIX). */
  readonly keyPrefix: string;
  readonly commandTimeoutMs: number;
  /** Said in the "unreachable" warnings (local polling takes over for up to this many loads). */
  readonly fallbackMaxPollers: number;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'debug'>;
}

/**
 * Connects in the background. `onReady` runs each time both connections are up again (first connect and
 * every reconnect), `onMessage` for each pub/sub message, with the channel and its raw payload.
 */
export class RedisConnection {
  /** Commands and scripts. */
  readonly cmd: Redis;
  /** Pub/sub subscriptions only. */
  readonly sub: Redis;
  /** Both connections are ready. */
  connected = false;
  /** Set by `close()`: nothing new starts. */
  closed = false;
  private everConnected = false;
  private warnedAtStart = false;
  private downSince = Date.now();
  private lastError = 'not connected yet';
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly options: RedisConnectionOptions,
    handlers: {
      readonly onReady: (reconnect: boolean) => Promise<void>;
      readonly onMessage: (channel: string, json: string) => void;
      /** How many topics this replica listens to (logged on reconnect). */
      readonly topicCount: () => number;
    },
  ) {
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
      conn.on('ready', () => void this.onReady(handlers));
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
    this.sub.on('message', handlers.onMessage);
  }

  /** What `/readyz` should report: empty while Redis is reachable. */
  problems(): string[] {
    if (this.connected) return [];
    const since = new Date(this.downSince).toISOString();
    return [
      `Redis is unreachable since ${since} (${this.lastError}): subscriptions fall back to local polling of up to ${this.options.fallbackMaxPollers} loads`,
    ];
  }

  /** Remembers the last error, for {@link problems} and the logs. */
  noteError(err: unknown): void {
    this.lastError = err instanceof Error ? err.message : String(err);
  }

  /** The last error seen. */
  get lastErrorMessage(): string {
    return this.lastError;
  }

  /** Keeps `promise` until it settles, so `close()` waits for it. */
  track(promise: Promise<unknown>): void {
    this.pending.add(promise);
    void promise.finally(() => this.pending.delete(promise));
  }

  /** The key of `kind` (`lease`, `fence`, `state`, `rate`, `live`) for `topic`, prefixed. */
  key(kind: string, topic = ''): string {
    return `${this.options.keyPrefix}${kind}:${topic}`;
  }

  /** The pub/sub channel of `topic`. */
  channel(topic: string): string {
    return this.key('live', topic);
  }

  /** The topic of a pub/sub channel (the inverse of {@link channel}). */
  topicOf(channel: string): string {
    return channel.slice(this.key('live').length);
  }

  /** Marks the connections closed (nothing new starts) and waits for the commands in flight. */
  async drain(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.pending]);
  }

  /** Closes both connections (QUIT when ready, else a disconnect). */
  async close(): Promise<void> {
    await Promise.allSettled(
      [this.cmd, this.sub].map((conn) =>
        conn.status === 'ready' ? conn.quit() : Promise.resolve(conn.disconnect()),
      ),
    );
  }

  private async onReady(handlers: {
    readonly onReady: (reconnect: boolean) => Promise<void>;
    readonly topicCount: () => number;
  }): Promise<void> {
    if (this.closed || this.connected) return;
    if (this.cmd.status !== 'ready' || this.sub.status !== 'ready') return;
    this.connected = true;
    const reconnect = this.everConnected;
    if (reconnect) {
      this.options.logger.info(
        { topics: handlers.topicCount(), downMs: Date.now() - this.downSince },
        'Redis is reachable again: re-subscribing, renewing leases and re-reading the last states',
      );
    } else {
      this.options.logger.info('connected to Redis: scale-out on');
    }
    this.everConnected = true;
    await handlers.onReady(reconnect);
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
}
