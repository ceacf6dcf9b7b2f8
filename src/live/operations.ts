/**
 * The AWS operations live polling calls: the names `LIVE_SHARED_RATE_BY_OPERATION` may set a rate for.
 */
export const POLLED_OPERATIONS = [
  'GetDataIntegrationEvent',
  'GetDataIntegrationFlowExecution',
  'GetDataSourceRun',
  'ListDataIntegrationFlowExecutions',
  'ListDataSourceRuns',
] as const;

export type PolledOperation = (typeof POLLED_OPERATIONS)[number];
