/**
 * The coordination half of the scale-out: a lease per topic (`SET NX PX`, renewed every third of its TTL,
 * released by compare-and-delete) makes exactly one replica its poller; a fence raised on each
 * acquisition, checked with the lease in one script on every publish, makes a paused or stale holder's
 * results vanish. While Redis is unreachable, up to `fallbackMaxPollers` topics are polled locally, and
 * what a holder published meanwhile is written again when Redis returns while it still holds the lease.
 *
 * Loads with a list parent are leased by their parent: a topic claimed under a parent goes only to the
 * replica holding the parent's lease (taken and kept like a topic's), so one replica lists the parent.
 * Every replica records the topics of the parent its subscribers watch in a member set (entries expire
 * after a lease TTL, renewed with the leases); the parent's holder reads it when it grows (and with every
 * renewal) and tells the hub, which polls those topics too. The topic leases and fences stay as they were,
 * so versions stay monotonic per topic across holders, and a write under a parent also checks the
 * parent's lease: a holder that lost its parent publishes nothing more.
 * Internal to the scale-out (see scaleOut.ts).
 */
import { randomUUID } from 'node:crypto';
import type { ClaimParent, Turn } from '../coordinator.js';
import type { LiveMessage } from '../pubsub.js';
import type { RedisChannels } from './channels.js';
import type { RedisConnection } from './connection.js';
import {
  ACQUIRE,
  CLAIM_UNDER_PARENT,
  MEMBER_HEARTBEAT,
  RELEASE,
  RENEW,
  RENEW_PARENT,
  WRITE,
} from './scripts.js';

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

/** A topic lease held: its fence, and the parent it was taken under (whose lease writes also check). */
interface Held {
  readonly fence: number;
  readonly parent: string | undefined;
}

/** A parent lease held: the member-set generation last read, and the topics last told to the listener. */
interface HeldParent {
  gen: string;
  members: ReadonlySet<string>;
}

/** The leases this replica holds, and its fallback pollers while Redis is away. */
export class RedisLeases {
  /** Identifies this replica's leases. */
  private readonly token = randomUUID();
  /** Per topic held: its fence and parent. */
  private readonly held = new Map<string, Held>();
  private readonly fallback = new Set<string>();
  /** Per topic last claimed under a parent: the parent (a parent is kept while a topic here claims under it). */
  private readonly claimedUnder = new Map<string, string>();
  /** Per topic watched here under a parent: the parent (recorded in its member set with every renewal). */
  private readonly watching = new Map<string, string>();
  /** The parents whose lease this replica holds. */
  private readonly parents = new Map<string, HeldParent>();
  private listener: (parent: string, topics: readonly string[]) => void = () => {};
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

  /** How many topic and parent leases are held, and how many topics are polled locally. */
  get counts(): { readonly held: number; readonly parents: number; readonly fallback: number } {
    return { held: this.held.size, parents: this.parents.size, fallback: this.fallback.size };
  }

  /** See `Coordinator.onMembers`. */
  onMembers(listener: (parent: string, topics: readonly string[]) => void): void {
    this.listener = listener;
  }

