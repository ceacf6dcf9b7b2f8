/**
 * Polling siblings together. When several watched loads share a parent (the executions of one flow, the
 * runs of one data source), one call to the parent's list operation (its newest page) can refresh all of
 * them: a member's poll is then served from the latest list result if that result is newer than the
 * member's previous poll, and a list call is made only when none is. A member not on the newest page is
 * read on its own from then on. With fewer than two listable members, nobody lists: single reads are
 * cheaper. Internal to live/.
 */

interface Member {
  /** true: found on the newest page last time; false: not there (read it alone); undefined: not tried yet. */
  listed: boolean | undefined;
}

export class SiblingGroup {
  private readonly members = new Map<string, Member>();
  private latest: { startedAt: number; items: ReadonlyMap<string, object> } | undefined;
  private inFlight: Promise<ReadonlyMap<string, object>> | undefined;

  /** `list` reads the parent's newest page, keyed by member id. */
  constructor(private readonly list: () => Promise<ReadonlyMap<string, object>>) {}

  get size(): number {
    return this.members.size;
  }

  join(id: string): void {
    if (!this.members.has(id)) this.members.set(id, { listed: undefined });
  }

  leave(id: string): void {
    this.members.delete(id);
  }

  /**
   * The member's state from the parent's list, or undefined when the caller should read it alone.
   * `lastPolledAt` is the member's previous poll (a `performance.now()` instant; -Infinity if none).
   * Rejects with the list call's error.
   */
  async read(id: string, lastPolledAt: number): Promise<object | undefined> {
    const member = this.members.get(id);
    if (!member || member.listed === false) return undefined;
    const listable = [...this.members.values()].filter((m) => m.listed !== false).length;
    if (listable < 2) return undefined;
    const items =
      this.latest && this.latest.startedAt > lastPolledAt ? this.latest.items : await this.fetch();
    const state = items.get(id);
    member.listed = state !== undefined;
    return state;
  }

  private fetch(): Promise<ReadonlyMap<string, object>> {
    if (!this.inFlight) {
      const startedAt = performance.now();
      this.inFlight = this.list().then(
        (items) => {
          this.latest = { startedAt, items };
          this.inFlight = undefined;
          return items;
        },
        (err: unknown) => {
          this.inFlight = undefined;
          throw err;
        },
      );
    }
    return this.inFlight;
  }
}
