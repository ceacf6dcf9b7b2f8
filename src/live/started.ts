/**
 * The poll source of a "started" watch: announces each execution or run that appears under a parent after
 * the watch began, exactly once, oldest first (by start time) within a poll. Internal to live/.
 *
 * AWS documents no order for these lists, so none is assumed:
 *
 * - Each poll reads the list's pages from the first, every page one budgeted call, until the last page,
 *   until what was read proves deeper pages hold nothing new (below), or `maxPages`.
 * - What is new is decided by the items' ids and start times, wherever they are on the pages. Everything
 *   the first poll reads was already there. Times are the upstream's own (an execution's `startTime`, a
 *   run's `createdAt`); the gateway's clock is never compared with them.
 * - The floor: an item that started more than `skewMs` before the newest start time read by an earlier
 *   poll is not new (it was there, beyond the pages read, or it took longer than `skewMs` to be listed).
 *   An item at or above the floor that the watch has not seen is new.
 * - Stopping early: when the items read so far in this poll are in newest-first order and the last of
 *   them is below the floor, an order that is newest first puts nothing new deeper. The order is
 *   detected again on every poll from the times read (never remembered), and only trusted when the
 *   chance that items in an order unrelated to time would look that ordered is below
 *   {@link ORDER_EVIDENCE_CHANCE}: about 13 distinct times, or more items when many share a time.
 * - Memory: the ids seen are kept only while at or above the floor (which rises with the newest start
 *   time read), so they are the items that started within `skewMs` of the newest one; `maxRemembered`
 *   caps them under a burst by raising the floor past the oldest.
 * - A poll that reaches `maxPages` with more pages left and no proof is "cut": a new item beyond the
 *   pages read is not announced (it is if a later poll reaches it, while it is above the floor).
 *   `onPoll` reports it, and `onFirstCut` is told once per watch.
 */
import { DATAZONE_PAGE, SUPPLY_CHAIN_PAGE } from '../upstream/loadKinds.js';
import type { Readers } from '../upstream/readers.js';
import type { BudgetedCall } from './loadSource.js';
import type { Poller } from './poller.js';
import type { LiveMessage } from './pubsub.js';

/** A parent whose new children a subscriber wants to hear about. */
export type StartedParent =
  | { readonly kind: 'FLOW_EXECUTIONS'; readonly instanceId: string; readonly flowName: string }
  | { readonly kind: 'DATA_SOURCE_RUNS'; readonly domainId: string; readonly dataSourceId: string };

/** The topic of a parent's started watch. */
export function startedTopic(parent: StartedParent): string {
  return parent.kind === 'FLOW_EXECUTIONS'
    ? `started:${parent.kind}/${parent.instanceId}/${parent.flowName}`
    : `started:${parent.kind}/${parent.domainId}/${parent.dataSourceId}`;
}

/** The list operation a started watch calls. */
export function startedOperation(
  parent: StartedParent,
): 'ListDataIntegrationFlowExecutions' | 'ListDataSourceRuns' {
  return parent.kind === 'FLOW_EXECUTIONS' ? 'ListDataIntegrationFlowExecutions' : 'ListDataSourceRuns';
}

/** How far a started watch reads and what it remembers. */
export interface StartedLimits {
  /** List pages read at most per poll (each one upstream call). */
  readonly maxPages: number;
  /** How much earlier than the newest start time seen a new item may have started (listing lag), ms. */
  readonly skewMs: number;
  /** Ids remembered at most. */
  readonly maxRemembered: number;
}

/** Defaults of {@link StartedLimits} (the config's defaults). */
export const STARTED_LIMITS: StartedLimits = { maxPages: 20, skewMs: 60_000, maxRemembered: 10_000 };

/** Everything a started watch needs; `limits` default to {@link STARTED_LIMITS}. */
export interface StartedSourceOptions {
  readonly parent: StartedParent;
  readonly readers: Readers;
  readonly call: BudgetedCall;
  readonly limits?: StartedLimits;
  /** Told after each successful poll: pages read, and whether `maxPages` cut a list that may hold new items. */
  readonly onPoll?: (pages: number, cut: boolean) => void;
  /** Told the first time a poll of this watch is cut, with the pages it read. */
  readonly onFirstCut?: (pages: number) => void;
}

/**
 * The chance below which a run of items in newest-first order is taken as the list's order rather than
 * a coincidence (see the module).
 */
export const ORDER_EVIDENCE_CHANCE = 1e-9;
const ORDER_EVIDENCE = -Math.log(ORDER_EVIDENCE_CHANCE);

/** A listed item: its id, start time (epoch ms, NaN if the upstream gave none), and its state. */
interface Item {
  readonly id: string;
  readonly timeMs: number;
  readonly state: object;
}

/**
 * Whether the items of one poll, pushed in list order, are newest first, and how unlikely that is by
 * chance: for n items in k runs of equal times, an order unrelated to time shows them sorted with
 * probability (b₁!·…·bₖ!)/n!; `evidence` is minus its logarithm.
 */
