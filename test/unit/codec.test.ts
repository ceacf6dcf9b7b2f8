/**
 * restJson1 value encoding driven by the Supply Chain model: wire values in (body, query, label) become
 * typed values, typed outputs become JSON with the model's timestamp formats and only declared members.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { decode, encode, WireTypeError } from '../../src/emulator/protocol/codec.js';
import { SmithyModel, type MemberRef } from '../../src/emulator/protocol/model.js';

const NS = 'com.amazonaws.supplychain';
const INSTANCE = '8928ae12-15e5-4441-825d-ec2184f0a43a';
const EVENT = '19739c8e-cd2e-4cbc-a2f7-0dc43239f042';
const TIMESTAMP: MemberRef = { target: 'smithy.api#Timestamp' };

let model: SmithyModel;
beforeAll(() => {
  model = SmithyModel.load('supplychain');
});

const member = (shape: string, name: string): MemberRef => model.shape(`${NS}#${shape}`).members![name]!;

function wireError(run: () => unknown): string {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(WireTypeError);
    return (err as Error).message;
  }
  throw new Error('expected a WireTypeError');
}

describe('decode timestamps', () => {
  it('reads epoch seconds (with fractions) in the body', () => {
    const ref = member('SendDataIntegrationEventRequest', 'eventTimestamp');
    expect(decode(model, ref, 1_700_000_000.25, 'eventTimestamp', 'body')).toEqual(
      new Date(1_700_000_000_250),
    );
  });

  it('defaults to epoch seconds in the body without a timestampFormat trait', () => {
    expect(decode(model, TIMESTAMP, 86_400, 'at', 'body')).toEqual(new Date('1970-01-02T00:00:00Z'));
  });

  it('rejects an ISO string where the body wants epoch seconds', () => {
    const ref = member('SendDataIntegrationEventRequest', 'eventTimestamp');
    expect(wireError(() => decode(model, ref, '2024-05-01T00:00:00Z', 'eventTimestamp', 'body'))).toBe(
      "Value at 'eventTimestamp' failed to satisfy constraint: Member must be a timestamp in epoch seconds",
    );
  });

  it('reads an RFC 3339 date-time in the query', () => {
    expect(decode(model, TIMESTAMP, '2024-05-01T12:30:00.5Z', 'since', 'query')).toEqual(
      new Date('2024-05-01T12:30:00.500Z'),
    );
  });

  it('rejects a query timestamp that is not a date-time', () => {
    expect(wireError(() => decode(model, TIMESTAMP, 'yesterday', 'since', 'query'))).toBe(
      "Value at 'since' failed to satisfy constraint: Member must be a timestamp in date-time format",
    );
  });

  it('follows a member timestampFormat trait in the query', () => {
    const ref: MemberRef = { ...TIMESTAMP, traits: { 'smithy.api#timestampFormat': 'epoch-seconds' } };
    expect(decode(model, ref, '1700000000', 'since', 'query')).toEqual(new Date(1_700_000_000_000));
  });
});

describe('decode other values', () => {
  it('reads a query integer from its text', () => {
    const ref = member('ListDataIntegrationEventsRequest', 'maxResults');
    expect(decode(model, ref, '20', 'maxResults', 'query')).toBe(20);
    expect(wireError(() => decode(model, ref, '2.5', 'maxResults', 'query'))).toBe(
      "Value at 'maxResults' failed to satisfy constraint: Member must be an integer",
    );
  });

  it('rejects a body integer that is not a whole JSON number', () => {
    const ref = member('ListDataIntegrationEventsRequest', 'maxResults');
    expect(decode(model, ref, 5, 'maxResults', 'body')).toBe(5);
    expect(() => decode(model, ref, '5', 'maxResults', 'body')).toThrow(WireTypeError);
    expect(() => decode(model, ref, 5.5, 'maxResults', 'body')).toThrow(WireTypeError);
  });

  it('treats null and absent values as absent', () => {
    expect(decode(model, TIMESTAMP, null, 'x', 'body')).toBeUndefined();
    expect(decode(model, TIMESTAMP, undefined, 'x', 'query')).toBeUndefined();
  });

  it('decodes a structure member by member, dropping unknown keys and names nested paths', () => {
    const ref = member('SendDataIntegrationEventRequest', 'datasetTarget');
    expect(
      decode(
        model,
        ref,
        { datasetIdentifier: 'arn', operationType: 'APPEND', extra: 1 },
        'datasetTarget',
        'body',
      ),
    ).toEqual({ datasetIdentifier: 'arn', operationType: 'APPEND' });
    expect(wireError(() => decode(model, ref, { datasetIdentifier: 5 }, 'datasetTarget', 'body'))).toBe(
      "Value at 'datasetTarget.datasetIdentifier' failed to satisfy constraint: Member must be a string",
    );
    expect(() => decode(model, ref, ['x'], 'datasetTarget', 'body')).toThrow(/must be a structure/);
  });

  it('decodes a query list item by item, naming a bad item by its 1-based path', () => {
    const ref = member('ListInstancesRequest', 'instanceStateFilter');
    expect(decode(model, ref, ['Active', 'Deleted'], 'instanceStateFilter', 'query')).toEqual([
      'Active',
      'Deleted',
    ]);
    expect(wireError(() => decode(model, ref, ['Active', 3], 'instanceStateFilter', 'body'))).toBe(
      "Value at 'instanceStateFilter.2.member' failed to satisfy constraint: Member must be a string",
    );
  });
});

describe('encode', () => {
  const eventOut = { target: `${NS}#GetDataIntegrationEventResponse` };

  it('writes timestamps as epoch seconds in the body', () => {
    const out = encode(model, eventOut, {
      event: {
        instanceId: INSTANCE,
        eventId: EVENT,
        eventType: 'scn.data.forecast',
        eventGroupId: 'g',
        eventTimestamp: new Date(1_700_000_000_500),
      },
    }) as { event: { eventTimestamp: unknown } };
    expect(out.event.eventTimestamp).toBe(1_700_000_000.5);
  });

  it('drops members the model does not declare, at every depth', () => {
    const out = encode(model, eventOut, {
      event: {
        instanceId: INSTANCE,
        eventId: EVENT,
        eventType: 'scn.data.dataset',
        eventGroupId: 'g',
        eventTimestamp: new Date(0),
        data: '{"secret":true}',
        internalState: { next: 'SUCCEEDED' },
        datasetTargetDetails: {
          datasetIdentifier: 'arn',
          operationType: 'APPEND',
          datasetLoadExecution: { status: 'IN_PROGRESS', finishAtMs: 123 },
        },
      },
      $internal: true,
    });
    expect(out).toEqual({
      event: {
        instanceId: INSTANCE,
        eventId: EVENT,
        eventType: 'scn.data.dataset',
        eventGroupId: 'g',
        eventTimestamp: 0,
        datasetTargetDetails: {
          datasetIdentifier: 'arn',
          operationType: 'APPEND',
          datasetLoadExecution: { status: 'IN_PROGRESS' },
        },
      },
    });
  });

  it('omits absent members rather than writing null', () => {
    const out = encode(
      model,
      { target: `${NS}#ListDataIntegrationEventsResponse` },
      { events: [], nextToken: undefined },
    );
    expect(out).toEqual({ events: [] });
  });

  it('encodes every item of a list', () => {
    const out = encode(
      model,
      { target: `${NS}#ListDataIntegrationFlowExecutionsResponse` },
      {
        flowExecutions: [
          { instanceId: INSTANCE, flowName: 'f', executionId: EVENT, startTime: new Date(2_000), secret: 1 },
          { instanceId: INSTANCE, flowName: 'f', executionId: EVENT, endTime: 3_000 },
        ],
      },
    );
    expect(out).toEqual({
      flowExecutions: [
        { instanceId: INSTANCE, flowName: 'f', executionId: EVENT, startTime: 2 },
        { instanceId: INSTANCE, flowName: 'f', executionId: EVENT, endTime: 3 },
      ],
    });
  });

  it('follows a date-time or http-date timestampFormat trait', () => {
    const at = new Date('2024-05-01T12:30:00.000Z');
    const iso: MemberRef = { ...TIMESTAMP, traits: { 'smithy.api#timestampFormat': 'date-time' } };
    const http: MemberRef = { ...TIMESTAMP, traits: { 'smithy.api#timestampFormat': 'http-date' } };
    expect(encode(model, iso, at)).toBe('2024-05-01T12:30:00.000Z');
    expect(encode(model, http, at)).toBe('Wed, 01 May 2024 12:30:00 GMT');
  });

  it('round-trips a body timestamp through encode and decode', () => {
    const at = new Date(1_714_566_600_123);
    expect(decode(model, TIMESTAMP, encode(model, TIMESTAMP, at), 't', 'body')).toEqual(at);
  });
});
