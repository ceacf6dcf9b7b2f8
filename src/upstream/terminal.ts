/**
 * Which upstream states are terminal (can never change again), per resource. Exhaustive over the AWS
 * enums the SDK types know: a status added to them breaks the build here instead of being cached forever
 * by mistake. A status AWS sends before the types know it is not terminal, so the load is still polled.
 */
import type { DataSourceRunStatus } from '@aws-sdk/client-datazone';
import type {
  DataIntegrationEvent,
  DataIntegrationEventDatasetLoadStatus as DatasetLoadStatus,
  DataIntegrationFlowExecution,
  DataIntegrationFlowExecutionStatus as FlowExecutionStatus,
} from './supplychain/index.js';

/**
 * The answer for an AWS enum value the gateway does not know. Typed `never`, so a switch ending in it
 * stays exhaustive over the values the types know; at run time AWS may send one they do not
 * (it adds values without notice), and that gets `fallback` instead of an exception.
 */
export function unknownValue<T>(_value: never, fallback: T): T {
  return fallback;
}

/**
 * Whether a Supply Chain dataset load or flow execution status is final: SUCCEEDED and FAILED are,
 * IN_PROGRESS and any status the types do not know are not.
 */
export function isTerminalLoadStatus(status: DatasetLoadStatus | FlowExecutionStatus): boolean {
  switch (status) {
    case 'SUCCEEDED':
    case 'FAILED':
      return true;
    case 'IN_PROGRESS':
      return false;
    default:
      return unknownValue(status, false);
  }
}

/** An event without a dataset target has no load to wait for: terminal at once. */
export function isTerminalEvent(event: DataIntegrationEvent): boolean {
  const status = event.datasetTargetDetails?.datasetLoadExecution?.status;
  return status === undefined ? true : isTerminalLoadStatus(status);
}

/** An execution with no status yet is not terminal. */
export function isTerminalExecution(execution: DataIntegrationFlowExecution): boolean {
  return execution.status === undefined ? false : isTerminalLoadStatus(execution.status);
}

/**
 * Whether a DataZone data source run status is final: SUCCESS, FAILED and PARTIALLY_SUCCEEDED are;
 * REQUESTED, RUNNING and any status the types do not know are not.
 */
export function isTerminalRunStatus(status: DataSourceRunStatus): boolean {
  switch (status) {
    case 'SUCCESS':
    case 'FAILED':
    case 'PARTIALLY_SUCCEEDED':
      return true;
    case 'REQUESTED':
    case 'RUNNING':
      return false;
    default:
      return unknownValue(status, false);
  }
}

/** Whether a data source run is final; a run with no status yet is not. */
export function isTerminalRun(run: { status: DataSourceRunStatus | undefined }): boolean {
  return run.status === undefined ? false : isTerminalRunStatus(run.status);
}
