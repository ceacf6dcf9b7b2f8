/**
 * The emulator's model-driven input validation against the real Supply Chain model, phrased as AWS
 * phrases it: "Value 'x' at 'path' failed to satisfy constraint: Member must ...".
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { SmithyModel } from '../../src/emulator/protocol/model.js';
import { validate, validationMessage } from '../../src/emulator/protocol/validate.js';

const NS = 'com.amazonaws.supplychain';
const INSTANCE = '8928ae12-15e5-4441-825d-ec2184f0a43a';
const UUID_PATTERN = '^[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}$';
const ARN = `arn:aws:scn:us-east-1:123456789012:instance/${INSTANCE}/namespaces/asc/datasets/orders`;

let model: SmithyModel;
beforeAll(() => {
  model = SmithyModel.load('supplychain');
});

/** Validates an operation input member by member, as the restJson front does. */
function problems(operation: string, input: Record<string, unknown>): string[] {
  const shape = model.shape(`${NS}#${operation}Request`);
  return Object.entries(shape.members ?? {}).flatMap(([name, member]) =>
    validate(model, member, input[name], name),
  );
}

const send = (fields: Record<string, unknown> = {}) => ({
  instanceId: INSTANCE,
  eventType: 'scn.data.inboundorder',
  data: '{"id":1}',
  eventGroupId: 'g1',
  ...fields,
});

