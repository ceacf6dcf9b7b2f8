/**
 * Keeps the loads on screen current through the gateway's subscriptions, with no polling of the board's
 * own: one `loadsChanged` per batch of loads still running (it completes by itself once all of them are
 * terminal, and a load that starts later gets a batch of its own), plus one `flowExecutionsStarted` per
 * flow and one `dataSourceRunsStarted` per data source of the chosen instance and domain.
 */
import { subscribe, type ApiError } from './api';
import { BoardDataSourceRunsStarted, BoardFlowExecutionsStarted, BoardLoadsChanged } from './documents';
import { chunks, type Load } from './model';

/** The gateway's default `LOADS_MAX_IDS`: ids one `loadsChanged` may watch. */
const MAX_IDS_PER_SUBSCRIPTION = 100;

export interface LiveSink {
  upsert(load: Load): void;
  error(errors: readonly ApiError[]): void;
}

export class LiveLoads {
  /** Ids some open `loadsChanged` watches. */
  private readonly watched = new Set<string>();
  private readonly stops = new Set<() => void>();

  constructor(private readonly sink: LiveSink) {}

  /** Watches every running load among `loads` that no open subscription watches yet. */
  watch(loads: Iterable<Load>): void {
    const fresh: string[] = [];
    for (const load of loads) if (!load.terminal && !this.watched.has(load.id)) fresh.push(load.id);
    for (const ids of chunks(fresh, MAX_IDS_PER_SUBSCRIPTION)) {
      for (const id of ids) this.watched.add(id);
      this.track((done) =>
        subscribe(
          BoardLoadsChanged,
          { ids },
          {
            next: (data) => this.sink.upsert(data.loadsChanged),
            error: (errors) => {
              for (const id of ids) this.watched.delete(id);
              done();
              this.sink.error(errors);
            },
            complete: () => {
              for (const id of ids) this.watched.delete(id);
              done();
            },
          },
        ),
      );
    }
  }

  flowStarted(instanceId: string, flowName: string): void {
    this.track(() =>
      subscribe(
        BoardFlowExecutionsStarted,
        { instanceId, flowName },
        {
          next: (data) => this.started(data.flowExecutionsStarted),
          error: (errors) => this.sink.error(errors),
        },
      ),
    );
  }

  runsStarted(domainId: string, dataSourceId: string): void {
    this.track(() =>
      subscribe(
        BoardDataSourceRunsStarted,
        { domainId, dataSourceId },
        {
          next: (data) => this.started(data.dataSourceRunsStarted),
          error: (errors) => this.sink.error(errors),
        },
      ),
    );
  }

  close(): void {
    for (const stop of [...this.stops]) stop();
    this.stops.clear();
    this.watched.clear();
  }

  private started(load: Load): void {
    this.sink.upsert(load);
    this.watch([load]);
  }

  /** Keeps a subscription's stop function until it ends or the board closes. */
  private track(open: (done: () => void) => () => void): void {
    const handle: { stop?: () => void; ended: boolean } = { ended: false };
    const stop = open(() => {
      handle.ended = true;
      if (handle.stop) this.stops.delete(handle.stop);
    });
    if (handle.ended) return;
    handle.stop = stop;
    this.stops.add(stop);
  }
}
