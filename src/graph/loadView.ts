/**
 * The `Load` interface fields of each kind, derived from its upstream shape: the normalized status, the
 * raw one, whether it is terminal, and its start, finish and message. Exhaustive over the AWS enums; a
 * status the gateway does not know is UNKNOWN (and not terminal), its raw value still in `upstreamStatus`.
 */
import type {
  DataIntegrationEvent,
  DataIntegrationFlowExecution,
  DataSourceRunModel,
} from '../upstream/models.js';
import { unknownValue, isTerminalEvent, isTerminalExecution, isTerminalRun } from '../upstream/terminal.js';

export type LoadStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'PARTIALLY_SUCCEEDED' | 'FAILED' | 'UNKNOWN';

export interface LoadView {
  readonly status: LoadStatus;
  readonly upstreamStatus: string | null;
  readonly terminal: boolean;
  readonly startedAt: Date | null;
  readonly finishedAt: Date | null;
  readonly message: string | null;
}

/**
 * The view of an upstream object, computed once per object (six fields of a load read it; a cached
 * terminal load is the same object request after request). Upstream objects are never mutated.
 */
function memoized<T extends object>(compute: (value: T) => LoadView): (value: T) => LoadView {
  const views = new WeakMap<T, LoadView>();
  return (value) => {
    let view = views.get(value);
    if (!view) views.set(value, (view = compute(value)));
    return view;
  };
}

function supplyChainStatus(status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | undefined): LoadStatus {
  switch (status) {
    case undefined:
      return 'UNKNOWN';
    case 'IN_PROGRESS':
      return 'RUNNING';
    case 'SUCCEEDED':
      return 'SUCCEEDED';
    case 'FAILED':
      return 'FAILED';
    default:
      return unknownValue(status, 'UNKNOWN');
  }
}

export const eventView = memoized(computeEventView);

function computeEventView(event: DataIntegrationEvent): LoadView {
  const execution = event.datasetTargetDetails?.datasetLoadExecution;
  return {
    status: supplyChainStatus(execution?.status),
    upstreamStatus: execution?.status ?? null,
    terminal: isTerminalEvent(event),
    startedAt: event.eventTimestamp ?? null,
    finishedAt: null,
    message: execution?.message ?? null,
  };
}

export const flowExecutionView = memoized(computeFlowExecutionView);

function computeFlowExecutionView(execution: DataIntegrationFlowExecution): LoadView {
  return {
    status: supplyChainStatus(execution.status),
    upstreamStatus: execution.status ?? null,
    terminal: isTerminalExecution(execution),
    startedAt: execution.startTime ?? null,
    finishedAt: execution.endTime ?? null,
    message: execution.message ?? null,
  };
}

export const dataSourceRunView = memoized(computeDataSourceRunView);

function computeDataSourceRunView(run: DataSourceRunModel): LoadView {
  let status: LoadStatus;
  switch (run.status) {
    case undefined:
      status = 'UNKNOWN';
      break;
    case 'REQUESTED':
      status = 'QUEUED';
      break;
    case 'RUNNING':
      status = 'RUNNING';
      break;
    case 'SUCCESS':
      status = 'SUCCEEDED';
      break;
    case 'PARTIALLY_SUCCEEDED':
      status = 'PARTIALLY_SUCCEEDED';
      break;
    case 'FAILED':
      status = 'FAILED';
      break;
    default:
      status = unknownValue(run.status, 'UNKNOWN');
  }
  return {
    status,
    upstreamStatus: run.status ?? null,
    terminal: isTerminalRun(run),
    startedAt: run.startedAt ?? null,
    finishedAt: run.stoppedAt ?? null,
    message: run.errorMessage ? (run.errorMessage.errorDetail ?? run.errorMessage.errorType ?? null) : null,
  };
}
