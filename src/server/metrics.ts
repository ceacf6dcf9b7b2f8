/**
 * Prometheus metrics (prom-client), on a registry of this gateway's own (several gateways can run in one
 * process, e.g. in tests). Served at `/metrics`. Names and meanings are listed in the README.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { LiveStats } from '../live/hub.js';
import type { ScaleOutStats } from '../live/redis/scaleOut.js';
import type { UpstreamCall } from '../upstream/observe.js';
import type { JitStats } from './jit.js';
import type { Readers } from '../upstream/readers.js';
import { ErrorCode } from '../errors.js';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const MAX_OPERATION_NAMES = 200;

/** Where the gauges read their values at scrape time. */
export interface MetricsSources {
  readonly readers: Readers;
  readonly live: { readonly stats: LiveStats };
  readonly webSocketClients: () => number;
  /** Scale-out over Redis, when configured. */
  readonly scaleOut?: { readonly stats: ScaleOutStats };
  /** Compiled execution of hot queries, when on. */
  readonly jit?: { readonly stats: JitStats };
}

/** The Prometheus registry of the gateway and the counters and histograms every part reports to. */
export class Metrics {
  readonly registry = new Registry();
  private readonly operationNames = new Set<string>();

  readonly graphqlRequests = new Counter({
    name: 'loadgraph_graphql_requests_total',
    help: 'GraphQL operations over HTTP, by operation name, type and outcome (success, or the first error code)',
    labelNames: ['operation', 'type', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly graphqlDuration = new Histogram({
    name: 'loadgraph_graphql_request_duration_seconds',
    help: 'Time to answer a GraphQL operation over HTTP',
    labelNames: ['operation', 'type', 'outcome'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  readonly upstreamCalls = new Counter({
    name: 'loadgraph_upstream_calls_total',
    help: 'Upstream AWS calls (each counted once, whatever its attempts), by service, operation and outcome',
    labelNames: ['service', 'operation', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly upstreamDuration = new Histogram({
    name: 'loadgraph_upstream_call_duration_seconds',
    help: 'Latency of upstream AWS calls, retries included',
    labelNames: ['service', 'operation', 'outcome'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });
  readonly upstreamRetries = new Counter({
    name: 'loadgraph_upstream_retries_total',
    help: 'Extra attempts the AWS retry strategy made (throttling, 5xx, timeouts)',
    labelNames: ['service', 'operation'] as const,
    registers: [this.registry],
  });
  readonly unknownEnumValues = new Counter({
    name: 'loadgraph_upstream_unknown_enum_values_total',
    help: 'AWS enum values this gateway does not know, once per upstream object and operation serving one (as null, raw value in its *Raw field)',
    labelNames: ['enum', 'value'] as const,
    registers: [this.registry],
  });
  readonly upstreamThrottled = new Counter({
    name: 'loadgraph_upstream_throttled_total',
    help: 'Upstream calls that ended throttled after their retries',
    labelNames: ['service', 'operation'] as const,
    registers: [this.registry],
  });
  readonly loaderBatchSize = new Histogram({
    name: 'loadgraph_dataloader_batch_size',
    help: 'Keys per DataLoader batch, by loader',
    labelNames: ['loader'] as const,
    buckets: [1, 2, 5, 10, 20, 50, 100, 200],
    registers: [this.registry],
  });
  readonly pollLag = new Histogram({
    name: 'loadgraph_poll_lag_seconds',
    help: 'Upper bound of the time from an upstream change becoming observable to its push: time since the previous poll of that load',
    labelNames: ['kind'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
    registers: [this.registry],
  });

  constructor(sources: MetricsSources) {
    collectDefaultMetrics({ register: this.registry });
    const { readers, live } = sources;
    new Counter({
      name: 'loadgraph_cache_lookups_total',
      help: 'Cross-request cache lookups (terminal loads, definitions), by AWS operation and result (hit, miss)',
      labelNames: ['operation', 'result'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const reader of Object.values(readers)) {
          if (reader.stats.cacheHits)
            this.inc({ operation: reader.operation, result: 'hit' }, reader.stats.cacheHits);
          if (reader.stats.cacheMisses)
            this.inc({ operation: reader.operation, result: 'miss' }, reader.stats.cacheMisses);
        }
      },
    });
    new Counter({
      name: 'loadgraph_upstream_reads_coalesced_total',
      help: 'Reads that joined an identical upstream read already in flight instead of calling again',
      labelNames: ['operation'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const reader of Object.values(readers)) {
          if (reader.stats.coalesced) this.inc({ operation: reader.operation }, reader.stats.coalesced);
        }
      },
    });
    new Gauge({
      name: 'loadgraph_websocket_connections',
      help: 'Open graphql-ws connections',
      registers: [this.registry],
      collect() {
        this.set(sources.webSocketClients());
      },
    });
    new Gauge({
      name: 'loadgraph_subscriptions',
      help: 'Active subscriptions to watched loads (a loadsChanged counts once per load)',
      registers: [this.registry],
      collect() {
        this.set(live.stats.subscriptions);
      },
    });
    new Gauge({
      name: 'loadgraph_pollers',
      help: 'Pollers running (at most one per watched resource)',
      registers: [this.registry],
      collect() {
        this.set(live.stats.pollers);
      },
    });
    new Counter({
      name: 'loadgraph_polls_total',
      help: 'Polls of watched resources, by outcome (unchanged, changed, throttled, failed, notFound)',
      labelNames: ['outcome'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [outcome, n] of Object.entries(live.stats.polls)) if (n) this.inc({ outcome }, n);
      },
    });
    new Counter({
      name: 'loadgraph_list_refresh_total',
      help:
        'Parent list refreshes of watched loads: list pages read (pages), watched loads served from them (served), ' +
        'watched loads not on the pages read and so read on their own (missed)',
      labelNames: ['result'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [result, n] of Object.entries(live.stats.refreshes)) if (n) this.inc({ result }, n);
      },
    });
    new Counter({
      name: 'loadgraph_live_started_pages_total',
      help: 'List pages read by flowExecutionsStarted / dataSourceRunsStarted watches (one upstream call each)',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(live.stats.started.pages);
      },
    });
    new Counter({
      name: 'loadgraph_live_started_cut_total',
      help: 'Polls of started watches that reached LIVE_STARTED_MAX_PAGES with pages left that may hold new executions or runs',
      registers: [this.registry],
      collect() {
        this.reset();
        this.inc(live.stats.started.cut);
      },
    });
    const { jit } = sources;
    if (jit) {
      new Counter({
        name: 'loadgraph_graphql_jit_compilations_total',
        help: 'Query documents compiled for JIT execution, by outcome (compiled, refused: run by graphql-js)',
        labelNames: ['outcome'] as const,
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc({ outcome: 'compiled' }, jit.stats.compiled);
          this.inc({ outcome: 'refused' }, jit.stats.refused);
        },
      });
      new Counter({
        name: 'loadgraph_graphql_jit_executions_total',
        help: 'GraphQL operations executed by compiled code (the rest run on graphql-js)',
        registers: [this.registry],
        collect() {
          this.reset();
          this.inc(jit.stats.compiledRuns);
        },
      });
    }
    const { scaleOut } = sources;
    if (scaleOut) {
      new Gauge({
        name: 'loadgraph_redis_connected',
        help: '1 while both Redis connections (commands, pub/sub) are ready, else 0 (subscriptions fall back to local polling)',
        registers: [this.registry],
        collect() {
          this.set(scaleOut.stats.connected ? 1 : 0);
        },
      });
      new Gauge({
        name: 'loadgraph_live_leases_held',
        help: 'Leases this replica holds: the watched resources it polls for all replicas',
        registers: [this.registry],
        collect() {
          this.set(scaleOut.stats.leasesHeld);
        },
      });
      new Gauge({
        name: 'loadgraph_live_parent_leases_held',
        help: 'List-parent leases this replica holds: the parents it lists for all replicas',
        registers: [this.registry],
        collect() {
          this.set(scaleOut.stats.parentLeasesHeld);
        },
      });
      new Gauge({
        name: 'loadgraph_live_fallback_pollers',
        help: 'Watched resources this replica polls on its own because Redis is unreachable',
        registers: [this.registry],
        collect() {
          this.set(scaleOut.stats.fallbackPollers);
        },
      });
    }
  }

  /** A bounded label for a client-chosen operation name (cardinality is capped). */
  operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(name)) return 'invalid';
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_NAMES) return 'other';
    this.operationNames.add(name);
    return name;
  }

  observeUpstream(call: UpstreamCall): void {
    const labels = { service: call.service, operation: call.operation, outcome: call.outcome };
    this.upstreamCalls.inc(labels);
    this.upstreamDuration.observe(labels, call.durationMs / 1000);
    if (call.attempts > 1)
      this.upstreamRetries.inc({ service: call.service, operation: call.operation }, call.attempts - 1);
    if (call.outcome === ErrorCode.THROTTLED)
      this.upstreamThrottled.inc({ service: call.service, operation: call.operation });
  }
}
