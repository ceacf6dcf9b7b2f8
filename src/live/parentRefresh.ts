/**
 * Refreshing watched loads that share a parent (the events of one instance and type, the executions of
 * one flow, the runs of one data source) from the parent's list pages instead of one read each.
 *
 * - A refresh hands each member found its state as soon as its page arrives (so a change waits at most
 *   one refresh, not a refresh and then the member's own poll), and a member's poll is served from the latest refresh when
 *   that refresh started after the member's previous poll; otherwise it starts a refresh (one at a time per parent; members polling meanwhile
 *   join it). A failed refresh answers every member that polls before the next one with its error, so
 *   throttling backs the parent off as a whole instead of one list call per member.
 * - A refresh reads pages from the first while they pay for themselves: the next page is read while the
 *   last one held at least {@link MIN_FOUND_PER_PAGE} members still missing, or at least that many missing
 *   members may still be deeper, up to `maxPages`. A missing member may be deeper unless the last refresh
 *   that read the whole list (or up to `maxPages`) did not find it: where a member was last time proves
 *   nothing (pages shift as loads start), so a refresh that stopped early never rules a member out. AWS
 *   documents no order for these lists, so none is assumed: a member is looked for on every page read,
 *   wherever it is.
 * - A member not on the pages read is read on its own by the caller (its Get operation), so a load that
 *   fell off the list's reach is never missed.
 * - A list call refused for good (access denied to the list operation, a validation error) turns listing
 *   off for the parent: its members are read alone, as they were before anyone listed.
 * - Listing is chosen by its cost: when a refresh spent at least one call per member refreshed (pages plus
 *   the reads of members not found), listing does not pay and members are read alone for a while (a
 *   growing number of polls) before listing is tried again. The rest ends early once more members have
 *   joined than that refresh cost in calls: the same pages would then pay for themselves (a parent whose
 *   first refresh ran while its watchers were still subscribing does not rest through their arrival).
 *   With fewer than two members nobody lists.
 *
 * Internal to live/.
 */
import { codeOf } from '../upstream/errors.js';
import type { ListParent, ListedPage } from '../upstream/loadKinds.js';
import { TRANSIENT } from './poller.js';

/** A page is worth reading when it is expected to serve at least this many members (one call saved). */
export const MIN_FOUND_PER_PAGE = 2;
/** The longest rest from listing after it did not pay, in member polls per member. */
const MAX_REST_ROUNDS = 16;

interface Member {
  /**
   * Not found by the last refresh that read the whole list or up to the cap: not looked for deeper (it is
   * still served when a page read holds it). Cleared when a refresh finds it.
   */
  beyond: boolean;
  /** When it joined (`performance.now()`): refreshes started before it did not look for it. */
  readonly joinedAt: number;
  /** Told the member's state as soon as a refresh finds it. */
  readonly onListed: ((state: object) => void) | undefined;
}

/**
 * A refresh's result. `startedAt`: when it began reading; `polledFrom`: the start of the member poll that
 * asked for it (a little earlier), which is what members compare their last poll with.
 */
type Outcome = { readonly startedAt: number; polledFrom: number } & (
  { readonly items: ReadonlyMap<string, object> } | { readonly error: unknown }
);

/**
 * How a parent's list is read: the page function (through the poll budget), how deep to go, and an optional
 * report of each refresh.
 */
export interface ParentRefreshOptions {
  /** At most this many pages per refresh. */
  readonly maxPages: number;
  /** Reads one page (the first for undefined), within the poll budget. */
  readonly page: (nextToken: string | undefined, notBefore: number) => Promise<ListedPage>;
  /** Told of each refresh: pages read, members served from them, members left to read alone. */
  readonly onRefresh?: (pages: number, found: number, missing: number) => void;
}

/**
 * The shared list refresh of one parent (see the module): members join with their key and leave when their
 * poller stops. One refresh runs at a time; its failure is every member's failure until the next one.
 */
export class ParentRefresh {
  private readonly members = new Map<string, Member>();
  private latest: Outcome | undefined;
  private inFlight: { readonly startedAt: number; readonly outcome: Promise<Outcome> } | undefined;
  /** The refresh to start once the one in flight ends, for members it does not serve. */
  private next: Promise<Outcome> | undefined;
  /** Member polls left before listing is tried again (0: listing). */
  private restPolls = 0;
  private restRounds = 1;
  /** While resting: with more members than this, the last refresh's calls would have paid; rest ends. */
  private restUntilMembers = Infinity;

  constructor(
    readonly parent: ListParent,
    private readonly options: ParentRefreshOptions,
  ) {}

  get size(): number {
    return this.members.size;
  }

  /** Listing was refused for good (see the module): members are read alone. */
  get refused(): boolean {
    return this.restPolls === Infinity;
  }

