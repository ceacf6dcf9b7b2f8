/**
 * The seam between the live hub and whatever shares its work with other replicas. Before each poll the
 * hub asks whose turn it is; each result is published through the coordinator, which may refuse it (a
 * stale holder); the last state of a topic can be re-read. In one process (no Redis) this replica always
 * holds every lease and publishing is the local pub/sub: the single-process behaviour.
 *
 * Loads refreshed from a list parent (parentRefresh.ts) are claimed with that parent: the replica that
 * holds the parent's turn polls every load of it watched anywhere, so one replica lists the parent. The
 * coordinator tells the hub which topics of a parent it holds that other replicas watch
 * ({@link Coordinator.onMembers}); the hub polls those too, for them.
 */
import type { LiveMessage, PubSub } from './pubsub.js';

/** What a poller may do now. */
export interface Turn {
  /** true: this replica polls the topic now; false: another replica does (or the local fallback is full). */
  readonly poll: boolean;
  /**
   * Set when this replica has just taken the lease: versions it publishes from now on start above
   * `versionBase`, so they are newer than any earlier holder's.
   */
  readonly versionBase?: number;
}

/** The list parent of a load claimed under it (see {@link Coordinator.claim}). */
export interface ClaimParent {
  /** The parent's key (`ListParent.key`). */
  readonly key: string;
  /**
   * This replica has subscribers of the topic. false: it polls the topic only for other replicas' subscribers,
   * as the parent's holder (a topic {@link Coordinator.onMembers} named).
   */
  readonly watched: boolean;
}

/**
 * Whose turn it is to poll a topic, and the publishing of poll results, across replicas. The local
 * coordinator (one process) always grants the turn and publishes straight to the local pub/sub; the Redis
 * one shares leases and last states between replicas.
 */
export interface Coordinator {
  /**
   * Called before each poll of `topic`: takes or keeps the lease when nobody else holds it, and hands the
   * topic's stored last state, if any, to this replica's subscribers first (so a poller that learns the
   * load is already final need not call upstream). `version` is the newest version this replica has seen
   * for the topic. With a `parent` the turn goes to the replica holding the parent (taken when nobody
   * holds it), and a watched topic is made known to that replica. Versions stay monotonic per topic
   * whether it was claimed with or without a parent before. Never rejects.
   */
  claim(topic: string, version: number, parent?: ClaimParent): Promise<Turn>;
  /**
   * Publishes a poll's result to every subscriber of `topic` (on every replica), unless this replica no
   * longer holds the lease (or the parent it was claimed under) or a newer version was published; `keep`
   * stores it as the topic's last state.
   */
  publishResult(topic: string, message: LiveMessage, keep: boolean): void;
  /**
   * Re-reads the topic's stored last state and hands it to this replica's subscribers of the topic (who
   * drop it when they already have it). Call after subscribing. Never rejects.
   */
  refresh(topic: string): Promise<void>;
  /** The poller of `topic` stopped here: give its lease up. */
  release(topic: string): void;
  /**
   * Registers the hub's listener of the topics it should poll for other replicas: while this replica holds
   * a parent, `listener` is called with the topics watched under it on any replica (its own among them)
   * whenever that set changes, and with none once the parent is lost. One listener; never called in one
   * process.
   */
  onMembers(listener: (parent: string, topics: readonly string[]) => void): void;
}

/** One process alone: always the holder, nothing stored, publishing is `pubsub.publish`. */
export function createLocalCoordinator(pubsub: PubSub): Coordinator {
  return {
    claim: () => Promise.resolve({ poll: true }),
    publishResult: (topic, message) => pubsub.publish(topic, message),
    refresh: () => Promise.resolve(),
    release: () => {},
    onMembers: () => {},
  };
}
