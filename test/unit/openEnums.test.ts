/**
 * The open-enum contract over the whole schema: every field typed with an AWS enum is nullable and has
 * its raw value beside it; a non-null one is refused at start. And the sink: one warn line per value,
 * every serve counted, a bounded set of labels.
 */
import { buildSchema, execute, parse } from 'graphql';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { awsEnumFields, openAwsEnums } from '../../src/graph/openEnums.js';
import { createSchema } from '../../src/graph/schema.js';
import { Metrics } from '../../src/server/metrics.js';
import { createUnknownValueSink } from '../../src/server/unknownValues.js';

/** Typed AWS statuses whose raw value is the `Load` field `upstreamStatus`. */
const RAW_IN_UPSTREAM_STATUS = new Set(['DataSourceRun.runStatus', 'FlowExecution.executionStatus']);

describe('the schema', () => {
  const schema = createSchema();
  const fields = awsEnumFields(schema);

  it('has AWS enum fields of every service (run status, event type, source type...)', () => {
    const names = new Set(fields.map((f) => String(f.type)));
    for (const e of [
      'DataSourceRunStatus',
      'DataIntegrationEventType',
      'DatasetOperationType',
      'FlowSourceType',
    ])
      expect(names).toContain(e);
  });

  it('types every AWS enum field nullable, with its raw value in a String field beside it', () => {
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!('getFields' in type) || type.name.startsWith('__')) continue;
      const own = type.getFields() as Record<string, { type: unknown }>;
      for (const f of fields) {
        if (own[f.name] !== f) continue;
        const name = `${type.name}.${f.name}`;
        expect(String(f.type), name).not.toMatch(/!$/);
        const raw = RAW_IN_UPSTREAM_STATUS.has(name) ? own['upstreamStatus'] : own[`${f.name}Raw`];
        if (String(raw?.type) !== 'String') missing.push(name);
      }
    }
    expect(missing).toEqual([]);
  });

  it('refuses, at start, a non-null AWS enum field', () => {
    const sdl = buildSchema(`enum Color { RED } type Query { color: Color! }`);
    expect(() => openAwsEnums(sdl, () => {})).toThrow(/Query.color: an AWS enum field must be a nullable/);
  });
});

describe('the unknown-value sink', () => {
  const setup = (maxDistinct?: number) => {
    const lines: any[] = [];
    const logger = pino(
      { level: 'warn' },
      new Writable({ write: (c, _e, done) => (lines.push(JSON.parse(String(c))), done()) }),
    );
    const metrics = new Metrics({
      readers: {} as never,
      live: { stats: {} as never },
      webSocketClients: () => 0,
    });
    return { lines, metrics, sink: createUnknownValueSink(logger, metrics, maxDistinct) };
  };
  const counts = async (metrics: Metrics) =>
    Object.fromEntries(
      (await metrics.unknownEnumValues.get()).values.map((v) => [
        `${v.labels.enum}:${v.labels.value}`,
        v.value,
      ]),
    );

  it('logs each value once at warn and counts every serve', async () => {
    const { lines, metrics, sink } = setup();
    sink('DataSourceRunStatus', 'CANCELLED');
    sink('DataSourceRunStatus', 'CANCELLED');
    sink('DataSourceRunType', 'ON_DEMAND');
    expect(lines.map((l) => [l.level, l.enum, l.value])).toEqual([
      [40, 'DataSourceRunStatus', 'CANCELLED'],
      [40, 'DataSourceRunType', 'ON_DEMAND'],
    ]);
    expect(await counts(metrics)).toEqual({
      'DataSourceRunStatus:CANCELLED': 2,
      'DataSourceRunType:ON_DEMAND': 1,
    });
  });

  it('gives values past the distinct limit one shared label and no further log lines', async () => {
    const { lines, metrics, sink } = setup(2);
    for (const v of ['A', 'B', 'C', 'D', 'A']) sink('InstanceState', v);
    expect(lines.map((l) => l.value)).toEqual(['A', 'B']);
    expect(await counts(metrics)).toEqual({
      'InstanceState:A': 2,
      'InstanceState:B': 1,
      'InstanceState:(other)': 2,
    });
  });
});

describe('reporting unknown values', () => {
  /** Runs `query` against the gateway schema, every run read answered by `runs` (by id); the values reported. */
  const serve = async (query: string, runs: Record<string, object>, reported: [string, string][] = []) => {
    const schema = createSchema({ onUnknownValue: (e, v) => void reported.push([e, v]) });
    const operation = async () => {
      const contextValue = {
        loaders: { dataSourceRun: { load: async (k: { runId: string }) => runs[k.runId] } },
      };
      const result = await execute({ schema, document: parse(query), contextValue });
      expect(result.errors).toBeUndefined();
      return result.data as any;
    };
    return { reported, data: await operation(), again: operation };
  };
  const run = (id: string) => ({
    id,
    domainId: 'dzd_domain1',
    dataSourceId: 'source1',
    status: 'CANCELLED',
    type: 'ON_DEMAND',
  });
  const RUN = (alias: string, id: string, fields: string) =>
    `${alias}: dataSourceRun(domainIdentifier: "dzd_domain1", identifier: "${id}") { ${fields} }`;

  it('reports a run status once per run, whether status, runStatus or both show it', async () => {
    const both = await serve(`{ ${RUN('a', 'run1', 'status runStatus upstreamStatus')} }`, {
      run1: run('run1'),
    });
    expect(both.data.a).toEqual({ status: 'UNKNOWN', runStatus: null, upstreamStatus: 'CANCELLED' });
    expect(both.reported).toEqual([['DataSourceRunStatus', 'CANCELLED']]);
    // Each operation that serves the run reports it (the metric counts serves).
    await both.again();
    expect(both.reported).toHaveLength(2);
    for (const fields of ['status', 'runStatus'])
      expect((await serve(`{ ${RUN('a', 'run1', fields)} }`, { run1: run('run1') })).reported).toEqual([
        ['DataSourceRunStatus', 'CANCELLED'],
      ]);
  });

  it('reports each upstream object that holds an unknown value, every other enum as before', async () => {
    const { reported } = await serve(
      `{ ${RUN('a', 'run1', 'status runStatus type')} ${RUN('b', 'run2', 'runStatus status typeRaw')} }`,
      { run1: run('run1'), run2: run('run2') },
    );
    expect(reported).toEqual([
      ['DataSourceRunStatus', 'CANCELLED'],
      ['DataSourceRunType', 'ON_DEMAND'],
      ['DataSourceRunStatus', 'CANCELLED'],
    ]);
  });
});