  /** `onListed` is told the member's state as soon as a refresh finds it (before its own next poll). */
  join(id: string, onListed?: (state: object) => void): void {
    if (!this.members.has(id)) this.members.set(id, { beyond: false, joinedAt: performance.now(), onListed });
  }

  leave(id: string): void {
    this.members.delete(id);
  }

  /**
   * The member's state from the parent's list pages, or undefined when the caller should read it alone.
   * `lastPolledAt` is the start of the member's previous poll (a `performance.now()` instant; -Infinity if
   * none), `polledAt` the start of this one. Rejects with the refresh's error.
   */
  async read(id: string, lastPolledAt: number, polledAt = performance.now()): Promise<object | undefined> {
    const member = this.members.get(id);
    if (!member || this.members.size < 2) return undefined;
    let outcome = this.latest;
    // A refresh asked for by a poll that started before the member's last poll is stale for it (so the
    // member whose poll started a refresh starts the next one, an interval later: refreshes keep to the
    // interval however members' polls are spread); one that started before the member joined never looked
    // for it (a member joining while a refresh runs waits for the next one).
    if (!outcome || outcome.polledFrom <= lastPolledAt || outcome.startedAt < member.joinedAt) {
      if (this.restPolls > 0 && this.members.size > this.restUntilMembers) this.restPolls = 0;
      if (this.restPolls > 0) {
        this.restPolls--;
        return undefined;
      }
      outcome = await this.refresh(member.joinedAt, polledAt);
    }
    if ('error' in outcome) {
      if (TRANSIENT.has(codeOf(outcome.error))) throw outcome.error;
      this.restPolls = Infinity;
      this.restUntilMembers = Infinity;
      return undefined;
    }
    return outcome.items.get(id);
  }

  /**
   * The refresh in flight, if it started at `notBefore` or later; otherwise the next one, started once
   * the one in flight ends (one at a time; everyone waiting for a next one shares it).
   */
  private refresh(notBefore: number, polledAt: number): Promise<Outcome> {
    if (this.inFlight && this.inFlight.startedAt >= notBefore) return this.inFlight.outcome;
    if (this.inFlight) {
      this.next ??= this.inFlight.outcome.then(() => {
        this.next = undefined;
        return this.start(polledAt);
      });
      return this.next;
    }
    return this.start(polledAt);
  }

  private start(polledAt: number): Promise<Outcome> {
    const startedAt = performance.now();
    const outcome = this.run(startedAt, Math.min(polledAt, startedAt)).then((outcome) => {
      this.latest = outcome;
      this.inFlight = undefined;
      return outcome;
    });
    this.inFlight = { startedAt, outcome };
    return outcome;
  }

  private async run(startedAt: number, polledFrom: number): Promise<Outcome> {
    const missing = new Set(this.members.keys());
    const items = new Map<string, object>();
    let pages = 0;
    let nextToken: string | undefined;
    /** The refresh read the whole list, or up to the cap: what it did not find is beyond reach. */
    let reachEnd = false;
    try {
      do {
        const page = await this.options.page(nextToken, startedAt);
        let found = 0;
        for (const id of missing) {
          const state = page.items.get(id);
          if (!state) continue;
          items.set(id, state);
          missing.delete(id);
          const member = this.members.get(id);
          if (member) member.beyond = false;
          // At once, page by page: a long refresh does not hold back what its first pages found.
          member?.onListed?.(state);
          found++;
        }
        pages++;
        nextToken = page.nextToken;
        if (!nextToken || pages >= this.options.maxPages) {
          reachEnd = true;
          break;
        }
        if (missing.size === 0) break;
        if (found < MIN_FOUND_PER_PAGE && this.mayBeDeeper(missing) < MIN_FOUND_PER_PAGE) break;
      } while (nextToken);
    } catch (error) {
      return { startedAt, polledFrom, error };
    }
    if (reachEnd)
      for (const id of missing) {
        const member = this.members.get(id);
        if (member) member.beyond = true;
      }
    this.options.onRefresh?.(pages, items.size, missing.size);
    this.adapt(pages, items.size, missing.size);
    return { startedAt, polledFrom, items };
  }

  /** Members still missing that may be on a page not read yet (not known to be beyond reach). */
  private mayBeDeeper(missing: ReadonlySet<string>): number {
    let n = 0;
    for (const id of missing) if (this.members.get(id)?.beyond === false) n++;
    return n;
  }

  /** Rests from listing when the refresh spent a call or more per member refreshed. */
  private adapt(pages: number, found: number, missing: number): void {
    const refreshed = found + missing;
    if (refreshed > 0 && (pages + missing) / refreshed >= 1) {
      this.restPolls = this.restRounds * this.members.size;
      this.restRounds = Math.min(MAX_REST_ROUNDS, this.restRounds * 2);
      this.restUntilMembers = pages + missing;
    } else this.restRounds = 1;
  }
}
