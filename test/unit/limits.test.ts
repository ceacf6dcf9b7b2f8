/**
 * The operation limits as pure functions (cost, shape rules, size) and the pieces of WebSocket and HTTP
 * hardening that need no server: the origin policy and the hardening settings.
 */
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createSchema } from '../../src/graph/schema.js';
import { abandonable, withDeadline, type Deadline } from '../../src/server/deadline.js';
import { isUnsupportedMediaType } from '../../src/server/requestBody.js';
import {
  DEFAULT_LIST_SIZE,
  MUTATION_COST,
  checkCost,
  checkQuerySize,
  operationCost,
  validationRules,
  type OperationLimits,
} from '../../src/server/limits.js';
import { createOriginPolicy } from '../../src/server/origin.js';

const LIMITS: OperationLimits = loadConfig({}).hardening.operation;
const schema = createSchema();
const limitsOf = (query: string, limits = LIMITS) =>
  validate(schema, parse(query), validationRules(limits)).map((e) => e.extensions['limit'] ?? e.message);

describe('operationCost', () => {
  it('counts each field once per item of the lists above it', () => {
    const doc = parse(
      `query($n: Int) { dataIntegrationEvents(instanceId: "i", first: $n) { nodes { eventId status } } }`,
    );
    expect(operationCost(doc, undefined, { n: 5 })).toBe(1 + 5 * (1 + 2));
    expect(operationCost(doc, undefined, {})).toBe(1 + DEFAULT_LIST_SIZE * 3);
  });

  it('counts ids lists and mutation items', () => {
    expect(operationCost(parse(`{ loads(ids: ["a", "b", "c"]) { id } }`), undefined)).toBe(1 + 3);
    const send = parse(`mutation($in: [SendEventInput!]!) { sendEvents(inputs: $in) { index } }`);
    expect(operationCost(send, undefined, { in: [{}, {}] })).toBe(MUTATION_COST * 2 + 2);
  });

  it('checks each request of one document with its own variables and operation', () => {
    const doc = parse(
      `query A($ids: [ID!]!, $n: Int) { loads(ids: $ids) { id } dataIntegrationEvents(instanceId: "i", first: $n) { nodes { eventId } } }
       query B { loads(ids: ["a"]) { id } }`,
    );
    const limits = { ...LIMITS, maxCost: 100 };
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `id${i}`);
    const check = (name: string | null, variables: Record<string, unknown>) =>
      checkCost(doc, name, variables, limits)?.extensions['limit'];
    for (let round = 0; round < 2; round++) {
      expect(check('A', { ids: ids(1), n: 1 })).toBeUndefined();
      expect(check('A', { ids: ids(98), n: 1 })).toBe('cost');
      expect(check('A', { ids: ids(1), n: 60 })).toBe('cost');
      expect(check('A', { ids: ids(1) })).toBeUndefined();
      expect(check('B', { ids: ids(98), n: 60 })).toBeUndefined();
    }
    // Past the costs a document keeps, each is still computed.
    for (let n = 0; n < 100; n++)
      expect(check('A', { ids: ids(n), n: 1 })).toBe(n + 4 > 100 ? 'cost' : undefined);
  });

  it('measures a fragment bomb without expanding it', () => {
    const fragments = Array.from(
      { length: 40 },
      (_, i) => `fragment F${i} on DataIntegrationEvent { eventId ...F${i + 1} ...F${i + 1} }`,
    ).join(' ');
    const doc = parse(
      `{ dataIntegrationEvent(instanceId: "i", eventId: "e") { ...F0 } } ${fragments} fragment F40 on DataIntegrationEvent { eventId }`,
    );
    expect(operationCost(doc, undefined)).toBeGreaterThan(2 ** 40);
    expect(limitsOf(doc.loc!.source.body)).toEqual([]);
  });
});

