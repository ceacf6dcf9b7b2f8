/**
 * SendEventInput's own rules (sendEvent.validation.ts) on a raw variable value that failed coercion, so a
 * refused request lists them beside the type errors (a missing `datasetTarget` of a DATASET event beside a
 * missing `eventGroupId`). A field that is absent or of the wrong type is left to the type errors: it is
 * given a neutral value here, and the problems about it are dropped.
 */
import { DATASET_ARN } from './ids.js';
import { sendEventProblems, type FieldProblem, type SendEventInputShape } from './sendEvent.validation.js';

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * The SendEventInput rule problems of a raw (uncoerced) value at `field`, omitting any about fields that
 * are absent or mistyped (the type errors report those). Never throws; empty when the rules hold.
 */
export function sendEventRawProblems(raw: Readonly<Record<string, unknown>>, field: string): FieldProblem[] {
  const target = raw['datasetTarget'];
  const targetArn =
    typeof target === 'object' && target !== null
      ? text((target as Record<string, unknown>)['datasetIdentifier'])
      : undefined;
  // A missing instance id must not read as a mismatch with the dataset's: assume the dataset's.
  const instanceId = text(raw['instanceId']) ?? DATASET_ARN.exec(targetArn ?? '')?.[3] ?? '';
  // An event type that is not an enum name is a type error; nothing follows from it.
  const eventType = /^[A-Z][A-Z_]*$/.test(text(raw['eventType']) ?? '') ? text(raw['eventType']) : undefined;
  const shape: SendEventInputShape = {
    instanceId,
    eventType: eventType ?? '',
    data: text(raw['data']) ?? '{}',
    eventGroupId: text(raw['eventGroupId']) ?? 'given',
    clientToken: text(raw['clientToken']) ?? null,
    datasetTarget: targetArn !== undefined ? { datasetIdentifier: targetArn, operationType: 'UPSERT' } : null,
  };
  const unchecked = new Set<string>();
  if (text(raw['instanceId']) === undefined) unchecked.add('instanceId');
  // Whether a target belongs is decided by the event type: unknown type, nothing to say about the target.
  if (eventType === undefined) unchecked.add('datasetTarget');
  if (target !== undefined && target !== null && targetArn === undefined) unchecked.add('datasetTarget');
  return sendEventProblems(shape, field).filter(
    (p) =>
      ![...unchecked].some(
        (name) => p.field === `${field}.${name}` || p.field.startsWith(`${field}.${name}.`),
      ),
  );
}
