/**
 * One load in full: every field AWS returns for it, and the resources it links to (the dataset and
 * instance of an event, the flow of an execution, the data source and per-asset activities of a run).
 */
import { useEffect, useState } from 'preact/hooks';
import { config, query, type ApiError } from './api';
import { BoardDetail } from './documents';
import type { BoardDetailQuery } from './gql/graphql';
import type { Load } from './model';

type Node = NonNullable<BoardDetailQuery['node']>;

const LINKS = new Set(['dataset', 'instance', 'flow', 'dataSource', 'activities']);

function Value({ value }: { value: unknown }) {
  if (value === null || value === undefined) return <span class="none">—</span>;
  if (Array.isArray(value)) {
    if (value.length === 0) return <span class="none">none</span>;
    return (
      <ol>
        {value.map((v, i) => (
          <li key={i}>
            <Value value={v} />
          </li>
        ))}
      </ol>
    );
  }
  if (typeof value === 'object') return <Fields value={value as Record<string, unknown>} />;
  return <span class="mono">{String(value)}</span>;
}

function Fields({ value }: { value: Record<string, unknown> }) {
  return (
    <dl>
      {Object.entries(value)
        .filter(([k]) => k !== '__typename')
        .map(([k, v]) => (
          <div key={k}>
            <dt>{k}</dt>
            <dd>
              <Value
                value={k === 'activities' && v && typeof v === 'object' ? (v as { nodes: unknown }).nodes : v}
              />
            </dd>
          </div>
        ))}
    </dl>
  );
}

/** A link to the IDE with this load's query, to take it further there. */
const ideLink = (id: string): string =>
  `${config.graphqlPath}?query=${encodeURIComponent(`query Load($id: ID!) {\n  node(id: $id) {\n    id\n    ... on Load { kind status upstreamStatus startedAt finishedAt message }\n  }\n}\n`)}&variables=${encodeURIComponent(JSON.stringify({ id }))}`;

export function Detail({ id, live, onClose }: { id: string; live: Load | undefined; onClose: () => void }) {
  const [node, setNode] = useState<Node | null | undefined>();
  const [errors, setErrors] = useState<readonly ApiError[]>([]);
  // Read again when the live status moves, so the AWS fields match the row.
  const version = live ? `${live.status}/${live.upstreamStatus ?? ''}/${live.finishedAt ?? ''}` : '';
  useEffect(() => {
    let cancelled = false;
    void query(BoardDetail, { id }).then(({ data, errors: errs }) => {
      if (cancelled) return;
      setNode(data?.node ?? null);
      setErrors(errs);
    });
    return () => {
      cancelled = true;
    };
  }, [id, version]);
  const own: Record<string, unknown> = {};
  const links: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node ?? {})) (LINKS.has(k) ? links : own)[k] = v;
  return (
    <aside class="detail" data-testid="detail" aria-label="Load detail">
      <header>
        <h2>{node?.__typename ?? 'Load'}</h2>
        <a href={ideLink(id)}>Open in the IDE</a>
        <button type="button" onClick={onClose} aria-label="Close">
          ×
        </button>
      </header>
      {errors.map((e, i) => (
        <p class="error" key={i}>
          {e.code ? <code>{e.code}</code> : null} {e.message}
        </p>
      ))}
      {node === undefined ? <p>Reading…</p> : <Fields value={own} />}
      {Object.entries(links).map(([k, v]) => (
        <section key={k}>
          <h3>{k}</h3>
          <Value value={k === 'activities' && v ? (v as { nodes: unknown }).nodes : v} />
        </section>
      ))}
    </aside>
  );
}
