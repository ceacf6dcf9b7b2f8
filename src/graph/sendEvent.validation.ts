/**
 * Full validation of a `sendEvent` input before any upstream call, with the model's sizes and patterns.
 * Every problem is reported at once, each naming the field and saying how to fix it.
 */
import { GraphQLError } from 'graphql';
import { ErrorCode } from '../errors.js';
import { DATASET_ARN, UUID } from './ids.js';

/** The model's limits (SendDataIntegrationEventRequest). */
export const SEND_EVENT_LIMITS = {
  dataMaxChars: 1_048_576,
  eventGroupIdMaxChars: 255,
  clientTokenMinChars: 33,
  clientTokenMaxChars: 126,
  datasetArnMinChars: 20,
  datasetArnMaxChars: 1011,
} as const;

/** The fields of a `sendEvent` input that are checked before any upstream call. */
export interface SendEventInputShape {
  readonly instanceId: string;
  readonly eventType: string;
  readonly data: string;
  readonly eventGroupId: string;
  readonly eventTimestamp?: Date | null;
  readonly clientToken?: string | null;
  readonly datasetTarget?: { readonly datasetIdentifier: string; readonly operationType: string } | null;
}

/** One problem of an input: the field (dotted path) and what to fix. */
export interface FieldProblem {
  readonly field: string;
  readonly message: string;
}

const chars = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/** Returns every problem with the input; empty when it may be sent. `prefix` names the argument. */
export function sendEventProblems(input: SendEventInputShape, prefix = 'input'): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const add = (field: string, message: string): void =>
    void problems.push({ field: `${prefix}.${field}`, message });
  const L = SEND_EVENT_LIMITS;

  if (!UUID.test(input.instanceId))
    add(
      'instanceId',
      'must be a Supply Chain instance id: a lowercase UUID such as 8f6e7c1a-0b2d-4c3e-9f10-1a2b3c4d5e6f',
    );

  const dataChars = chars(input.data);
  if (dataChars === 0)
    add('data', 'must not be empty: pass the record as JSON text, e.g. "{\\"product_id\\":\\"P1\\"}"');
  else if (dataChars > L.dataMaxChars)
    add(
      'data',
      `is ${dataChars} characters; AWS takes at most ${L.dataMaxChars}. Split the records over several events.`,
    );
  else {
    let parsed: unknown;
    try {
      parsed = JSON.parse(input.data);
    } catch (err) {
      add(
        'data',
        `is not valid JSON (${(err as Error).message}); it must be JSON text of an object (one record) or an array (several records)`,
      );
    }
    if (parsed !== undefined && (typeof parsed !== 'object' || parsed === null)) {
      add(
        'data',
        `must be a JSON object (one record) or array (several records), not ${parsed === null ? 'null' : typeof parsed}`,
      );
    }
  }

  const groupChars = chars(input.eventGroupId);
  if (groupChars < 1 || groupChars > L.eventGroupIdMaxChars) {
    add(
      'eventGroupId',
      `must be 1 to ${L.eventGroupIdMaxChars} characters (it is ${groupChars}); events with the same type and group are processed in order`,
    );
  }

  if (input.eventTimestamp && Number.isNaN(input.eventTimestamp.getTime()))
    add('eventTimestamp', 'is not a valid date-time');

  if (input.clientToken !== undefined && input.clientToken !== null) {
    const n = chars(input.clientToken);
    if (n < L.clientTokenMinChars || n > L.clientTokenMaxChars) {
      add(
        'clientToken',
        `must be ${L.clientTokenMinChars} to ${L.clientTokenMaxChars} characters (it is ${n}); a UUID (36 characters) works, or omit it and the gateway generates one`,
      );
    }
  }

  const isDataset = input.eventType === 'DATASET';
  const target = input.datasetTarget;
  if (isDataset && !target) {
    add(
      'datasetTarget',
      'is required for DATASET events: give the target datasetIdentifier (the dataset ARN) and operationType (APPEND, UPSERT or DELETE)',
    );
  } else if (!isDataset && target) {
    add('datasetTarget', `is only for DATASET events; remove it for ${input.eventType} events`);
  } else if (target) {
    const arn = target.datasetIdentifier;
    const n = chars(arn);
    const m = DATASET_ARN.exec(arn);
    if (n < L.datasetArnMinChars || n > L.datasetArnMaxChars || !m) {
      add(
        'datasetTarget.datasetIdentifier',
        'must be a dataset ARN: arn:aws:scn:<region>:<account>:instance/<instanceId>/namespaces/<namespace>/datasets/<dataset>',
      );
    } else if (m[3] !== input.instanceId) {
      add(
        'datasetTarget.datasetIdentifier',
        `names instance ${m[3]}, but the event is sent to instance ${input.instanceId}; use a dataset of the same instance`,
      );
    }
  }
  return problems;
}

/** The BAD_USER_INPUT error for a list of problems (one error, every problem listed). */
export function problemsError(problems: readonly FieldProblem[]): GraphQLError {
  const message =
    problems.length === 1
      ? `${problems[0]!.field} ${problems[0]!.message}`
      : `${problems.length} problems with the input: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`;
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, field: problems[0]?.field, problems },
  });
}
