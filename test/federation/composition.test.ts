/**
 * The composition check: Loadgraph's subgraph SDL, as a router or rover reads it (`_service { sdl }`),
 * composes with a sample `orders` subgraph (test/fixtures/federation/orders.graphql) that references a
 * DataIntegrationEvent by key and adds a field to it, using the official composition library. Any
 * composition error fails, and so does any hint but the ones listed in ACCEPTED_HINTS, each with its
 * reason: a hint is composition saying "this works, but it is probably not what you meant".
 */
import { readFileSync } from 'node:fs';
import { composeServices, type CompositionResult } from '@apollo/composition';
import { FEDERATION_VERSIONS } from '@apollo/federation-internals';
import { graphql, parse, type GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSchema } from '../../src/graph/schema.js';

const ORDERS_SDL = readFileSync(new URL('../fixtures/federation/orders.graphql', import.meta.url), 'utf8');

/**
 * Hints that do not signal a mistake, by code and schema coordinate (never a whole code: the same code
 * elsewhere may well be a mistake).
 */
const ACCEPTED_HINTS: readonly { code: string; coordinate: string; why: string }[] = [
  {
    code: 'UNUSED_ENUM_TYPE',
    coordinate: 'ErrorCode',
    why: 'ErrorCode documents the values of errors[].extensions.code (the error contract); no field returns it, on purpose, and it belongs in the supergraph for its clients too',
  },
];

/** The composition's errors and the hints it should not have given, as readable strings. */
function problems(result: CompositionResult): string[] {
  const errors = (result.errors ?? []).map((e) => `error ${String(e.extensions['code'])}: ${e.message}`);
  const hints = (result.hints ?? [])
    .filter((h) => !ACCEPTED_HINTS.some((a) => a.code === h.definition.code && a.coordinate === h.coordinate))
    .map((h) => `hint ${h.definition.code} at ${h.coordinate ?? '?'}: ${h.message}`);
  return [...errors, ...hints];
}

const compose = (loadgraphSdl: string, ordersSdl: string): CompositionResult =>
  composeServices([
    { name: 'loadgraph', url: 'http://loadgraph:4000/graphql', typeDefs: parse(loadgraphSdl) },
    { name: 'orders', url: 'http://orders:4001/graphql', typeDefs: parse(ordersSdl) },
  ]);

/** The `@join__type` keys the supergraph gives each type for one subgraph. */
function keysOf(supergraphSdl: string, graph: string): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  const typeBlock = /^type (\w+)[^{]*?((?:\n\s+@[^\n]+)*)\s*\{/gm;
  for (const [, type, directives] of supergraphSdl.matchAll(typeBlock)) {
    for (const [, key] of (directives ?? '').matchAll(
      new RegExp(`@join__type\\(graph: ${graph}, key: "([^"]+)"`, 'g'),
    ))
      keys.set(type!, [...(keys.get(type!) ?? []), key!]);
  }
  return keys;
}

let schema: GraphQLSchema;
let sdl: string;
let result: CompositionResult;

beforeAll(async () => {
  schema = createSchema();
  const answer = await graphql({ schema, source: '{ _service { sdl } }', contextValue: {} });
  expect(answer.errors).toBeUndefined();
  sdl = (answer.data as { _service: { sdl: string } })._service.sdl;
  result = compose(sdl, ORDERS_SDL);
});

describe('composition with a sample orders subgraph', () => {
  it('composes without errors or hints that signal a mistake', () => {
    expect(problems(result)).toEqual([]);
    expect(result.supergraphSdl).toBeDefined();
  });

  it('links the newest federation version the installed @apollo/subgraph knows, importing only @key and @shareable', () => {
    // @apollo/federation-internals comes with @apollo/subgraph (same pinned version): its newest spec
    // version is the newest this subgraph can link. Upgrading @apollo/subgraph makes this fail until the
    // @link in schema/federation.graphql follows.
    const newest = FEDERATION_VERSIONS.latest().url.toString();
    expect(sdl).toContain(`@link(url: "${newest}", import: ["@key", "@shareable"])`);
  });

  it('gives every entity the keys of the contract, the three loads also their global id', () => {
    const keys = keysOf(result.supergraphSdl!, 'LOADGRAPH');
    expect(Object.fromEntries([...keys].sort(([a], [b]) => a.localeCompare(b)))).toEqual({
      DataIntegrationEvent: ['instanceId eventId', 'id'],
      DataIntegrationFlow: ['instanceId name'],
      DataLakeDataset: ['instanceId namespace name'],
      DataSource: ['domainId id'],
      DataSourceRun: ['domainId runId', 'id'],
      FlowExecution: ['instanceId flowName executionId', 'id'],
    });
  });

  it('marks only PageInfo @shareable', () => {
    const shareable = [...sdl.matchAll(/^(?:type|interface) (\w+)[^{]*@shareable/gm)].map((m) => m[1]);
    expect(shareable).toEqual(['PageInfo']);
    expect(sdl).not.toMatch(/^\s+\w+[^\n]*:[^\n]*@shareable/m); // no field on its own
  });

  it('puts the orders on the event, and the event on the orders, in the supergraph', () => {
    const supergraph = result.supergraphSdl!;
    expect(supergraph).toMatch(
      /type DataIntegrationEvent[\s\S]*?\{[\s\S]*?orders: \[Order!\]! @join__field\(graph: ORDERS\)/,
    );
    expect(supergraph).toMatch(/type Order[\s\S]*?loadEvent: DataIntegrationEvent\n/);
    // The subscriptions are part of the supergraph too (served by Loadgraph alone).
    expect(supergraph).toMatch(/subscription: Subscription/);
  });
});

describe('the composition check itself', () => {
  it('fails a sample subgraph whose shared PageInfo lacks a field Loadgraph has', () => {
    const broken = ORDERS_SDL.replace(/\n\s+startCursor: String/, '');
    const found = problems(compose(sdl, broken));
    expect(found).toEqual([
      expect.stringMatching(/^error SATISFIABILITY_ERROR: [\s\S]*pageInfo[\s\S]*startCursor/),
    ]);
  });

  it('fails a sample subgraph that references the event by another key than Loadgraph’s', () => {
    const broken = ORDERS_SDL.replace('@key(fields: "instanceId eventId")', '@key(fields: "eventId")');
    const found = problems(compose(sdl, broken));
    expect(found).toEqual([
      expect.stringMatching(/^error INVALID_FIELD_SHARING: .*"DataIntegrationEvent\.instanceId"/),
    ]);
  });

  it('fails a second description of Loadgraph’s entity', () => {
    const broken = ORDERS_SDL.replace(
      /\ntype DataIntegrationEvent/,
      '\n"""An event."""\ntype DataIntegrationEvent',
    );
    expect(problems(compose(sdl, broken))).toEqual([
      expect.stringMatching(/^hint INCONSISTENT_DESCRIPTION at DataIntegrationEvent/),
    ]);
  });
});
