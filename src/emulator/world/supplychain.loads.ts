/**
 * Timelines and outcomes of Supply Chain loads: an event's dataset load and a flow execution. An outcome
 * is a stable draw from the world seed and the resource id; a sent event whose data does not fit the
 * target dataset's schema fails on that instead, naming the record and field, as an ingestion would.
 *
 * Internal to the emulator.
 */
import { internalFieldsOf, recordProblem } from './catalog.js';
import type {
  DatasetOperationType,
  DatasetRecord,
  ExecutionSourceInfo,
  FlowRecord,
  InstanceRecord,
  LoadTimeline,
  TerminalLoadStatus,
} from './records.js';
import { rngFor, unitFor } from './rng.js';
import { loadOutcome } from './schedules.js';
import type { Timing } from './timing.js';

/**
 * What planning an event's dataset load needs: the world's seed and timing, the instance (its group queue),
 * the event and the dataset it targets. Times are epoch ms, emulator clock.
 */
export interface EventLoadRequest {
  readonly seed: number;
  readonly timing: Timing;
  readonly instance: InstanceRecord;
  readonly eventId: string;
  readonly eventType: string;
  readonly eventGroupId: string;
  readonly receivedMs: number;
  readonly dataset: DatasetRecord;
  readonly operationType: DatasetOperationType;
  /** How long the load runs once started; default `timing.eventRunMs`. */
  readonly runMs?: number;
  /** The records sent, when known: they are checked against the dataset schema. */
  readonly records?: readonly unknown[];
}

/**
 * Plans a dataset load. Events with the same type and group are processed in arrival order, so a load
 * starts after its queue wait and after the previous load of its group ends. Records the new group tail.
 */
export function planEventLoad(request: EventLoadRequest): LoadTimeline {
  const { instance, timing } = request;
  const groupKey = `${request.eventType}\u0000${request.eventGroupId}`;
  const startMs = Math.max(request.receivedMs + timing.eventQueuedMs, instance.groupTails.get(groupKey) ?? 0);
  const endMs = startMs + (request.runMs ?? timing.eventRunMs);
  instance.groupTails.set(groupKey, Math.max(endMs, instance.groupTails.get(groupKey) ?? 0));

  const invalid = request.records
    ? firstInvalidRecord(request.dataset, request.records, request.operationType)
    : undefined;
  if (invalid) return { startMs, endMs, outcome: 'FAILED', message: invalid };
  const outcome = loadOutcome(unitFor(request.seed, 'event', request.eventId), timing);
  if (outcome === 'SUCCEEDED') return { startMs, endMs, outcome };
  return {
    startMs,
    endMs,
    outcome,
    message: loadFailureMessage(request.seed, request.eventId, request.dataset, !request.records),
  };
}

function firstInvalidRecord(
  dataset: DatasetRecord,
  records: readonly unknown[],
  operation: DatasetOperationType,
): string | undefined {
  for (const [index, record] of records.entries()) {
    const problem = recordProblem(dataset.schema, record, operation, internalFieldsOf(dataset.namespace));
    if (problem) return `Record ${index + 1} ${problem} of dataset ${dataset.namespace}/${dataset.name}`;
  }
  return undefined;
}

function loadFailureMessage(
  seed: number,
  eventId: string,
  dataset: DatasetRecord,
  dataUnknown: boolean,
): string {
  const rng = rngFor(seed, 'event-message', eventId);
  const keys = (dataset.schema.primaryKeys ?? []).map((k) => k.name);
  const numeric = dataset.schema.fields.filter((f) => f.type !== 'STRING');
  const target = `${dataset.namespace}/${dataset.name}`;
  const transient = [
    `Failed to commit records to dataset ${target}: a concurrent write to the same partition won; resend the event`,
    `Failed to load dataset ${target}: internal error while writing to the data lake`,
  ];
  if (!dataUnknown) return rng.pick(transient);
  const recordNo = rng.int(1, 400);
  const shaped = [
    `Record ${recordNo} is missing required field '${rng.pick(keys.length > 0 ? keys : ['id'])}' of dataset ${target}`,
    `Duplicate primary key (${keys.join(', ')}) in records ${recordNo} and ${recordNo + rng.int(1, 40)}`,
  ];
  if (numeric.length > 0) {
    const field = rng.pick(numeric);
    shaped.push(
      `Record ${recordNo} has field '${field.name}' that is not a valid ${field.type} of dataset ${target}`,
    );
  }
  return rng.pick([...shaped, ...transient]);
}

