/**
 * `sendEventProblems`: the model's sizes and patterns checked before any upstream call, lengths counted
 * in code points as Smithy counts them, every problem at once.
 */
import { describe, expect, it } from 'vitest';
import {
  problemsError,
  SEND_EVENT_LIMITS as L,
  sendEventProblems,
  type SendEventInputShape,
} from '../../src/graph/sendEvent.validation.js';

const INSTANCE = '8928ae12-15e5-4441-825d-ec2184f0a43a';
const OTHER_INSTANCE = '19739c8e-cd2e-4cbc-a2f7-0dc43239f042';
const EMOJI = '😀'; // one code point, two UTF-16 code units

const arnPrefix = (instance = INSTANCE): string =>
  `arn:aws:scn:us-east-1:123456789012:instance/${instance}/namespaces/asc/datasets/`;
const ARN = `${arnPrefix()}inbound_order`;

const valid: SendEventInputShape = {
  instanceId: INSTANCE,
  eventType: 'INBOUND_ORDER',
  data: '{"order_id":"O1"}',
  eventGroupId: 'O1',
};
const dataset: SendEventInputShape = {
  ...valid,
  eventType: 'DATASET',
  datasetTarget: { datasetIdentifier: ARN, operationType: 'APPEND' },
};

/** A JSON array text of exactly `n` code points, its content made of `char`. */
const jsonOf = (n: number, char = 'a'): string => `["${char.repeat(n - 4)}"]`;

const fieldsOf = (input: SendEventInputShape): string[] => sendEventProblems(input).map((p) => p.field);

describe('sendEventProblems accepts valid input', () => {
  it('finds nothing wrong with a minimal event', () => {
    expect(sendEventProblems(valid)).toEqual([]);
  });

  it('finds nothing wrong with a DATASET event with every optional field', () => {
    expect(
      sendEventProblems({
        ...dataset,
        eventTimestamp: new Date('2025-01-02T03:04:05Z'),
        clientToken: 'c'.repeat(36),
      }),
    ).toEqual([]);
  });

  it('accepts null optionals', () => {
    expect(
      sendEventProblems({ ...valid, eventTimestamp: null, clientToken: null, datasetTarget: null }),
    ).toEqual([]);
  });
});

describe('instanceId', () => {
  it.each(['not-a-uuid', INSTANCE.toUpperCase(), `${INSTANCE}0`, ''])('rejects %j', (instanceId) => {
    expect(fieldsOf({ ...valid, instanceId })).toEqual(['input.instanceId']);
  });
});

describe('data', () => {
  it('rejects empty data', () => {
    const [problem] = sendEventProblems({ ...valid, data: '' });
    expect(problem).toMatchObject({ field: 'input.data' });
    expect(problem!.message).toContain('must not be empty');
  });

  it(`accepts exactly ${L.dataMaxChars} characters`, () => {
    expect(sendEventProblems({ ...valid, data: jsonOf(L.dataMaxChars) })).toEqual([]);
  });

  it(`rejects ${L.dataMaxChars + 1} characters, saying how many it has`, () => {
    const [problem] = sendEventProblems({ ...valid, data: jsonOf(L.dataMaxChars + 1) });
    expect(problem!.field).toBe('input.data');
    expect(problem!.message).toContain(`is ${L.dataMaxChars + 1} characters`);
    expect(problem!.message).toContain(`at most ${L.dataMaxChars}`);
  });

  it('counts an emoji (two UTF-16 code units) as one character', () => {
    const data = jsonOf(L.dataMaxChars, EMOJI);
    expect(data.length).toBeGreaterThan(L.dataMaxChars);
    expect(sendEventProblems({ ...valid, data })).toEqual([]);
    expect(fieldsOf({ ...valid, data: jsonOf(L.dataMaxChars + 1, EMOJI) })).toEqual(['input.data']);
  });

  it('rejects text that is not JSON, quoting the parser', () => {
    const [problem] = sendEventProblems({ ...valid, data: '{order_id: 1}' });
    expect(problem!.field).toBe('input.data');
    expect(problem!.message).toMatch(/^is not valid JSON \(.+\)/);
  });

  it.each([
    ['a number', '42', 'number'],
    ['a string', '"x"', 'string'],
    ['a boolean', 'true', 'boolean'],
    ['null', 'null', 'null'],
  ])('rejects JSON %s: it must be an object or an array', (_what, data, type) => {
    const problems = sendEventProblems({ ...valid, data });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain(`not ${type}`);
  });

  it('accepts a JSON array of several records', () => {
    expect(sendEventProblems({ ...valid, data: '[{"a":1},{"a":2}]' })).toEqual([]);
  });
});

describe('eventGroupId', () => {
  it.each([1, L.eventGroupIdMaxChars])('accepts %i characters', (n) => {
    expect(sendEventProblems({ ...valid, eventGroupId: 'g'.repeat(n) })).toEqual([]);
  });

  it.each([0, L.eventGroupIdMaxChars + 1])('rejects %i characters, saying the length', (n) => {
    const [problem] = sendEventProblems({ ...valid, eventGroupId: 'g'.repeat(n) });
    expect(problem!.field).toBe('input.eventGroupId');
    expect(problem!.message).toContain(`(it is ${n})`);
  });

  it('counts emoji as one character each', () => {
    expect(sendEventProblems({ ...valid, eventGroupId: EMOJI.repeat(L.eventGroupIdMaxChars) })).toEqual([]);
    expect(fieldsOf({ ...valid, eventGroupId: EMOJI.repeat(L.eventGroupIdMaxChars + 1) })).toEqual([
      'input.eventGroupId',
    ]);
  });
});

