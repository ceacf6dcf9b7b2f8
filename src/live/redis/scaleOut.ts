/**
 * Scale-out over Redis: the live hub's pub/sub, coordinator and shared rate budget for replicas that
 * behave as one.
 *
 * - Changes fan out over Redis pub/sub, one channel per watched resource, subscribed while this replica
 *   has a subscriber of it.
 * - A lease per resource (`SET NX PX`, renewed every third of its TTL, released by compare-and-delete)
 *   makes exactly one replica its poller; a fence raised on each acquisition, checked with the lease in
 *   one script on every publish, makes a paused or stale holder's results vanish.
 * - Loads refreshed from a list parent are leased by the parent: the replica holding the parent's lease
 *   takes the leases of all its loads watched on any replica (a member set per parent in Redis), so one
 *   replica lists each parent; the others take in its results over the channels.
 * - The last state of each resource is kept in Redis with its version: new subscribers (and a replica
 *   taking over) get it at once, and after a reconnect every replica re-reads it for all its topics, so a
 *   notification lost while a connection was down (pub/sub is at-most-once) never loses a final state.
 * - Redis unreachable: nothing is queued (the client's offline queue is off, commands time out); up to
 *   `fallbackMaxPollers` loads are polled locally, publishing to this replica's subscribers only; the
 *   shared rate falls back to a local budget. When Redis returns, channels are re-subscribed, leases
 *   renewed or re-taken, states re-read, and what a holder published meanwhile is written again while it
 *   still holds the lease (a new holder publishes its first read in any case: see the hub).
 */
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { ClaimParent, Coordinator, Turn } from '../coordinator.js';
import type { LiveMessage, PubSub, Unsubscribe } from '../pubsub.js';
import { RedisChannels } from './channels.js';
import { RedisConnection } from './connection.js';
import { RedisLeases } from './leases.js';
import { SharedRateBudget } from './rateBudget.js';

export { VERSION_SPAN } from './leases.js';

/** The scale-out settings (see config.ts), with the Redis URL required. */
export type RedisScaleOutOptions = Omit<Config['scaleOut'], 'redisUrl'> & {
  readonly url: string;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'debug'>;
};

/** The scale-out's state for metrics: connection, leases held, local fallback pollers. */
export interface ScaleOutStats {
  /** Both Redis connections are ready. */
  readonly connected: boolean;
  /** Topic leases this replica holds (the loads it polls for every replica). */
  readonly leasesHeld: number;
  /** Parent leases this replica holds (the parents it lists for every replica). */
  readonly parentLeasesHeld: number;
  /** Loads polled locally because Redis is unreachable. */
  readonly fallbackPollers: number;
}

/**
 * The scale-out: the live hub's {@link PubSub} (channels.ts) and {@link Coordinator} (leases.ts) over one
 * pair of Redis connections (connection.ts), plus the shared rate budget (rateBudget.ts).
 */
export class RedisScaleOut implements PubSub, Coordinator {
  private readonly redis: RedisConnection;
  private readonly channels: RedisChannels;
  private readonly leases: RedisLeases;
  private readonly rate: SharedRateBudget;

  constructor(options: RedisScaleOutOptions) {
    this.redis = new RedisConnection(options, {
      onReady: async () => {
        const topics = this.channels.topics();
        this.channels.subscribeChannels(topics);
        await this.leases.renewAll();
        await Promise.all(topics.map((topic) => this.channels.refresh(topic)));
      },
      onMessage: (channel, json) => this.channels.onMessage(channel, json),
      topicCount: () => this.channels.topics().length,
    });
    this.channels = new RedisChannels(this.redis, options.logger);
    this.leases = new RedisLeases(this.redis, this.channels, options);
    this.rate = new SharedRateBudget(this.redis.cmd, {
      ratePerSecond: options.ratePerSecond,
      operationRates: options.operationRates,
      keyOf: (operation) => this.redis.key('rate', operation),
      reachable: () => this.redis.connected,
      onError: (err) => this.redis.noteError(err),
    });
  }

  get stats(): ScaleOutStats {
    const { held, parents, fallback } = this.leases.counts;
    return {
      connected: this.redis.connected,
      leasesHeld: held,
      parentLeasesHeld: parents,
      fallbackPollers: fallback,
    };
  }

  /** What `/readyz` should report: empty while Redis is reachable. */
  problems(): string[] {
    return this.redis.problems();
  }

  // PubSub

  publish(topic: string, message: LiveMessage): void {
    this.channels.publish(topic, message);
  }

  subscribe(topic: string, onMessage: (message: LiveMessage) => void): Unsubscribe {
    return this.channels.subscribe(topic, onMessage);
  }

  // Coordinator

  claim(topic: string, version: number, parent?: ClaimParent): Promise<Turn> {
    return this.leases.claim(topic, version, parent);
  }

  publishResult(topic: string, message: LiveMessage, keep: boolean): void {
    this.leases.publishResult(topic, message, keep);
  }

  refresh(topic: string): Promise<void> {
    return this.channels.refresh(topic);
  }

  release(topic: string): void {
    this.leases.release(topic);
  }

  onMembers(listener: (parent: string, topics: readonly string[]) => void): void {
    this.leases.onMembers(listener);
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
    if (this.redis.closed) return;
    this.leases.releaseAll();
    await this.redis.drain();
    this.rate.close();
    await this.redis.close();
  }
}

/** Connects to Redis (in the background: the gateway starts, and falls back, while Redis is away). */
export function createRedisScaleOut(options: RedisScaleOutOptions): RedisScaleOut {
  return new RedisScaleOut(options);
}
