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
 *   last one held at least {@link MIN_FOUND_PER_PAGE} members still missing, or missing members were
 *   found deeper last time (or have not been looked for yet), up to `maxPages`. AWS documents no order for
 *   these lists, so none is assumed: a member is looked for on every page read, wherever it is.
 * - A member not on the pages read is read on its own by the caller (its Get operation), so a load that
 *   fell off the list's reach is never missed.
 * - A list call refused for good (access denied to the list operation, a validation error) turns listing
 *   off for the parent: its members are read alone, as they were before anyone listed.
 * - Listing is chosen by its cost: when a refresh spent at least one call per member refreshed (pages plus
 *   the reads of members not found), listing does not pay and members are read alone for a while (a
 *   growing number of polls) before listing is tried again. With fewer than two members nobody lists.
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
  /** Page index the member was found on last time; -1: looked for and not found; undefined: not yet. */
  page: number | undefined;
  /** Told the member's state as soon as a refresh finds it. */
  readonly onListed: ((state: object) => void) | undefined;
}

type Outcome =
  | { readonly startedAt: number; readonly items: ReadonlyMap<string, object> }
  | { readonly startedAt: number; readonly error: unknown };

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
  private inFlight: Promise<Outcome> | undefined;
  /** Member polls left before listing is tried again (0: listing). */
  private restPolls = 0;
  private restRounds = 1;

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
    if (!this.members.has(id)) this.members.set(id, { page: undefined, onListed });
  }

  leave(id: string): void {
    this.members.delete(id);
  }

  /**
   * The member's state from the parent's list pages, or undefined when the caller should read it alone.
   * `lastPolledAt` is the member's previous poll (a `performance.now()` instant; -Infinity if none).
   * Rejects with the refresh's error.
   */
  async read(id: string, lastPolledAt: number): Promise<object | undefined> {
    if (!this.members.has(id) || this.members.size < 2) return undefined;
    let outcome = this.latest;
    if (!outcome || outcome.startedAt <= lastPolledAt) {
      if (this.restPolls > 0) {
        this.restPolls--;
        return undefined;
      }
      outcome = await this.refresh();
    }
    if ('error' in outcome) {
      if (TRANSIENT.has(codeOf(outcome.error))) throw outcome.error;
      this.restPolls = Infinity;
      return undefined;
    }
    return outcome.items.get(id);
  }

  private refresh(): Promise<Outcome> {
    this.inFlight ??= this.run().then((outcome) => {
      this.latest = outcome;
      this.inFlight = undefined;
      return outcome;
    });
    return this.inFlight;
  }

  private async run(): Promise<Outcome> {
    const startedAt = performance.now();
    const missing = new Set(this.members.keys());
    const items = new Map<string, object>();
    let pages = 0;
    let nextToken: string | undefined;
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
          if (member) member.page = pages;
          // At once, page by page: a long refresh does not hold back what its first pages found.
          member?.onListed?.(state);
          found++;
        }
        pages++;
        nextToken = page.nextToken;
        if (!nextToken || pages >= this.options.maxPages || missing.size === 0) break;
        if (found < MIN_FOUND_PER_PAGE && this.expectedDeeper(missing, pages) < MIN_FOUND_PER_PAGE) break;
      } while (nextToken);
    } catch (error) {
      return { startedAt, error };
    }
    for (const id of missing) {
      const member = this.members.get(id);
      if (member) member.page = -1;
    }
    this.options.onRefresh?.(pages, items.size, missing.size);
    this.adapt(pages, items.size, missing.size);
    return { startedAt, items };
  }

  /** Members still missing that are expected at page `index` or deeper. */
  private expectedDeeper(missing: ReadonlySet<string>, index: number): number {
    let n = 0;
    for (const id of missing) {
      const page = this.members.get(id)?.page;
      if (page === undefined || page >= index) n++;
    }
    return n;
  }

  /** Rests from listing when the refresh spent a call or more per member refreshed. */
  private adapt(pages: number, found: number, missing: number): void {
    const refreshed = found + missing;
    if (refreshed > 0 && (pages + missing) / refreshed >= 1) {
      this.restPolls = this.restRounds * this.members.size;
      this.restRounds = Math.min(MAX_REST_ROUNDS, this.restRounds * 2);
    } else this.restRounds = 1;
  }
}
