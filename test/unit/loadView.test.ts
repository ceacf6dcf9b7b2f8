/**
 * The `Load` view of each kind (normalized status, raw status, terminal, times, message) and the terminal
 * rules behind the cross-request cache, tabulated over every AWS status.
 */
import { describe, expect, it } from 'vitest';
import {
  dataSourceRunView,
  eventView,
  flowExecutionView,
  type LoadStatus,
} from '../../src/graph/loadView.js';
import type {
  DataIntegrationEvent,
  DataIntegrationFlowExecution,
  DataSourceRunModel,
} from '../../src/upstream/models.js';
import {
  isTerminalEvent,
  isTerminalExecution,
  isTerminalLoadStatus,
  isTerminalRun,
  isTerminalRunStatus,
} from '../../src/upstream/terminal.js';

const INSTANCE = '8928ae12-15e5-4441-825d-ec2184f0a43a';
const T0 = new Date('2025-03-01T10:00:00Z');
const T1 = new Date('2025-03-01T10:05:00Z');

type ScnStatus = 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
type RunStatus = 'REQUESTED' | 'RUNNING' | 'SUCCESS' | 'PARTIALLY_SUCCEEDED' | 'FAILED';

function event(status?: ScnStatus, message?: string): DataIntegrationEvent {
  return {
    instanceId: INSTANCE,
    eventId: '19739c8e-cd2e-4cbc-a2f7-0dc43239f042',
    eventType: status === undefined ? 'scn.data.forecast' : 'scn.data.dataset',
    eventGroupId: 'g1',
    eventTimestamp: T0,
    ...(status === undefined
      ? {}
      : {
          datasetTargetDetails: {
            datasetIdentifier: `arn:aws:scn:us-east-1:123456789012:instance/${INSTANCE}/namespaces/asc/datasets/x`,
            operationType: 'APPEND',
            datasetLoadExecution: { status, ...(message ? { message } : {}) },
          },
        }),
  };
}

function execution(fields: Partial<DataIntegrationFlowExecution> = {}): DataIntegrationFlowExecution {
  return { instanceId: INSTANCE, flowName: 'f', executionId: 'e', ...fields };
}

function run(fields: Record<string, unknown> = {}): DataSourceRunModel {
  return { domainId: 'dzd_a', dataSourceId: 'ds1', id: 'run1', ...fields } as DataSourceRunModel;
}

describe('Supply Chain status normalization', () => {
  const table: [ScnStatus, LoadStatus, boolean][] = [
    ['IN_PROGRESS', 'RUNNING', false],
    ['SUCCEEDED', 'SUCCEEDED', true],
    ['FAILED', 'FAILED', true],
  ];

  it.each(table)('maps a dataset load %s to %s (terminal: %s)', (upstream, status, terminal) => {
    expect(eventView(event(upstream))).toMatchObject({ status, upstreamStatus: upstream, terminal });
    expect(isTerminalEvent(event(upstream))).toBe(terminal);
  });

  it.each(table)('maps a flow execution %s to %s (terminal: %s)', (upstream, status, terminal) => {
    expect(flowExecutionView(execution({ status: upstream }))).toMatchObject({
      status,
      upstreamStatus: upstream,
      terminal,
    });
    expect(isTerminalExecution(execution({ status: upstream }))).toBe(terminal);
    expect(isTerminalLoadStatus(upstream)).toBe(terminal);
  });
});

describe('DataZone run status normalization', () => {
  const table: [RunStatus, LoadStatus, boolean][] = [
    ['REQUESTED', 'QUEUED', false],
    ['RUNNING', 'RUNNING', false],
    ['SUCCESS', 'SUCCEEDED', true],
    ['PARTIALLY_SUCCEEDED', 'PARTIALLY_SUCCEEDED', true],
    ['FAILED', 'FAILED', true],
  ];

  it.each(table)('maps a data source run %s to %s (terminal: %s)', (upstream, status, terminal) => {
    expect(dataSourceRunView(run({ status: upstream }))).toMatchObject({
      status,
      upstreamStatus: upstream,
      terminal,
    });
    expect(isTerminalRunStatus(upstream)).toBe(terminal);
    expect(isTerminalRun({ status: upstream })).toBe(terminal);
  });

  it('maps a run without a status to UNKNOWN, not terminal', () => {
    expect(dataSourceRunView(run())).toMatchObject({
      status: 'UNKNOWN',
      upstreamStatus: null,
      terminal: false,
    });
    expect(isTerminalRun({ status: undefined })).toBe(false);
  });
});

