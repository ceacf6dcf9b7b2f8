/**
 * The coordination half of the scale-out: a lease per topic (`SET NX PX`, renewed every third of its TTL,
 * released by compare-and-delete) makes exactly one replica its poller; a fence raised on each
 * acquisition, checked with the lease in one script on every publish, makes a paused or stale holder's
 * results vanish. While Redis is unreachable, up to `fallbackMaxPollers` topics are polled locally, and
 * what a holder published meanwhile is written again when Redis returns while it still holds the lease.
 * Internal to the scale-out (see scaleOut.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Turn } from '../coordinator.js';
import type { LiveMessage } from '../pubsub.js';
import type { RedisChannels } from './channels.js';
import type { RedisConnection } from './connection.js';
import { ACQUIRE, RELEASE, RENEW, WRITE } from './scripts.js';

/**
 * Versions published under fence `f` are `f × VERSION_SPAN + n`: a new holder's are above all older ones.
 * Fences are at least Redis's clock in ms (about 2^41), so versions stay exact (below 2^53); a holder's
 * versions would reach a later holder's range only with more than 1,024 changes per millisecond held.
 */
export const VERSION_SPAN = 2 ** 10;

/** The lease timings and the local fallback bound. */
export interface RedisLeaseOptions {
  readonly leaseTtlMs: number;
  /** How long a topic's last state is kept in Redis. */
  readonly stateTtlMs: number;
  /** Most topics polled locally while Redis is unreachable. */
  readonly fallbackMaxPollers: number;
  readonly logger: { debug(obj: object, msg: string): void };
}

/** The leases this replica holds, and its fallback pollers while Redis is away. */
export class RedisLeases {
  /** Identifies this replica's leases. */
  private readonly token = randomUUID();
  /** Per topic held: its fence. */
  private readonly held = new Map<string, number>();
  private readonly fallback = new Set<string>();
  /**
   * Per topic: a holder's last result Redis has not confirmed (written while it was unreachable, or a
   * write that failed), written again with the next renewal under the same fence.
   */
  private readonly unconfirmed = new Map<string, { message: LiveMessage; keep: boolean; fence: number }>();
  private readonly renewTimer: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisConnection,
    private readonly channels: RedisChannels,
    private readonly options: RedisLeaseOptions,
  ) {
    this.renewTimer = setInterval(() => void this.renewAll(), Math.max(10, options.leaseTtlMs / 3));
    this.renewTimer.unref();
  }

  /** How many leases are held, and how many topics are polled locally. */
  get counts(): { readonly held: number; readonly fallback: number } {
    return { held: this.held.size, fallback: this.fallback.size };
  }

  /** See `Coordinator.claim`. */
  async claim(topic: string, version: number): Promise<Turn> {
    if (this.redis.closed) return { poll: false };
    if (!this.redis.connected) return this.fallbackTurn(topic);
    this.fallback.delete(topic);
    if (this.held.has(topic)) return { poll: true };
    try {
      const [fence, stored] = (await this.redis.cmd.eval(
        ACQUIRE,
        3,
        this.redis.key('lease', topic),
        this.redis.key('fence', topic),
        this.redis.key('state', topic),
        this.token,
        this.options.leaseTtlMs,
        Math.floor(version / VERSION_SPAN),
        this.options.stateTtlMs,
        version,
      )) as [number, string | null];
      // A stored state newer than this replica has goes to its subscribers (and the poller) before the
      // poller decides; one it has already is not sent again every interval.
      if (stored) this.channels.deliverJson(topic, stored);
      if (fence > 0) {
        this.held.set(topic, fence);
        return { poll: true, versionBase: fence * VERSION_SPAN };
      }
      return { poll: false };
    } catch (err) {
      this.redis.noteError(err);
      return this.redis.connected ? { poll: false } : this.fallbackTurn(topic);
    }
  }

  /** See `Coordinator.publishResult`. */
  publishResult(topic: string, message: LiveMessage, keep: boolean): void {
    const fence = this.held.get(topic);
    // Not the holder: a poll of the local fallback, for this replica's subscribers only.
    if (fence === undefined) return this.channels.deliver(topic, message);
    if (!this.redis.connected) {
      this.channels.deliver(topic, message);
      this.unconfirmed.set(topic, { message, keep, fence });
      return;
    }
    // A newer result supersedes one still waiting to be written again.
    this.unconfirmed.delete(topic);
    this.writeResult(topic, message, keep, fence);
  }

  /** See `Coordinator.release`: gives up the lease (compare-and-delete) or the fallback poller. */
  release(topic: string): void {
    this.fallback.delete(topic);
    this.unconfirmed.delete(topic);
    if (!this.held.delete(topic) || !this.redis.connected) return;
    this.redis.track(
      this.redis.cmd.eval(RELEASE, 1, this.redis.key('lease', topic), this.token).catch(() => {}),
    );
  }

  /** Stops renewing and releases every lease held. */
  releaseAll(): void {
    clearInterval(this.renewTimer);
    for (const topic of [...this.held.keys()]) this.release(topic);
  }

  /**
   * Renews every lease still wanted (one pipeline), forgets those lost, and writes again the results
   * Redis did not take. Runs every third of the TTL and on reconnect.
   */
  async renewAll(): Promise<void> {
    if (!this.redis.connected) return;
    if (this.held.size === 0) return this.unconfirmed.clear();
    // A lease on a topic nobody here listens to any more (its poller is gone) is given up, not renewed.
    for (const topic of [...this.held.keys()]) if (!this.channels.isListened(topic)) this.release(topic);
    const entries = [...this.held.entries()];
    if (entries.length === 0) return;
    const pipeline = this.redis.cmd.pipeline();
    for (const [topic] of entries) {
      pipeline.eval(
        RENEW,
        3,
        this.redis.key('lease', topic),
        this.redis.key('fence', topic),
        this.redis.key('state', topic),
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
      this.redis.noteError(err);
      return;
    }
    if (this.redis.connected) this.retryUnconfirmed();
  }

  /** The fenced write of a holder's result (stored and published in one script). */
  private writeResult(topic: string, message: LiveMessage, keep: boolean, fence: number): void {
    const json = JSON.stringify(message);
    const final = 'error' in message || message.terminal;
    const write = this.redis.cmd.eval(
      WRITE,
      3,
      this.redis.key('lease', topic),
      this.redis.key('fence', topic),
      this.redis.key('state', topic),
      this.token,
      fence,
      message.version,
      json,
      keep ? '1' : '0',
      this.options.stateTtlMs,
      this.redis.channel(topic),
    ) as Promise<number>;
    this.redis.track(
      write.then(
        (result) => {
          if (result === 1) return;
          // Fenced out (0): the current holder publishes. Or a newer version is stored (-1). A final state
          // is true whoever read it: keep it here.
          if (result === 0 && this.held.get(topic) === fence) this.held.delete(topic);
          this.options.logger.debug({ topic, result }, 'a stale poll result was not published');
          if (final) this.channels.deliver(topic, message);
        },
        (err: unknown) => {
          this.redis.noteError(err);
          this.channels.deliver(topic, message);
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
      if (this.held.get(topic) === fence && this.channels.isListened(topic))
        this.writeResult(topic, message, keep, fence);
    }
  }

  private fallbackTurn(topic: string): Turn {
    if (this.fallback.has(topic)) return { poll: true };
    if (this.fallback.size >= this.options.fallbackMaxPollers) return { poll: false };
    this.fallback.add(topic);
    return { poll: true };
  }
}
