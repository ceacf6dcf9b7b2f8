/**
 * The poll source of one watched load, driven by the table of load kinds: each poll reads the load's
 * state through its kind's reader, or takes it from its parent's list refresh (parentRefresh.ts) once the
 * parent is known and shared by other watched loads. Every upstream call goes through `call`, which
 * draws from the poll budget. Internal to live/.
 */
import {
  kindOf,
  loadRefKey,
  type LoadKind,
  type LoadKindDescriptor,
  type LoadRef,
} from '../upstream/loadKinds.js';
import type { Readers } from '../upstream/readers.js';
import type { SharedReader } from '../upstream/reader.js';
import type { ParentRefresh } from './parentRefresh.js';
import type { ListParent } from '../upstream/loadKinds.js';

/** Runs one upstream call of `operation` once the poll budget allows it. */
export type BudgetedCall = <T>(operation: string, call: () => Promise<T>) => Promise<T>;

/**
 * What a load's poll source needs: the load, the readers, the budgeted way to call upstream, and its
 * parent's shared refresh (joined only once the parent is known).
 */
export interface LoadSourceOptions {
  readonly ref: LoadRef;
  readonly readers: Readers;
  readonly call: BudgetedCall;
  /** The refresh of `parent`, shared by the loads watched under it (joined by the caller's id). */
  readonly parentRefresh: (parent: ListParent) => ParentRefresh;
  /** Told each state a parent's refresh found for this load, between its own polls. */
  readonly onListed: (state: object, terminal: boolean) => void;
  /**
   * The load's last state known otherwise (published by another replica): before its first read, the
   * source joins the parent this state names, so a replica taking a parent over lists it at once.
   */
  readonly known?: () => object | undefined;
}

/** The poll source of one watched load, used by its poller. `close` once the poller stops. */
export interface LoadSource {
  /** Reads the load's state now: [state, terminal]. Rejects with the raw upstream error. */
  poll(): Promise<[state: object, terminal: boolean]>;
  /** Leaves the parent's refresh, if joined. */
  close(): void;
}

/**
 * The poll source of `ref`: polls read the load through its kind's reader, or are answered from its
 * parent's list refresh when that is cheaper (parentRefresh.ts). Every upstream call goes through `call`.
 */
export function createLoadSource({
  ref,
  readers,
  call,
  parentRefresh,
  onListed,
  known,
}: LoadSourceOptions): LoadSource {
  const d = kindOf(ref) as LoadKindDescriptor<LoadKind>;
  const id = loadRefKey(ref);
  const reader = readers[d.reader] as unknown as SharedReader<object, object>;
  let last: object | undefined;
  let lastPolledAt = -Infinity;
  let group: ParentRefresh | undefined;
  const joinParent = (state: object | undefined): void => {
    const parent = d.parentOf(ref.key, state as never);
    if (parent)
      (group = parentRefresh(parent)).join(id, (listed) => {
        const state = d.fromListed(listed, ref.key, last as never);
        last = state;
        onListed(state, d.isTerminal(state as never));
      });
  };
  return {
    async poll() {
      const now = performance.now();
      const previous = lastPolledAt;
      lastPolledAt = now;
      if (!group && last === undefined) {
        last = known?.();
        if (last) joinParent(last);
      }
      const listed = group ? await group.read(id, previous, now) : undefined;
      const state = listed
        ? d.fromListed(listed, ref.key, last as never)
        : await call(d.pollOperation, () => reader.read(ref.key, now));
      last = state;
      if (!group) joinParent(state);
      return [state, d.isTerminal(state as never)];
    },
    close() {
      group?.leave(id);
    },
  };
}
