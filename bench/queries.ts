/**
 * The query every benchmark sends, and the loads it asks for: terminal loads of all three kinds, found
 * with list queries against a running gateway. Internal to the benchmarks.
 */
import { isDeepStrictEqual } from 'node:util';

/** `loads(ids:)` with every `Load` field and one link per kind (`dataset`, `flow`, `dataSource`). */
export const LOADS_QUERY = `query Loads($ids: [ID!]!) {
  loads(ids: $ids) {
    __typename
    id
    kind
    status
    upstreamStatus
    terminal
    startedAt
    finishedAt
    message
    ... on DataIntegrationEvent { eventType dataset { namespace name } }
    ... on FlowExecution { flowName executionStatus flow { name } }
    ... on DataSourceRun { runStatus runStatisticsForAssets { added updated failed } dataSource { name } }
  }
}`;

/** The same without the links: with terminal loads cached, nothing to read upstream. */
export const LOADS_WITHOUT_LINKS_QUERY = `query Loads($ids: [ID!]!) {
  loads(ids: $ids) {
    __typename
    id
    kind
    status
    upstreamStatus
    terminal
    startedAt
    finishedAt
    message
    ... on DataIntegrationEvent { eventType }
    ... on FlowExecution { flowName executionStatus }
    ... on DataSourceRun { runStatus runStatisticsForAssets { added updated failed } }
  }
}`;

/** The AWS operations that read a load, and those that read what a load links to. */
export const LOAD_OPERATIONS = [
  'GetDataIntegrationEvent',
  'GetDataIntegrationFlowExecution',
  'GetDataSourceRun',
] as const;
export const LINK_OPERATIONS = ['GetDataLakeDataset', 'GetDataIntegrationFlow', 'GetDataSource'] as const;

export interface GraphQLReply {
  readonly data?: any;
  readonly errors?: readonly { readonly message: string }[];
}

/** The JSON body of a GraphQL POST. */
export const requestBody = (query: string, variables: Record<string, unknown> = {}): string =>
  JSON.stringify({ query, variables });

/** POSTs an operation; throws on a non-2xx status or any GraphQL error, naming them. */
export async function postGraphQL(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: requestBody(query, variables),
  });
  const reply = (await res.json()) as GraphQLReply;
  if (!res.ok || reply.errors?.length) {
    throw new Error(
      `GraphQL request to ${url} failed (${res.status}): ${JSON.stringify(reply.errors ?? reply).slice(0, 500)}`,
    );
  }
  return reply.data;
}

/** The loads the benchmarks read: all terminal, so the terminal cache may keep them. */
export interface BenchLoads {
  /** The load of the one-load query (not among `distinct`, so it never warms their cache). */
  readonly single: string;
  /** 10 distinct loads: 4 dataset events, 3 flow executions, 3 data source runs. */
  readonly distinct: readonly string[];
  /** 50 ids: each of `distinct` 5 times, interleaved so no repeat is adjacent. */
  readonly fifty: readonly string[];
}

interface WorldIds {
  supplychain: { instances: { instanceId: string; flows: string[] }[] };
  datazone: { domains: { domainId: string; dataSources: { id: string }[] }[] };
}

interface Listed {
  id: string;
  terminal: boolean;
  link: string | null;
}

/**
 * Finds terminal loads with list queries (events, executions of several flows, runs of several data
 * sources), preferring ones whose links differ, and builds the id lists. Throws when the world has too few.
 */
export async function findBenchLoads(graphqlUrl: string, emulatorUrl: string): Promise<BenchLoads> {
  const world = (await (await fetch(`${emulatorUrl}/_emulator/world`)).json()) as WorldIds;
  const instance = world.supplychain.instances[0];
  const domain = world.datazone.domains[0];
  if (!instance || !domain) throw new Error('the emulator world has no instance or no domain');

  const events = await postGraphQL(
    graphqlUrl,
    `query($i: ID!) { dataIntegrationEvents(instanceId: $i, eventType: DATASET, first: 20) {
      nodes { id terminal dataset { name } } } }`,
    { i: instance.instanceId },
  );
  const eventLoads: Listed[] = events.dataIntegrationEvents.nodes.map((n: any) => ({
    id: n.id,
    terminal: n.terminal,
    link: n.dataset?.name ?? null,
  }));

  const executionLoads: Listed[] = [];
  for (const flowName of instance.flows.slice(0, 4)) {
    const data = await postGraphQL(
      graphqlUrl,
      `query($i: ID!, $f: String!) { flowExecutions(instanceId: $i, flowName: $f, first: 20) {
        nodes { id terminal flowName } } }`,
      { i: instance.instanceId, f: flowName },
    );
    for (const n of data.flowExecutions.nodes)
      executionLoads.push({ id: n.id, terminal: n.terminal, link: n.flowName });
  }

  const runLoads: Listed[] = [];
  for (const dataSource of domain.dataSources.slice(0, 4)) {
    const data = await postGraphQL(
      graphqlUrl,
      `query($d: ID!, $s: ID!) { dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $s, first: 20) {
        nodes { id terminal dataSourceId } } }`,
      { d: domain.domainId, s: dataSource.id },
    );
    for (const n of data.dataSourceRuns.nodes)
      runLoads.push({ id: n.id, terminal: n.terminal, link: n.dataSourceId });
  }

  const eventPicks = pickTerminal(eventLoads, 5, 'DATASET data integration events with a dataset');
  const single = eventPicks[0]!;
  const distinct = [
    ...eventPicks.slice(1),
    ...pickTerminal(executionLoads, 3, 'flow executions'),
    ...pickTerminal(runLoads, 3, 'data source runs'),
  ];
  // 7 is prime to 10: each distinct id lands 5 times, never twice in a row.
  const fifty = Array.from({ length: 50 }, (_, i) => distinct[(i * 7) % distinct.length]!);
  return { single, distinct, fifty };
}

/** `count` terminal loads with a link, spreading over distinct links first (round robin). */
function pickTerminal(loads: readonly Listed[], count: number, what: string): string[] {
  const byLink = new Map<string, string[]>();
  for (const load of loads) {
    if (!load.terminal || load.link === null) continue;
    byLink.set(load.link, [...(byLink.get(load.link) ?? []), load.id]);
  }
  const picked: string[] = [];
  for (let round = 0; picked.length < count; round++) {
    const before = picked.length;
    for (const ids of byLink.values()) {
      const id = ids[round];
      if (id !== undefined && picked.length < count) picked.push(id);
    }
    if (picked.length === before) {
      throw new Error(`found only ${picked.length} terminal ${what} in the emulator world; need ${count}`);
    }
  }
  return picked;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** The value with every DateTime string replaced by a placeholder. */
function maskDateTimes(value: unknown): unknown {
  if (typeof value === 'string') return DATE_TIME.test(value) ? '<DateTime>' : value;
  if (Array.isArray(value)) return value.map(maskDateTimes);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDateTimes(v)]));
  return value;
}

/**
 * Whether two servers gave the same answer. DateTime values are left out: each emulator seeds its world
 * relative to its own start time, so the same load carries shifted timestamps in two emulators.
 */
export const sameAnswer = (a: unknown, b: unknown): boolean =>
  isDeepStrictEqual(maskDateTimes(a), maskDateTimes(b));
