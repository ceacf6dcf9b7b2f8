/**
 * The channel between pollers and subscribers. A poller publishes each change of a watched resource to
 * that resource's topic; every subscriber of the topic receives it. In memory here; the same interface
 * can be backed by Redis pub/sub to fan out across replicas.
 */

/** One change, as published. `version` grows by one per change of a topic; receivers drop anything older. */
export type LiveMessage =
  | { readonly version: number; readonly state: object; readonly terminal: boolean }
  | {
      readonly version: number;
      /** The GraphQL error ending the subscriptions: its message and extensions (code, AWS error name, ...). */
      readonly error: { readonly message: string; readonly extensions: Readonly<Record<string, unknown>> };
    };

/** Stops the delivery a `subscribe` started; calling it again does nothing. */
export type Unsubscribe = () => void;

/** Delivers live messages by topic: in this process (MemoryPubSub) or across replicas (the Redis pub/sub). */
export interface PubSub {
  publish(topic: string, message: LiveMessage): void;
  /** Calls `onMessage` for each message published to `topic` after this call, in publish order. */
  subscribe(topic: string, onMessage: (message: LiveMessage) => void): Unsubscribe;
}

/** The in-process pub/sub: synchronous delivery, in order, to every current subscriber. */
export class MemoryPubSub implements PubSub {
  private readonly topics = new Map<string, Set<(message: LiveMessage) => void>>();

  publish(topic: string, message: LiveMessage): void {
    for (const handler of [...(this.topics.get(topic) ?? [])]) handler(message);
  }

  subscribe(topic: string, onMessage: (message: LiveMessage) => void): Unsubscribe {
    let handlers = this.topics.get(topic);
    if (!handlers) this.topics.set(topic, (handlers = new Set()));
    handlers.add(onMessage);
    return () => {
      handlers.delete(onMessage);
      if (handlers.size === 0 && this.topics.get(topic) === handlers) this.topics.delete(topic);
    };
  }

  /** Topics with at least one subscriber (for tests and metrics). */
  get topicCount(): number {
    return this.topics.size;
  }
}
