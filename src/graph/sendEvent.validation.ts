/**
 * Full validation of a `sendEvent` input before any upstream call, with the model's sizes and patterns,
 * then the dataset rules of the SendDataIntegrationEvent reference against the target dataset's
 * definition. Every problem is reported at once, each naming the field and saying how to fix it.
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

/** What the dataset rules read of a dataset definition (GetDataLakeDataset's `dataset`). */
export interface DatasetDefinitionShape {
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
  readonly schema?: { readonly primaryKeys?: readonly unknown[] | undefined } | undefined;
}

/** Fields AWS Supply Chain fills in for datasets of the `asc` namespace; clients may not send them. */
export const ASC_INTERNAL_FIELDS: readonly string[] = ['connection_id'];

/** The target dataset `{instanceId, namespace, name}` of a DATASET event, when its ARN is well formed. */
export function targetDatasetKey(
  input: SendEventInputShape,
): { instanceId: string; namespace: string; name: string } | undefined {
  const m = input.datasetTarget ? DATASET_ARN.exec(input.datasetTarget.datasetIdentifier) : null;
  return m ? { instanceId: m[3]!, namespace: m[4]!, name: m[5]! } : undefined;
}

/**
 * The dataset rules (for an input {@link sendEventProblems} found nothing wrong with): UPSERT and DELETE
 * only for a dataset with primary keys; no record of an `asc` dataset carries an internal field such as
 * `connection_id`.
 */
export function datasetRuleProblems(
  input: SendEventInputShape,
  dataset: DatasetDefinitionShape,
  prefix = 'input',
): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const name = `${dataset.namespace}/${dataset.name}`;
  const operation = input.datasetTarget?.operationType;
  if ((operation === 'UPSERT' || operation === 'DELETE') && !dataset.schema?.primaryKeys?.length) {
    problems.push({
      field: `${prefix}.datasetTarget.operationType`,
      message: `is ${operation}, but dataset ${name} has no primary keys: AWS takes UPSERT and DELETE only for a dataset with primary keys. Use APPEND, or target a dataset with primary keys.`,
    });
  }
  if (dataset.namespace === 'asc') {
    const parsed: unknown = JSON.parse(input.data);
    const records: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
    for (const [index, record] of records.entries()) {
      if (typeof record !== 'object' || record === null) continue;
      const field = ASC_INTERNAL_FIELDS.find((f) => Object.hasOwn(record, f));
      if (field) {
        problems.push({
          field: `${prefix}.data`,
          message: `record ${index + 1} carries ${field}, an internal field of asc datasets (${name}) that AWS Supply Chain fills in itself and refuses from clients. Remove ${field} from the records.`,
        });
        break;
      }
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