describe('shape rules', () => {
  it('accepts an ordinary operation and names each limit exceeded', () => {
    expect(limitsOf(`{ instance(instanceId: "i") { instanceId } }`)).toEqual([]);
    const tight = { ...LIMITS, maxDepth: 1, maxAliases: 0, maxRootFields: 1, maxDirectives: 0 };
    expect(
      limitsOf(`{ a: instance(instanceId: "i") @skip(if: false) { instanceId } __typename }`, tight),
    ).toEqual(['depth', 'aliases', 'rootFields', 'directives']);
  });

  it('does not count introspection fields for depth', () => {
    expect(
      limitsOf(`{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }`, {
        ...LIMITS,
        maxDepth: 2,
      }),
    ).toEqual([]);
  });

  it('checks the query length', () => {
    expect(checkQuerySize('x'.repeat(LIMITS.maxQueryChars), LIMITS)).toBeUndefined();
    expect(checkQuerySize('x'.repeat(LIMITS.maxQueryChars + 1), LIMITS)?.extensions).toMatchObject({
      code: 'GRAPHQL_VALIDATION_FAILED',
      limit: 'queryChars',
    });
  });
});

describe('origin policy', () => {
  const policy = createOriginPolicy({
    allowedOrigins: ['https://app.example.com'],
    allowCredentials: false,
    requireOrigin: true,
  });
  it('allows listed and same origins and requests without Origin; refuses others with 403', () => {
    expect(policy.http({ origin: 'https://app.example.com' })).toBeUndefined();
    expect(policy.http({ origin: 'http://gw:4000', host: 'gw:4000' })).toBeUndefined();
    expect(policy.http({})).toBeUndefined();
    expect(policy.http({ origin: 'https://evil.example' })).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(policy.webSocket({})).toMatchObject({ status: 403 });
  });
});

describe('hardening settings', () => {
  it('turns production mode on with NODE_ENV=production or PRODUCTION_MODE=1', () => {
    expect(loadConfig({}).hardening.production).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production' }).hardening.production).toBe(true);
    expect(loadConfig({ PRODUCTION_MODE: '1' }).hardening.production).toBe(true);
  });

  it('parses the CORS allowlist and refuses credentials with *', () => {
    expect(
      loadConfig({ CORS_ORIGINS: 'https://A.example.com,http://localhost:3000' }).hardening.corsOrigins,
    ).toEqual(['https://a.example.com', 'http://localhost:3000']);
    expect(() => loadConfig({ CORS_ORIGINS: '*', CORS_ALLOW_CREDENTIALS: '1' })).toThrow(
      /CORS_ALLOW_CREDENTIALS/,
    );
    expect(() => loadConfig({ CORS_ORIGINS: 'https://a.example.com/path' })).toThrow(/CORS_ORIGINS/);
  });

  it('accepts JSON and leaves CSRF-prone and missing content types to Apollo', () => {
    expect(isUnsupportedMediaType('application/json; charset=utf-8')).toBe(false);
    expect(isUnsupportedMediaType('text/plain')).toBe(false);
    expect(isUnsupportedMediaType(undefined)).toBe(false);
    expect(isUnsupportedMediaType('application/xml')).toBe(true);
    expect(isUnsupportedMediaType('application/jsonx')).toBe(true);
  });
});

describe('request deadline', () => {
  it('resolves to the work, or to timeout once the deadline passes, telling the work through its signal', async () => {
    expect(await withDeadline(1_000, async () => 'done')).toBe('done');
    let seen: Deadline | undefined;
    const never = new Promise<never>(() => {});
    expect(await withDeadline(10, (signal) => ((seen = signal), never))).toBe('timeout');
    expect(seen?.aborted).toBe(true);
  });

  it("rejects with the work's error, thrown or rejected, before the deadline", async () => {
    const boom = new Error('boom');
    let seen: Deadline | undefined;
    await expect(withDeadline(1_000, async () => Promise.reject(boom))).rejects.toBe(boom);
    await expect(
      withDeadline(1_000, (signal) => {
        seen = signal;
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(seen?.aborted).toBe(false);
  });

  it('refuses the calls of an abandoned request', async () => {
    const controller = new AbortController();
    const calls: string[] = [];
    const actions = abandonable(
      { name: 'actions', sendEvent: async (k: string) => (calls.push(k), k) },
      controller.signal,
    );
    expect(await actions.sendEvent('a')).toBe('a');
    expect(actions.name).toBe('actions');
    controller.abort();
    await expect(actions.sendEvent('b')).rejects.toMatchObject({ extensions: { code: 'REQUEST_TIMEOUT' } });
    expect(calls).toEqual(['a']);
  });
});
