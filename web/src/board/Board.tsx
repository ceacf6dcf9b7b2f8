/**
 * The live board of loads: choose an instance and a domain, see their events, flow executions and data
 * source runs (normalized and upstream status, start, finish, duration, failure message), filter them,
 * follow them live, and open one for every AWS field it has.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { config, onSubscriptionCount, query, resetConnection, type ApiError } from './api';
import { AuthBar } from './AuthBar';
import { Detail } from './Detail';
import { BoardDomain, BoardInstance, BoardRuns, BoardScopes } from './documents';
import type { BoardScopesQuery, LoadKind, LoadStatus } from './gql/graphql';
import { LiveLoads } from './live';
import {
  KINDS,
  STATUSES,
  byNewest,
  describe,
  durationMs,
  formatDuration,
  formatTime,
  matches,
  type Load,
} from './model';
import { Timeline } from './Timeline';

type Scopes = BoardScopesQuery;

const params = new URLSearchParams(location.search);

function useNow(active: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}

const toggle = <T,>(set: ReadonlySet<T>, value: T): Set<T> => {
  const next = new Set(set);
  if (!next.delete(value)) next.add(value);
  return next;
};

export function Board() {
  const [credentialsVersion, setCredentialsVersion] = useState(0);
  const [scopes, setScopes] = useState<Scopes | undefined>();
  const [instanceId, setInstanceId] = useState(params.get('instance') ?? '');
  const [domainId, setDomainId] = useState(params.get('domain') ?? '');
  const [loads, setLoads] = useState<ReadonlyMap<string, Load>>(new Map());
  const [dataSourceNames, setDataSourceNames] = useState<ReadonlyMap<string, string>>(new Map());
  const [errors, setErrors] = useState<readonly ApiError[]>([]);
  const [loading, setLoading] = useState(false);
  const [kinds, setKinds] = useState<ReadonlySet<LoadKind>>(new Set());
  const [statuses, setStatuses] = useState<ReadonlySet<LoadStatus>>(new Set());
  const [selected, setSelected] = useState<string | undefined>();
  const [subscriptions, setSubscriptions] = useState(0);
  const live = useRef<LiveLoads>();

  useEffect(() => onSubscriptionCount(setSubscriptions), []);

  const upsert = useCallback((load: Load) => {
    setLoads((current) => new Map(current).set(load.id, load));
  }, []);
  const addErrors = useCallback(
    (more: readonly ApiError[]) => setErrors((e) => [...e, ...more].slice(-5)),
    [],
  );

  // The instances and domains to choose from; the first of each when none is chosen yet.
  useEffect(() => {
    let cancelled = false;
    void query(BoardScopes, {}).then(({ data, errors: errs }) => {
      if (cancelled) return;
      setErrors(errs);
      if (!data) return;
      setScopes(data);
      setInstanceId((id) => id || data.instances.nodes[0]?.instanceId || '');
      setDomainId((id) => id || data.domains.nodes[0]?.id || '');
    });
    return () => {
      cancelled = true;
    };
  }, [credentialsVersion]);

  // The chosen scope in the address, so a reload or a shared link shows the same board.
  useEffect(() => {
    const url = new URL(location.href);
    if (instanceId) url.searchParams.set('instance', instanceId);
    if (domainId) url.searchParams.set('domain', domainId);
    history.replaceState(null, '', url);
  }, [instanceId, domainId]);

  // Reads the loads of the chosen instance and domain once, then follows them live.
  useEffect(() => {
    if (!instanceId && !domainId) return;
    let cancelled = false;
    const watcher = new LiveLoads({
      upsert: (load) => !cancelled && upsert(load),
      error: (errs) => !cancelled && addErrors(errs),
    });
    live.current = watcher;
    setLoads(new Map());
    setLoading(true);
    const reads: Promise<void>[] = [];
    const found: Load[] = [];
    const names = new Map<string, string>();
    if (instanceId) {
      reads.push(
        query(BoardInstance, { instanceId }).then(({ data, errors: errs }) => {
          if (errs.length) addErrors(errs);
          if (!data || cancelled) return;
          found.push(...data.dataIntegrationEvents.nodes);
          for (const flow of data.dataIntegrationFlows.nodes) {
            found.push(...flow.executions.nodes);
            watcher.flowStarted(instanceId, flow.name);
          }
        }),
      );
    }
    if (domainId) {
      reads.push(
        query(BoardDomain, { domainId }).then(async ({ data, errors: errs }) => {
          if (errs.length) addErrors(errs);
          if (!data?.domain || cancelled) return;
          const sources = data.domain.projects.nodes.flatMap((p) => p.dataSources.nodes);
          for (const source of sources) names.set(source.id, source.name);
          await Promise.all(
            sources.map(async (source) => {
              const runs = await query(BoardRuns, { domainId, dataSourceId: source.id });
              if (runs.errors.length) addErrors(runs.errors);
              if (cancelled) return;
              found.push(...(runs.data?.dataSourceRuns.nodes ?? []));
              watcher.runsStarted(domainId, source.id);
            }),
          );
        }),
      );
    }
    void Promise.all(reads).then(() => {
      if (cancelled) return;
      setLoading(false);
      setDataSourceNames(names);
      setLoads((current) => {
        const next = new Map(found.map((l) => [l.id, l] as const));
        for (const [id, load] of current) next.set(id, load); // a live change that came in first wins
        return next;
      });
      watcher.watch(found);
    });
    return () => {
      cancelled = true;
      watcher.close();
    };
  }, [instanceId, domainId, credentialsVersion, upsert, addErrors]);

  const all = useMemo(() => [...loads.values()].sort(byNewest), [loads]);
  const shown = useMemo(() => all.filter((l) => matches(l, { kinds, statuses })), [all, kinds, statuses]);
  const running = all.some((l) => !l.terminal);
  const now = useNow(running);
  const counts = useMemo(() => {
    const c = new Map<string, number>();
    for (const l of all) {
      c.set(l.kind, (c.get(l.kind) ?? 0) + 1);
      c.set(l.status, (c.get(l.status) ?? 0) + 1);
    }
    return c;
  }, [all]);

  const onCredentials = (): void => {
    resetConnection();
    setCredentialsVersion((v) => v + 1);
  };

  return (
    <div class="board">
      <header class="top">
        <h1>
          Loadgraph <span>loads</span>
        </h1>
        <nav>
          <a href={config.graphqlPath}>GraphQL IDE</a>
        </nav>
        <AuthBar authRequired={config.authRequired} onChange={onCredentials} />
      </header>

      <section class="scope">
        <label>
          Supply Chain instance
          <select
            data-testid="instance"
            value={instanceId}
            onChange={(e) => setInstanceId((e.target as HTMLSelectElement).value)}
          >
            <option value="">(none)</option>
            {scopes?.instances.nodes.map((i) => (
              <option key={i.instanceId} value={i.instanceId}>
                {i.instanceName ?? i.instanceId} · {i.state}
              </option>
            ))}
          </select>
        </label>
        <label>
          DataZone domain
          <select
            data-testid="domain"
            value={domainId}
            onChange={(e) => setDomainId((e.target as HTMLSelectElement).value)}
          >
            <option value="">(none)</option>
            {scopes?.domains.nodes.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name ?? d.id} · {d.status}
              </option>
            ))}
          </select>
        </label>
        <p class="live" title="Subscriptions this page holds open">
          <span class={subscriptions > 0 ? 'dot on' : 'dot'} /> live · {subscriptions} subscription
          {subscriptions === 1 ? '' : 's'}
          {loading ? ' · reading…' : ''}
        </p>
      </section>

      {errors.length > 0 && (
        <section class="errors" role="alert">
          {errors.map((e, i) => (
            <p key={i}>
              {e.code ? <code>{e.code}</code> : null} {e.message}
              {e.code === 'UNAUTHENTICATED' ? ' Enter an API key or token above.' : ''}
            </p>
          ))}
          <button type="button" onClick={() => setErrors([])}>
            Dismiss
          </button>
        </section>
      )}

      <section class="filters" aria-label="Filters">
        <div>
          {KINDS.map(({ kind, label }) => (
            <button
              type="button"
              key={kind}
              class={kinds.has(kind) ? 'chip on' : 'chip'}
              aria-pressed={kinds.has(kind)}
              onClick={() => setKinds(toggle(kinds, kind))}
            >
              {label} <b>{counts.get(kind) ?? 0}</b>
            </button>
          ))}
        </div>
        <div>
          {STATUSES.map((status) => (
            <button
              type="button"
              key={status}
              class={`chip status-${status}${statuses.has(status) ? ' on' : ''}`}
              aria-pressed={statuses.has(status)}
              onClick={() => setStatuses(toggle(statuses, status))}
            >
              {status.replace('_', ' ').toLowerCase()} <b>{counts.get(status) ?? 0}</b>
            </button>
          ))}
        </div>
      </section>

      <Timeline loads={shown} now={now} names={dataSourceNames} onSelect={setSelected} />

      <table class="loads" data-testid="loads">
        <thead>
          <tr>
            <th>Load</th>
            <th>Status</th>
            <th>Upstream status</th>
            <th>Started</th>
            <th>Finished</th>
            <th>Duration</th>
            <th>Message</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((load) => {
            const { title, detail } = describe(load, dataSourceNames);
            return (
              <tr
                key={load.id}
                data-id={load.id}
                data-status={load.status}
                class={`row status-${load.status}${selected === load.id ? ' selected' : ''}`}
                onClick={() => setSelected(load.id)}
              >
                <td>
                  <span class={`kind kind-${load.kind}`}>
                    {KINDS.find((k) => k.kind === load.kind)?.label}
                  </span>
                  <div class="title">{title}</div>
                  <div class="sub">{detail}</div>
                </td>
                <td>
                  <span class={`badge status-${load.status}`}>{load.status.replace('_', ' ')}</span>
                </td>
                <td class="mono">{load.upstreamStatus ?? '—'}</td>
                <td>{formatTime(load.startedAt)}</td>
                <td>{formatTime(load.finishedAt)}</td>
                <td class="num">{formatDuration(durationMs(load, now))}</td>
                <td class="message">{load.message ?? ''}</td>
              </tr>
            );
          })}
          {shown.length === 0 && (
            <tr>
              <td colSpan={7} class="empty">
                {loading ? 'Reading loads…' : 'No loads match.'}
              </td>
            </tr>
          )}
        </tbody>
      </table>

      {selected && <Detail id={selected} live={loads.get(selected)} onClose={() => setSelected(undefined)} />}
    </div>
  );
}