export class NewestFirstEvidence {
  private evidence = 0;
  private count = 0;
  private run = 0;
  private last = Infinity;
  private broken = false;

  push(timeMs: number): void {
    if (this.broken) return;
    if (!(timeMs <= this.last)) {
      this.broken = true;
      return;
    }
    this.count++;
    this.run = timeMs === this.last ? this.run + 1 : 1;
    this.evidence += Math.log(this.count / this.run);
    this.last = timeMs;
  }

  /** True when the items pushed prove that, in this order, nothing deeper started at or after `floorMs`. */
  provesNothingFrom(floorMs: number): boolean {
    return !this.broken && this.evidence >= ORDER_EVIDENCE && this.last < floorMs;
  }
}

/** One poll of the watch: the items new since the watch began, as messages (none on the first poll). */
export function createStartedSource({
  parent,
  readers,
  call,
  limits = STARTED_LIMITS,
  onPoll,
  onFirstCut,
}: StartedSourceOptions): (poller: Poller) => Promise<LiveMessage[]> {
  const { maxPages, skewMs, maxRemembered } = limits;
  const operation = startedOperation(parent);
  /** Ids seen, with their start times; undefined until the first poll. */
  let seen: Map<string, number> | undefined;
  let floorMs = -Infinity;
  let cutBefore = false;

  const page = async (nextToken: string | undefined) => {
    const now = performance.now();
    if (parent.kind === 'FLOW_EXECUTIONS') {
      const { instanceId, flowName } = parent;
      const page = await call(operation, () =>
        readers.flowExecutionsPage.read(
          { instanceId, flowName, maxResults: SUPPLY_CHAIN_PAGE, nextToken },
          now,
        ),
      );
      const items = page.items.map((x): Item => ({
        id: x.executionId!,
        timeMs: timeOf(x.startTime),
        state: x,
      }));
      return { items, nextToken: page.nextToken };
    }
    const { domainId, dataSourceId } = parent;
    const page = await call(operation, () =>
      readers.runsPage.read({ domainId, dataSourceId, maxResults: DATAZONE_PAGE, nextToken }, now),
    );
    const items = page.items.map((r): Item => ({
      id: r.id!,
      timeMs: timeOf(r.createdAt),
      state: { ...r, domainId },
    }));
    return { items, nextToken: page.nextToken };
  };

  return async (poller) => {
    const first = !seen;
    const read = new Map<string, Item>();
    const order = new NewestFirstEvidence();
    let newestMs = -Infinity;
    let pages = 0;
    let nextToken: string | undefined;
    let proven = false;
    do {
      const answer = await page(nextToken);
      pages++;
      for (const item of answer.items) {
        order.push(item.timeMs);
        if (item.timeMs > newestMs) newestMs = item.timeMs;
        if (!read.has(item.id)) read.set(item.id, item);
      }
      nextToken = answer.nextToken;
      // The first poll announces nothing: its floor is what it reads.
      proven = nextToken !== undefined && order.provesNothingFrom(first ? newestMs - skewMs : floorMs);
    } while (nextToken !== undefined && !proven && pages < maxPages);

    const known = seen ?? new Map<string, number>();
    const fresh = first
      ? []
      : [...read.values()]
          .filter((i) => !known.has(i.id) && !(i.timeMs < floorMs))
          .sort((a, b) => a.timeMs - b.timeMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    // An item without a start time counts as started with the newest one (0 before any).
    const untimedMs = Math.max(newestMs, floorMs, 0);
    for (const i of first ? read.values() : fresh)
      known.set(i.id, Number.isNaN(i.timeMs) ? untimedMs : i.timeMs);
    seen = known;
    floorMs = Math.max(floorMs, newestMs - skewMs);
    forget(known, floorMs);
    if (known.size > maxRemembered) floorMs = forgetOldest(known, maxRemembered);

    const cut = nextToken !== undefined && !proven;
    onPoll?.(pages, cut);
    if (cut && !cutBefore) {
      cutBefore = true;
      onFirstCut?.(pages);
    }
    return fresh.map((i) => ({ version: ++poller.version, state: i.state, terminal: false }));
  };
}

function timeOf(date: Date | undefined): number {
  return date ? date.getTime() : NaN;
}

/** Drops the ids below the floor: an unseen item there is not new either. */
function forget(known: Map<string, number>, floorMs: number): void {
  for (const [id, timeMs] of known) if (timeMs < floorMs) known.delete(id);
}

/** Keeps at most `max` ids, the newest, by raising the floor past the others; returns the new floor. */
function forgetOldest(known: Map<string, number>, max: number): number {
  const times = [...known.values()].sort((a, b) => b - a);
  let floorMs = times[max - 1]!;
  forget(known, floorMs);
  // Too many share the floor's time: raise it past them.
  if (known.size > max) forget(known, (floorMs += 1));
  return floorMs;
}