  /** See `Coordinator.claim`. */
  async claim(topic: string, version: number, parent?: ClaimParent): Promise<Turn> {
    if (this.redis.closed) return { poll: false };
    if (parent) return this.claimUnder(topic, version, parent);
    this.forgetParent(topic);
    if (!this.redis.connected) return this.fallbackTurn(topic);
    this.fallback.delete(topic);
    const held = this.held.get(topic);
    if (held) {
      // Taken under a parent no longer claimed (its list was refused): the topic's own lease is enough.
      if (held.parent !== undefined) this.held.set(topic, { fence: held.fence, parent: undefined });
      return { poll: true };
    }
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
        this.held.set(topic, { fence, parent: undefined });
        return { poll: true, versionBase: fence * VERSION_SPAN };
      }
      return { poll: false };
    } catch (err) {
      this.redis.noteError(err);
      return this.redis.connected ? { poll: false } : this.fallbackTurn(topic);
    }
  }

  /**
   * A claim under a parent: one script asks for the parent and the topic together (every time, so a holder
   * also learns at once that it lost the parent, or that its member set grew).
   */
  private async claimUnder(topic: string, version: number, parent: ClaimParent): Promise<Turn> {
    const { key } = parent;
    this.claimedUnder.set(topic, key);
    if (parent.watched) this.watching.set(topic, key);
    else this.watching.delete(topic);
    // Without Redis a replica polls only what its own subscribers watch, not a parent's other loads.
    if (!this.redis.connected) return parent.watched ? this.fallbackTurn(topic) : { poll: false };
    this.fallback.delete(topic);
    try {
      const [fence, stored, parentHeld, gen, members] = (await this.redis.cmd.eval(
        CLAIM_UNDER_PARENT,
        6,
        this.redis.key('parent', key),
        this.redis.key('members', key),
        this.redis.key('members-gen', key),
        this.redis.key('lease', topic),
        this.redis.key('fence', topic),
        this.redis.key('state', topic),
        this.token,
        this.options.leaseTtlMs,
        Math.floor(version / VERSION_SPAN),
        this.options.stateTtlMs,
        version,
        topic,
        parent.watched ? '1' : '0',
        this.parents.get(key)?.gen ?? '',
      )) as [number, string | null, number, string, string[] | null];
      if (stored) this.channels.deliverJson(topic, stored);
      if (parentHeld !== 1) {
        this.dropParent(key);
        this.held.delete(topic);
        return { poll: false };
      }
      // Released meanwhile (the poller stopped while the script ran): give up what the script took.
      if (this.claimedUnder.get(topic) !== key) {
        if (fence > 0) this.releaseKey(this.redis.key('lease', topic));
        if (!this.parents.has(key) && !this.isClaimedUnder(key))
          this.releaseKey(this.redis.key('parent', key));
        return { poll: false };
      }
      let held = this.parents.get(key);
      if (!held) this.parents.set(key, (held = { gen: '', members: new Set() }));
      if (members) {
        held.gen = gen;
        this.tell(key, held, members);
      }
      if (fence === 0) {
        this.held.delete(topic);
        return { poll: false };
      }
      const before = this.held.get(topic);
      this.held.set(topic, { fence, parent: key });
      return before?.fence === fence ? { poll: true } : { poll: true, versionBase: fence * VERSION_SPAN };
    } catch (err) {
      this.redis.noteError(err);
      if (this.redis.connected || !parent.watched) return { poll: false };
      return this.fallbackTurn(topic);
    }
  }

  /** See `Coordinator.publishResult`. */
  publishResult(topic: string, message: LiveMessage, keep: boolean): void {
    const held = this.held.get(topic);
    // Not the holder: a poll of the local fallback, for this replica's subscribers only.
    if (held === undefined) return this.channels.deliver(topic, message);
    if (!this.redis.connected) {
      this.channels.deliver(topic, message);
      this.unconfirmed.set(topic, { message, keep, fence: held.fence });
      return;
    }
    // A newer result supersedes one still waiting to be written again.
    this.unconfirmed.delete(topic);
    this.writeResult(topic, message, keep, held);
  }

  /**
   * See `Coordinator.release`: gives up the lease (compare-and-delete) or the fallback poller, and the
   * parent's lease once no poller here claims under it. The topic stays in the parent's member set until
   * its entry expires (other replicas may watch it too).
   */
  release(topic: string): void {
    const parent = this.claimedUnder.get(topic);
    this.fallback.delete(topic);
    this.unconfirmed.delete(topic);
    this.forgetParent(topic);
    if (parent !== undefined && !this.isClaimedUnder(parent)) this.releaseParent(parent);
    if (this.held.delete(topic)) this.releaseKey(this.redis.key('lease', topic));
  }

  /** Stops renewing and releases every lease held. */
  releaseAll(): void {
    clearInterval(this.renewTimer);
    for (const topic of [...this.held.keys(), ...this.claimedUnder.keys()]) this.release(topic);
    for (const parent of [...this.parents.keys()]) this.releaseParent(parent);
  }

  /**
   * Renews every lease still wanted (one pipeline: the parents, with their member sets read, then this
   * replica's entries in the member sets, then the topics), forgets those lost, and writes again the
   * results Redis did not take. Runs every third of the TTL and on reconnect.
   */
  async renewAll(): Promise<void> {
    if (!this.redis.connected) return;
    // A lease on a topic nobody here listens to any more (its poller is gone) is given up, not renewed.
    for (const topic of [...this.held.keys()]) if (!this.channels.isListened(topic)) this.release(topic);
    // Nor is a parent no poller here claims under any more.
    for (const parent of [...this.parents.keys()])
      if (!this.isClaimedUnder(parent)) this.releaseParent(parent);
    if (this.held.size === 0) this.unconfirmed.clear();
    const parents = [...this.parents.keys()];
    const watching = [...this.watching.entries()];
    const entries = [...this.held.entries()];
    if (parents.length + watching.length + entries.length === 0) return;
    const pipeline = this.redis.cmd.pipeline();
    for (const parent of parents) {
      pipeline.eval(
        RENEW_PARENT,
        3,
        this.redis.key('parent', parent),
        this.redis.key('members', parent),
        this.redis.key('members-gen', parent),
        this.token,
        this.options.leaseTtlMs,
      );
    }
    for (const [topic, parent] of watching) {
      pipeline.eval(
        MEMBER_HEARTBEAT,
        2,
        this.redis.key('members', parent),
        this.redis.key('members-gen', parent),
        topic,
        this.options.leaseTtlMs,
        this.options.stateTtlMs,
      );
    }
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
      parents.forEach((parent, i) => {
        const [err, renewed] = results[i] ?? [new Error('no reply')];
        const held = this.parents.get(parent);
        if (!held) return;
        if (err) return;
        if (!renewed) return this.dropParent(parent);
        const [gen, members] = renewed as [string, string[]];
        held.gen = gen;
        this.tell(parent, held, members);
      });
      entries.forEach(([topic, { fence }], i) => {
        const [err, renewed] = results[parents.length + watching.length + i] ?? [new Error('no reply')];
        if (!err && renewed === 1) return;
        if (this.held.get(topic)?.fence === fence) this.held.delete(topic);
      });
    } catch (err) {
      this.redis.noteError(err);
      return;
    }
    if (this.redis.connected) this.retryUnconfirmed();
  }

  /**
   * The fenced write of a holder's result (stored and published in one script; under a parent, only while
   * its lease is held too).
   */
  private writeResult(topic: string, message: LiveMessage, keep: boolean, held: Held): void {
    const { fence, parent } = held;
    const json = JSON.stringify(message);
    const final = 'error' in message || message.terminal;
    const keys = [
      this.redis.key('lease', topic),
      this.redis.key('fence', topic),
      this.redis.key('state', topic),
    ];
    if (parent !== undefined) keys.push(this.redis.key('parent', parent));
    const write = this.redis.cmd.eval(
      WRITE,
      keys.length,
      ...keys,
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
          if (result === 0 && this.held.get(topic)?.fence === fence) this.held.delete(topic);
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
      const held = this.held.get(topic);
      if (held?.fence === fence && this.channels.isListened(topic))
        this.writeResult(topic, message, keep, held);
    }
  }

  /** Tells the listener the parent's topics when they differ from what it was told last. */
  private tell(parent: string, held: HeldParent, members: readonly string[]): void {
    const next = new Set(members);
    if (next.size === held.members.size && members.every((m) => held.members.has(m))) return;
    held.members = next;
    this.listener(parent, members);
  }

  /** The topic no longer claims under a parent here. */
  private forgetParent(topic: string): void {
    this.claimedUnder.delete(topic);
    this.watching.delete(topic);
  }

  /** The parent's lease is gone (taken by another replica, or expired): so are the topics held under it. */
  private dropParent(parent: string): void {
    if (!this.parents.delete(parent)) return;
    for (const [topic, held] of [...this.held]) {
      if (held.parent !== parent) continue;
      this.held.delete(topic);
      this.unconfirmed.delete(topic);
      this.releaseKey(this.redis.key('lease', topic));
    }
    this.listener(parent, []);
  }

  /** Gives the parent's lease up: no poller here claims under it any more. */
  private releaseParent(parent: string): void {
    if (!this.parents.delete(parent)) return;
    this.releaseKey(this.redis.key('parent', parent));
    this.listener(parent, []);
  }

  /** Whether a poller here claims under `parent`. */
  private isClaimedUnder(parent: string): boolean {
    for (const p of this.claimedUnder.values()) if (p === parent) return true;
    return false;
  }

  /** Compare-and-delete of a lease key this replica holds (nothing while Redis is unreachable). */
  private releaseKey(key: string): void {
    if (!this.redis.connected) return;
    this.redis.track(this.redis.cmd.eval(RELEASE, 1, key, this.token).catch(() => {}));
  }

  private fallbackTurn(topic: string): Turn {
    if (this.fallback.has(topic)) return { poll: true };
    if (this.fallback.size >= this.options.fallbackMaxPollers) return { poll: false };
    this.fallback.add(topic);
    return { poll: true };
  }
}