describe('terminal rules', () => {
  it('makes an event without a dataset target UNKNOWN and terminal at once (no load to wait for)', () => {
    const plain = event();
    expect(isTerminalEvent(plain)).toBe(true);
    expect(eventView(plain)).toEqual({
      status: 'UNKNOWN',
      upstreamStatus: null,
      terminal: true,
      startedAt: T0,
      finishedAt: null,
      message: null,
    });
  });

  it('does not make a flow execution without a status terminal', () => {
    expect(isTerminalExecution(execution())).toBe(false);
    expect(flowExecutionView(execution())).toMatchObject({
      status: 'UNKNOWN',
      upstreamStatus: null,
      terminal: false,
    });
  });

  it('makes a status AWS adds later UNKNOWN and not terminal (still polled), keeping the raw value', () => {
    expect(isTerminalLoadStatus('CANCELLED' as never)).toBe(false);
    expect(isTerminalRunStatus('ABORTED' as never)).toBe(false);
    expect(flowExecutionView(execution({ status: 'PAUSED' as never }))).toMatchObject({
      status: 'UNKNOWN',
      upstreamStatus: 'PAUSED',
      terminal: false,
    });
    expect(dataSourceRunView(run({ status: 'CANCELLED' }))).toMatchObject({
      status: 'UNKNOWN',
      upstreamStatus: 'CANCELLED',
      terminal: false,
    });
  });
});

describe('times and messages', () => {
  it('takes an event start from its timestamp; its finish is always null', () => {
    expect(eventView(event('SUCCEEDED'))).toMatchObject({ startedAt: T0, finishedAt: null });
  });

  it('takes a failed dataset load message from its load execution', () => {
    expect(eventView(event('FAILED', 'column order_id missing')).message).toBe('column order_id missing');
    expect(eventView(event('SUCCEEDED')).message).toBeNull();
  });

  it('takes a flow execution start, end and message as AWS gives them', () => {
    expect(
      flowExecutionView(execution({ status: 'FAILED', startTime: T0, endTime: T1, message: 'bad source' })),
    ).toMatchObject({ startedAt: T0, finishedAt: T1, message: 'bad source' });
    expect(flowExecutionView(execution({ status: 'IN_PROGRESS', startTime: T0 }))).toMatchObject({
      startedAt: T0,
      finishedAt: null,
      message: null,
    });
  });

  it('takes a run start and stop from startedAt and stoppedAt', () => {
    expect(dataSourceRunView(run({ status: 'SUCCESS', startedAt: T0, stoppedAt: T1 }))).toMatchObject({
      startedAt: T0,
      finishedAt: T1,
    });
    expect(dataSourceRunView(run({ status: 'REQUESTED' }))).toMatchObject({
      startedAt: null,
      finishedAt: null,
    });
  });

  it.each([
    [
      'the error detail when there is one',
      { errorType: 'ACCESS_DENIED_EXCEPTION', errorDetail: 'no role' },
      'no role',
    ],
    ['the error type without a detail', { errorType: 'THROTTLING_EXCEPTION' }, 'THROTTLING_EXCEPTION'],
    ['null for an empty error message', {}, null],
  ])("derives a run's message from %s", (_what, errorMessage, expected) => {
    expect(dataSourceRunView(run({ status: 'FAILED', errorMessage })).message).toBe(expected);
  });

  it('gives a run without an error message a null message', () => {
    expect(dataSourceRunView(run({ status: 'SUCCESS' })).message).toBeNull();
  });
});
