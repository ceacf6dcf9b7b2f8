/**
 * The pub/sub half of the scale-out: one Redis channel per watched topic, subscribed while this replica
 * has a subscriber of it, and the last state of each topic re-read on demand (`refresh`) and after every
 * reconnect. While Redis is unreachable, publishing reaches this replica's subscribers only. Internal to
 * the scale-out (see scaleOut.ts).
 */
import type { LiveMessage, PubSub, Unsubscribe } from '../pubsub.js';
import type { RedisConnection } from './connection.js';

/** Delay before a failed re-read of a stored state is tried again, ms. */
const RETRY_MS = 500;

type Handler = (message: LiveMessage) => void;

/** The {@link PubSub} over Redis channels, with local delivery to this replica's handlers. */
export class RedisChannels implements PubSub {
  private readonly handlers = new Map<string, Set<Handler>>();
  /** Per topic: resolves true once Redis has confirmed the SUBSCRIBE (false: not subscribed). */
  private readonly subscribed = new Map<string, Promise<boolean>>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly logger: { warn(obj: object, msg: string): void },
  ) {}

  /** The topics this replica has subscribers of. */
  topics(): string[] {
    return [...this.handlers.keys()];
  }

  /** Whether this replica has a subscriber of `topic`. */
  isListened(topic: string): boolean {
    return this.handlers.has(topic);
  }

  publish(topic: string, message: LiveMessage): void {
    if (!this.redis.connected) return this.deliver(topic, message);
    this.redis.track(
      this.redis.cmd.publish(this.redis.channel(topic), JSON.stringify(message)).catch((err: unknown) => {
        this.redis.noteError(err);
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
      if (this.redis.connected)
        this.redis.track(this.redis.sub.unsubscribe(this.redis.channel(topic)).catch(() => {}));
    };
  }

  /** Delivers the stored last state of `topic` to this replica's subscribers, once its channel is subscribed. */
  async refresh(topic: string): Promise<void> {
    if (!(await this.subscribed.get(topic)) || !this.redis.connected) return;
    try {
      const stored = await this.redis.cmd.hget(this.redis.key('state', topic), 'm');
      if (stored) this.deliverJson(topic, stored);
    } catch (err) {
      this.redis.noteError(err);
      // Try again shortly while someone here still listens (a lost connection re-reads everything anyway).
      if (this.redis.connected && this.handlers.has(topic)) {
        setTimeout(() => void this.refresh(topic), RETRY_MS).unref();
      }
    }
  }

  /** Subscribes the channels of `topics` (every topic after a reconnect). */
  subscribeChannels(topics: readonly string[]): void {
    if (topics.length === 0) return;
    const ack = this.redis.connected
      ? this.redis.sub.subscribe(...topics.map((t) => this.redis.channel(t))).then(
          () => true,
          (err: unknown) => {
            // Whether Redis took it is unknown: start the pub/sub connection over, which re-subscribes
            // every channel and re-reads every state once it is back.
            this.redis.noteError(err);
            this.logger.warn(
              { error: this.redis.lastErrorMessage },
              'a Redis SUBSCRIBE failed: reconnecting',
            );
            this.redis.sub.disconnect(true);
            return false;
          },
        )
      : Promise.resolve(false);
    for (const topic of topics) this.subscribed.set(topic, ack);
  }

  /** A pub/sub message as Redis delivered it: parsed, then handed to the topic's subscribers here. */
  onMessage(channel: string, json: string): void {
    const topic = this.redis.topicOf(channel);
    let message: LiveMessage;
    try {
      message = JSON.parse(json) as LiveMessage;
    } catch {
      return;
    }
    this.deliver(topic, message);
  }

  /** Hands a stored state (raw JSON) to this replica's subscribers; a foreign value is ignored. */
  deliverJson(topic: string, json: string): void {
    try {
      this.deliver(topic, JSON.parse(json) as LiveMessage);
    } catch {
      // A foreign value under our key: ignore it.
    }
  }

  /** Hands `message` to this replica's subscribers of `topic`. */
  deliver(topic: string, message: LiveMessage): void {
    for (const handler of [...(this.handlers.get(topic) ?? [])]) handler(message);
  }
}