/**
 * A flow execution's fate, fixed when it is created: when it ends (epoch ms, emulator clock), how, and what
 * it read.
 */
export interface ExecutionPlan {
  readonly endMs: number;
  readonly outcome: TerminalLoadStatus;
  readonly message?: string;
  readonly sourceInfo: ExecutionSourceInfo;
  readonly diagnosticReportsRootS3URI?: string;
}

/** Plans a flow execution starting at `startMs`: its source object, duration and outcome. */
export function planExecution(
  seed: number,
  timing: Timing,
  flow: FlowRecord,
  executionId: string,
  startMs: number,
  datasetName: (arn: string) => string,
): ExecutionPlan {
  const rng = rngFor(seed, 'execution', executionId);
  const endMs = startMs + Math.round(timing.executionRunMs * rng.between(0.5, 2));
  const source = flow.sources[0]!;
  const day = new Date(startMs).toISOString().slice(0, 10).replaceAll('-', '/');
  const sourceInfo: ExecutionSourceInfo = source.s3Source
    ? {
        sourceType: 'S3',
        s3Source: {
          bucketName: source.s3Source.bucketName,
          key: `${source.s3Source.prefix}/${day}/${source.sourceName}-${String(rng.int(0, 9_999)).padStart(4, '0')}.${extension(source.s3Source.options?.fileType)}`,
        },
      }
    : {
        sourceType: 'DATASET',
        datasetSource: { datasetIdentifier: source.datasetSource!.datasetIdentifier },
      };
  const outcome = loadOutcome(unitFor(seed, 'execution', executionId), timing);
  if (outcome === 'SUCCEEDED') return { endMs, outcome, sourceInfo };

  const targetArn = flow.target.datasetTarget?.datasetIdentifier;
  const target = targetArn ? datasetName(targetArn) : 'the target';
  const where = sourceInfo.s3Source
    ? `s3://${sourceInfo.s3Source.bucketName}/${sourceInfo.s3Source.key}`
    : source.sourceName;
  const messages = [
    `Failed to write to dataset ${target}: ${rng.int(2, 900)} records violate the primary key constraint`,
    `Execution timed out after ${Math.round((endMs - startMs) / 1000)} seconds while loading ${target}`,
  ];
  if (sourceInfo.s3Source) {
    messages.push(`Failed to read ${where}: Access Denied`);
    messages.push(
      `Failed to parse ${where}: expected ${rng.int(8, 20)} columns but found ${rng.int(3, 7)} at line ${rng.int(2, 50_000)}`,
    );
  }
  if (flow.transformation.transformationType === 'SQL') {
    messages.push(`SQL transformation failed: column '${source.sourceName}.updated_ts' cannot be resolved`);
  }
  const bucket = flow.sources.find((s) => s.s3Source)?.s3Source?.bucketName ?? 'aws-supply-chain-diagnostics';
  return {
    endMs,
    outcome,
    message: rng.pick(messages),
    sourceInfo,
    diagnosticReportsRootS3URI: `s3://${bucket}/diagnostics/${flow.name}/${executionId}/`,
  };
}

function extension(fileType: 'CSV' | 'PARQUET' | 'JSON' | undefined): string {
  return fileType === 'PARQUET' ? 'parquet' : fileType === 'JSON' ? 'json' : 'csv';
}
