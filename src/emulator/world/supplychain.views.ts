/**
 * Supply Chain records as the model's output structures at a given time (timestamps as `Date`; the wire
 * layer writes them as epoch seconds). Optional members that do not apply are left out, never null.
 *
 * Internal to the emulator.
 */
import type {
  DatasetRecord,
  EventRecord,
  ExecutionRecord,
  FlowRecord,
  InstanceRecord,
  NamespaceRecord,
} from './records.js';
import { executionStatusAt, loadStatusAt } from './schedules.js';

const at = (ms: number): Date => new Date(ms);

/** An instance as GetInstance and ListInstances return it. */
export function instanceView(instance: InstanceRecord): Record<string, unknown> {
  return {
    instanceId: instance.instanceId,
    awsAccountId: instance.awsAccountId,
    state: instance.state,
    webAppDnsDomain: instance.webAppDnsDomain,
    createdTime: at(instance.createdMs),
    lastModifiedTime: at(instance.modifiedMs),
    instanceName: instance.instanceName,
    instanceDescription: instance.instanceDescription,
    ...(instance.kmsKeyArn ? { kmsKeyArn: instance.kmsKeyArn } : {}),
    versionNumber: instance.versionNumber,
  };
}

/** A data lake namespace as GetDataLakeNamespace and ListDataLakeNamespaces return it. */
export function namespaceView(namespace: NamespaceRecord): Record<string, unknown> {
  return {
    instanceId: namespace.instanceId,
    name: namespace.name,
    arn: namespace.arn,
    ...(namespace.description ? { description: namespace.description } : {}),
    createdTime: at(namespace.createdMs),
    lastModifiedTime: at(namespace.modifiedMs),
  };
}

/** A dataset as GetDataLakeDataset and ListDataLakeDatasets return it. */
export function datasetView(dataset: DatasetRecord): Record<string, unknown> {
  return {
    instanceId: dataset.instanceId,
    namespace: dataset.namespace,
    name: dataset.name,
    arn: dataset.arn,
    schema: dataset.schema,
    ...(dataset.description ? { description: dataset.description } : {}),
    ...(dataset.partitionSpec ? { partitionSpec: dataset.partitionSpec } : {}),
    createdTime: at(dataset.createdMs),
    lastModifiedTime: at(dataset.modifiedMs),
  };
}

/** A flow as GetDataIntegrationFlow and ListDataIntegrationFlows return it. */
export function flowView(flow: FlowRecord): Record<string, unknown> {
  return {
    instanceId: flow.instanceId,
    name: flow.name,
    sources: flow.sources,
    transformation: flow.transformation,
    target: flow.target,
    createdTime: at(flow.createdMs),
    lastModifiedTime: at(flow.modifiedMs),
  };
}

/**
 * An event as GetDataIntegrationEvent and ListDataIntegrationEvents return it, its load's status as of
 * `nowMs`.
 */
export function eventView(event: EventRecord, nowMs: number): Record<string, unknown> {
  return {
    instanceId: event.instanceId,
    eventId: event.eventId,
    eventType: event.eventType,
    eventGroupId: event.eventGroupId,
    eventTimestamp: at(event.eventTimestampMs),
    ...(event.datasetTarget && event.load
      ? {
          datasetTargetDetails: {
            datasetIdentifier: event.datasetTarget.datasetIdentifier,
            operationType: event.datasetTarget.operationType,
            datasetLoadExecution: loadStatusAt(event.load, nowMs),
          },
        }
      : {}),
  };
}

/** A flow execution as AWS returns it, its status (and end time, once finished) as of `nowMs`. */
export function executionView(execution: ExecutionRecord, nowMs: number): Record<string, unknown> {
  const { status, finished } = executionStatusAt(execution, nowMs);
  return {
    instanceId: execution.instanceId,
    flowName: execution.flowName,
    executionId: execution.executionId,
    status,
    sourceInfo: execution.sourceInfo,
    ...(finished && execution.message ? { message: execution.message } : {}),
    startTime: at(execution.startMs),
    ...(finished ? { endTime: at(execution.endMs) } : {}),
    ...(finished && execution.diagnosticReportsRootS3URI
      ? { outputMetadata: { diagnosticReportsRootS3URI: execution.diagnosticReportsRootS3URI } }
      : {}),
  };
}
