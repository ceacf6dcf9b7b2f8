/**
 * Global ids: opaque base64url of `Type:part:part`, decoded back into the upstream key, and rejected with
 * a BAD_USER_INPUT naming the argument when they are not ids of this graph.
 */
import { GraphQLError } from 'graphql';
import { describe, expect, it, vi } from 'vitest';
import { checkKey, fromGlobalId, memoizedKey, toGlobalId, UUID, type LoadRef } from '../../src/graph/ids.js';

const INSTANCE = '8928ae12-15e5-4441-825d-ec2184f0a43a';
const EVENT = '19739c8e-cd2e-4cbc-a2f7-0dc43239f042';
const EXECUTION = '2f1c6a0e-4b7d-4e2a-9c3f-5d6e7f8a9b0c';

const raw = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

/** Calls `fromGlobalId` expecting a GraphQLError, and returns it. */
function rejection(id: string, argument?: string): GraphQLError {
  try {
    fromGlobalId(id, argument);
  } catch (err) {
    expect(err).toBeInstanceOf(GraphQLError);
    return err as GraphQLError;
  }
  throw new Error(`fromGlobalId(${JSON.stringify(id)}) did not throw`);
}

describe('global id round trip', () => {
  const refs: [string, LoadRef][] = [
    [
      'DATA_INTEGRATION_EVENT',
      { kind: 'DATA_INTEGRATION_EVENT', key: { instanceId: INSTANCE, eventId: EVENT } },
    ],
    [
      'FLOW_EXECUTION',
      {
        kind: 'FLOW_EXECUTION',
        key: { instanceId: INSTANCE, flowName: 'daily-forecast-2', executionId: EXECUTION },
      },
    ],
    [
      'DATA_SOURCE_RUN',
      { kind: 'DATA_SOURCE_RUN', key: { domainId: 'dzd_4p9ns6d5Jxx9rx', runId: 'run-Ab_9' } },
    ],
  ];

  it.each(refs)('decodes a %s id back to the same key', (_kind, ref) => {
    const id = toGlobalId(ref);
    expect(id).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(fromGlobalId(id)).toEqual(ref);
  });

  it('gives different kinds with the same parts different ids', () => {
    const event = toGlobalId({
      kind: 'DATA_INTEGRATION_EVENT',
      key: { instanceId: INSTANCE, eventId: EVENT },
    });
    const run = toGlobalId({ kind: 'DATA_SOURCE_RUN', key: { domainId: 'dzd_x', runId: 'r' } });
    expect(new Set([event, run]).size).toBe(2);
  });

  it('encodes the type name first, as the id format documents', () => {
    const id = toGlobalId({ kind: 'DATA_SOURCE_RUN', key: { domainId: 'dzd-abc', runId: 'r1' } });
    expect(Buffer.from(id, 'base64url').toString('utf8')).toBe('DataSourceRun:dzd-abc:r1');
  });
});