describe('eventTimestamp', () => {
  it('rejects an invalid date', () => {
    expect(sendEventProblems({ ...valid, eventTimestamp: new Date('nope') })).toEqual([
      { field: 'input.eventTimestamp', message: 'is not a valid date-time' },
    ]);
  });
});

describe('clientToken', () => {
  it.each([L.clientTokenMinChars, L.clientTokenMaxChars])('accepts %i characters', (n) => {
    expect(sendEventProblems({ ...valid, clientToken: 't'.repeat(n) })).toEqual([]);
  });

  it.each([0, L.clientTokenMinChars - 1, L.clientTokenMaxChars + 1])('rejects %i characters', (n) => {
    const [problem] = sendEventProblems({ ...valid, clientToken: 't'.repeat(n) });
    expect(problem!.field).toBe('input.clientToken');
    expect(problem!.message).toContain(`(it is ${n})`);
  });

  it('counts emoji as one character each', () => {
    expect(sendEventProblems({ ...valid, clientToken: EMOJI.repeat(L.clientTokenMaxChars) })).toEqual([]);
    expect(fieldsOf({ ...valid, clientToken: EMOJI.repeat(L.clientTokenMinChars - 1) })).toEqual([
      'input.clientToken',
    ]);
  });
});

describe('datasetTarget', () => {
  it('is required for DATASET events', () => {
    const [problem] = sendEventProblems({ ...dataset, datasetTarget: null });
    expect(problem!.field).toBe('input.datasetTarget');
    expect(problem!.message).toContain('is required for DATASET events');
  });

  it('is refused for other event types', () => {
    const [problem] = sendEventProblems({ ...valid, datasetTarget: dataset.datasetTarget });
    expect(problem!.field).toBe('input.datasetTarget');
    expect(problem!.message).toContain('remove it for INBOUND_ORDER events');
  });

  it.each([
    ['not an ARN', 'inbound_order'],
    ['an ARN of another service', `arn:aws:s3:::bucket/${'x'.repeat(20)}`],
    ['an ARN without a dataset name', arnPrefix()],
    ['an ARN with an upper-case instance id', `${arnPrefix(INSTANCE.toUpperCase())}d`],
  ])('rejects a datasetIdentifier that is %s', (_what, datasetIdentifier) => {
    const problems = sendEventProblems({
      ...dataset,
      datasetTarget: { datasetIdentifier, operationType: 'APPEND' },
    });
    expect(problems.map((p) => p.field)).toEqual(['input.datasetTarget.datasetIdentifier']);
    expect(problems[0]!.message).toContain('must be a dataset ARN');
  });

  it(`accepts an ARN of exactly ${L.datasetArnMaxChars} characters and rejects one more`, () => {
    const name = (n: number) => 'd'.repeat(n - arnPrefix().length);
    const target = (n: number) => ({
      datasetIdentifier: `${arnPrefix()}${name(n)}`,
      operationType: 'UPSERT',
    });
    expect(sendEventProblems({ ...dataset, datasetTarget: target(L.datasetArnMaxChars) })).toEqual([]);
    expect(fieldsOf({ ...dataset, datasetTarget: target(L.datasetArnMaxChars + 1) })).toEqual([
      'input.datasetTarget.datasetIdentifier',
    ]);
  });

  it('rejects a dataset of another instance, naming both instances', () => {
    const datasetIdentifier = `${arnPrefix(OTHER_INSTANCE)}inbound_order`;
    const [problem] = sendEventProblems({
      ...dataset,
      datasetTarget: { datasetIdentifier, operationType: 'DELETE' },
    });
    expect(problem!.field).toBe('input.datasetTarget.datasetIdentifier');
    expect(problem!.message).toContain(OTHER_INSTANCE);
    expect(problem!.message).toContain(INSTANCE);
  });
});

describe('several problems', () => {
  it('reports every problem at once, in field order', () => {
    const problems = sendEventProblems({
      instanceId: 'x',
      eventType: 'DATASET',
      data: '',
      eventGroupId: '',
      eventTimestamp: new Date(Number.NaN),
      clientToken: 'short',
    });
    expect(problems.map((p) => p.field)).toEqual([
      'input.instanceId',
      'input.data',
      'input.eventGroupId',
      'input.eventTimestamp',
      'input.clientToken',
      'input.datasetTarget',
    ]);
  });

  it('prefixes fields with the argument path it is given', () => {
    expect(sendEventProblems({ ...valid, eventGroupId: '' }, 'inputs.2').map((p) => p.field)).toEqual([
      'inputs.2.eventGroupId',
    ]);
  });
});

describe('problemsError', () => {
  it('turns one problem into a BAD_USER_INPUT whose message is the field and its problem', () => {
    const problems = sendEventProblems({ ...valid, eventGroupId: '' });
    const error = problemsError(problems);
    expect(error.message).toBe(`input.eventGroupId ${problems[0]!.message}`);
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'input.eventGroupId', problems });
  });

  it('lists several problems in one message, with the first field in `field`', () => {
    const problems = sendEventProblems({ ...valid, instanceId: 'x', data: '' });
    const error = problemsError(problems);
    expect(error.message).toMatch(/^2 problems with the input: input\.instanceId .+; input\.data .+/);
    expect(error.extensions['code']).toBe('BAD_USER_INPUT');
    expect(error.extensions['field']).toBe('input.instanceId');
    expect(error.extensions['problems']).toEqual(problems);
  });
});
