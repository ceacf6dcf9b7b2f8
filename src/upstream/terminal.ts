/**
 * Which upstream states are terminal (can never change again), per resource. Exhaustive over the AWS
 * enums: a status AWS adds later breaks the build here instead of being cached forever by mistake.
 */
import type { DataSourceRunStatus } from '@aws-sdk/client-datazone';
import type {
  DataIntegrationEvent,
  DataIntegrationEventDatasetLoadStatus as DatasetLoadStatus,
  DataIntegrationFlowExecution,
  DataIntegrationFlowExecutionStatus as FlowExecutionStatus,
} from './supplychain/index.js';

export function assertNever(value: never, what: string): never {
  throw new Error(`unexpected ${what}: ${String(value)}`);
}

export function isTerminalLoadStatus(status: DatasetLoadStatus | FlowExecutionStatus): boolean {
  switch (status) {
    case 'SUCCEEDED':
    case 'FAILED':
      return true;
    case 'IN_PROGRESS':
      return false;
    default:
      return assertNever(status, 'load status');
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
      return assertNever(status, 'data source run status');
  }
}

export function isTerminalRun(run: { status: DataSourceRunStatus | undefined }): boolean {
  return run.status === undefined ? false : isTerminalRunStatus(run.status);
}