describe('fromGlobalId rejects what is not an id of this graph', () => {
  const cases: [string, string][] = [
    ['the empty string', ''],
    ['characters outside base64url', 'not an id!'],
    ['standard base64 padding', `${raw('DataSourceRun:dzd_a:r')}==`],
    ['an event id with a missing part', raw(`DataIntegrationEvent:${INSTANCE}`)],
    ['an event id with an extra part', raw(`DataIntegrationEvent:${INSTANCE}:${EVENT}:x`)],
    ['a flow execution id with a missing part', raw(`FlowExecution:${INSTANCE}:${EXECUTION}`)],
    ['a flow execution id with an extra part', raw(`FlowExecution:${INSTANCE}:f:${EXECUTION}:x`)],
    ['a run id with an extra part', raw('DataSourceRun:dzd_a:r:x')],
    ['a non-UUID instance id', raw(`DataIntegrationEvent:not-a-uuid:${EVENT}`)],
    ['an upper-case instance id', raw(`DataIntegrationEvent:${INSTANCE.toUpperCase()}:${EVENT}`)],
    ['a non-UUID execution id', raw(`FlowExecution:${INSTANCE}:f:123`)],
    ['a flow name with a space', raw(`FlowExecution:${INSTANCE}:my flow:${EXECUTION}`)],
    ['a domain id without the dzd prefix', raw('DataSourceRun:abc:r1')],
    ['a run id over 36 characters', raw(`DataSourceRun:dzd_a:${'r'.repeat(37)}`)],
    ['an unknown type', raw(`Widget:${INSTANCE}:${EVENT}`)],
    ['a lower-case type', raw(`dataIntegrationEvent:${INSTANCE}:${EVENT}`)],
    ['plain text that happens to be base64url', 'hello'],
    ['an id over 512 characters', 'A'.repeat(513)],
  ];

  it.each(cases)('rejects %s with BAD_USER_INPUT naming the argument', (_what, id) => {
    const error = rejection(id, 'ids.3');
    expect(error.extensions['code']).toBe('BAD_USER_INPUT');
    expect(error.extensions['field']).toBe('ids.3');
    expect(error.message.startsWith('ids.3 ')).toBe(true);
    expect(error.message).toContain('is not a Loadgraph load id');
  });

  it('names the argument `id` by default', () => {
    const error = rejection('nope!');
    expect(error.extensions['field']).toBe('id');
    expect(error.message).toMatch(/^id "nope!" is not a Loadgraph load id: /);
  });

  it('says why: the key of the kind is malformed, or the type is unknown', () => {
    expect(rejection(raw(`DataIntegrationEvent:x:${EVENT}`)).message).toContain('event key is malformed');
    expect(rejection(raw(`FlowExecution:x:f:${EXECUTION}`)).message).toContain(
      'flow execution key is malformed',
    );
    expect(rejection(raw('DataSourceRun:x:r')).message).toContain('data source run key is malformed');
    expect(rejection(raw('Widget:a:b')).message).toContain('names no known type');
    expect(rejection('***').message).toContain('non-empty base64url string');
  });

  it('truncates an over-long id in the message instead of echoing all of it', () => {
    const id = 'B'.repeat(600);
    const error = rejection(id);
    expect(error.message).toContain(`"${'B'.repeat(80)}…"`);
    expect(error.message).not.toContain('B'.repeat(81));
  });

  it('accepts an id of exactly 512 characters as far as length goes', () => {
    // 512 base64url characters decode to 384 bytes of garbage: rejected for its type, not its length.
    expect(rejection('A'.repeat(512)).message).toContain('names no known type');
    expect(rejection('A'.repeat(513)).message).toContain('non-empty base64url string');
  });
});

describe('checkKey', () => {
  it('returns a value matching the pattern', () => {
    expect(checkKey('instanceId', INSTANCE)).toBe(INSTANCE);
  });

  it('rejects a value that does not match with BAD_USER_INPUT naming the argument and the pattern', () => {
    let error: GraphQLError | undefined;
    try {
      checkKey('instanceId', 'nope');
    } catch (err) {
      error = err as GraphQLError;
    }
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'instanceId' });
    expect(error!.message).toContain('instanceId "nope" is not a valid Supply Chain instance id');
    expect(error!.message).toContain(UUID.source);
  });
});

describe('memoizedKey', () => {
  it('builds a frozen key once per upstream object, and remembers that an object has none', () => {
    const build = vi.fn((v: { id?: string }) => (v.id ? { id: v.id } : null));
    const keyOf = memoizedKey(build);
    const a = { id: 'a' };
    const none = {};
    const key = keyOf(a);
    expect(key).toEqual({ id: 'a' });
    expect(Object.isFrozen(key)).toBe(true);
    expect(keyOf(a)).toBe(key);
    expect(keyOf({ id: 'a' })).not.toBe(key);
    expect(keyOf(none)).toBeNull();
    expect(keyOf(none)).toBeNull();
    expect(build).toHaveBeenCalledTimes(3);
  });
});