describe('validate', () => {
  it('finds nothing wrong with a valid input', () => {
    expect(problems('SendDataIntegrationEvent', send())).toEqual([]);
    expect(
      problems(
        'SendDataIntegrationEvent',
        send({
          eventType: 'scn.data.dataset',
          datasetTarget: { datasetIdentifier: ARN, operationType: 'UPSERT' },
        }),
      ),
    ).toEqual([]);
  });

  it('reports a missing required member as null', () => {
    expect(problems('SendDataIntegrationEvent', send({ eventGroupId: undefined }))).toEqual([
      "Value null at 'eventGroupId' failed to satisfy constraint: Member must not be null",
    ]);
  });

  it('lets optional members be absent', () => {
    expect(problems('ListDataIntegrationEvents', { instanceId: INSTANCE })).toEqual([]);
  });

  it('reports a string over its maximum length', () => {
    const groupId = 'g'.repeat(256);
    expect(problems('SendDataIntegrationEvent', send({ eventGroupId: groupId }))).toEqual([
      `Value '${groupId}' at 'eventGroupId' failed to satisfy constraint: Member must have length less than or equal to 255`,
    ]);
  });

  it('reports a string under its minimum length', () => {
    expect(problems('SendDataIntegrationEvent', send({ clientToken: 'short' }))).toEqual([
      "Value 'short' at 'clientToken' failed to satisfy constraint: Member must have length greater than or equal to 33",
    ]);
  });

  it('counts length in code points: 255 emoji fit a 255-character limit', () => {
    expect(problems('SendDataIntegrationEvent', send({ eventGroupId: '😀'.repeat(255) }))).toEqual([]);
    expect(problems('SendDataIntegrationEvent', send({ eventGroupId: '😀'.repeat(256) }))).toHaveLength(1);
  });

  it('reports a pattern mismatch with the pattern, after the length problem', () => {
    expect(problems('GetDataIntegrationEvent', { instanceId: 'nope', eventId: INSTANCE })).toEqual([
      "Value 'nope' at 'instanceId' failed to satisfy constraint: Member must have length greater than or equal to 36",
      `Value 'nope' at 'instanceId' failed to satisfy constraint: Member must satisfy regular expression pattern: ${UUID_PATTERN}`,
    ]);
  });

  it('reports a pattern mismatch alone when the length is right', () => {
    const upper = INSTANCE.toUpperCase();
    expect(problems('GetDataIntegrationEvent', { instanceId: INSTANCE, eventId: upper })).toEqual([
      `Value '${upper}' at 'eventId' failed to satisfy constraint: Member must satisfy regular expression pattern: ${UUID_PATTERN}`,
    ]);
  });

  it.each([
    [
      0,
      "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1",
    ],
    [
      21,
      "Value '21' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 20",
    ],
  ])('reports maxResults %i out of range', (maxResults, message) => {
    expect(problems('ListDataIntegrationEvents', { instanceId: INSTANCE, maxResults })).toEqual([message]);
  });

  it.each([1, 20])('accepts maxResults %i (the range bounds)', (maxResults) => {
    expect(problems('ListDataIntegrationEvents', { instanceId: INSTANCE, maxResults })).toEqual([]);
  });

  it('reports a value outside an enum with the allowed wire values', () => {
    const [problem, ...rest] = problems('SendDataIntegrationEvent', send({ eventType: 'FORECAST' }));
    expect(rest).toEqual([]);
    expect(problem).toMatch(
      /^Value 'FORECAST' at 'eventType' failed to satisfy constraint: Member must satisfy enum value set: \[scn\.data\.forecast, .*scn\.data\.dataset.*\]$/,
    );
  });

  it('does not echo a sensitive value', () => {
    const secret = `{"ssn":"123-45-6789","pad":"${'x'.repeat(1_048_576)}"}`;
    const found = problems('SendDataIntegrationEvent', send({ data: secret }));
    expect(found).toEqual([
      "Value at 'data' failed to satisfy constraint: Member must have length less than or equal to 1048576",
    ]);
    expect(found.join()).not.toContain('123-45-6789');
  });

  it('names nested members by their dotted path', () => {
    expect(
      problems(
        'SendDataIntegrationEvent',
        send({ datasetTarget: { datasetIdentifier: 'arn:aws:scn:bad', operationType: 'MERGE' } }),
      ),
    ).toEqual([
      "Value 'arn:aws:scn:bad' at 'datasetTarget.datasetIdentifier' failed to satisfy constraint: Member must have length greater than or equal to 20",
      expect.stringMatching(
        /^Value 'arn:aws:scn:bad' at 'datasetTarget\.datasetIdentifier' failed to satisfy constraint: Member must satisfy regular expression pattern: \^arn:aws:scn:/,
      ),
      "Value 'MERGE' at 'datasetTarget.operationType' failed to satisfy constraint: Member must satisfy enum value set: [APPEND, UPSERT, DELETE]",
    ]);
  });

  it('reports a missing required nested member', () => {
    expect(problems('SendDataIntegrationEvent', send({ datasetTarget: { datasetIdentifier: ARN } }))).toEqual(
      ["Value null at 'datasetTarget.operationType' failed to satisfy constraint: Member must not be null"],
    );
  });

  it('names list items by their 1-based member path', () => {
    expect(problems('ListInstances', { instanceStateFilter: ['Active', 'Sleeping'] })).toEqual([
      "Value 'Sleeping' at 'instanceStateFilter.2.member' failed to satisfy constraint: Member must satisfy enum value set: [Initializing, Active, CreateFailed, DeleteFailed, Deleting, Deleted]",
    ]);
  });

  it('checks the length of a list', () => {
    const names = Array.from({ length: 11 }, (_, i) => `name${i}`);
    expect(problems('ListInstances', { instanceNameFilter: names })).toEqual([
      `Value '${JSON.stringify(names)}' at 'instanceNameFilter' failed to satisfy constraint: Member must have length less than or equal to 10`,
    ]);
  });

  it('reports every problem of an input', () => {
    expect(problems('SendDataIntegrationEvent', { instanceId: INSTANCE })).toEqual([
      "Value null at 'eventType' failed to satisfy constraint: Member must not be null",
      "Value at 'data' failed to satisfy constraint: Member must not be null", // sensitive: no value shown
      "Value null at 'eventGroupId' failed to satisfy constraint: Member must not be null",
    ]);
  });
});

describe('validationMessage', () => {
  it('phrases one violation as AWS does', () => {
    expect(validationMessage(['A'])).toBe('1 validation error detected: A');
  });

  it('phrases several violations joined by "; "', () => {
    expect(validationMessage(['A', 'B', 'C'])).toBe('3 validation errors detected: A; B; C');
  });
});
