/** The IDE's first tabs: example operations, filled in with ids of the emulator's world when it runs. */
import type { Examples } from '../shared/config';

export interface Tab {
  readonly query: string;
  readonly variables?: string;
}

const vars = (value: Record<string, unknown>): string => JSON.stringify(value, null, 2);

export function exampleTabs(examples: Examples | undefined): Tab[] {
  const instanceId = examples?.instanceId ?? '<an instance id: run the first tab>';
  const tabs: Tab[] = [
    {
      query: `# Welcome to Loadgraph. Run with Ctrl+Enter.
# The docs (top left) list every type and field;
# the live board of loads is at /.
query Instances {
  instances(first: 10) {
    nodes { instanceId instanceName state }
  }
  domains(first: 10) {
    nodes { id name status }
  }
}
`,
    },
    {
      query: `query RecentEvents($instanceId: ID!) {
  dataIntegrationEvents(instanceId: $instanceId, first: 10) {
    nodes {
      id eventId eventType status upstreamStatus terminal startedAt finishedAt message
      dataset { name namespace }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`,
      variables: vars({ instanceId }),
    },
  ];
  if (examples?.flowName) {
    tabs.push({
      query: `query FlowExecutions($instanceId: ID!, $flowName: String!) {
  flowExecutions(instanceId: $instanceId, flowName: $flowName, first: 10) {
    nodes { id executionId status upstreamStatus startedAt finishedAt message }
  }
}
`,
      variables: vars({ instanceId, flowName: examples.flowName }),
    });
  }
  if (examples?.eventId) {
    tabs.push({
      query: `# Sends the event's current state at once, then every change, and completes once it is terminal.
subscription WatchEvent($instanceId: ID!, $eventId: ID!) {
  dataIntegrationEventChanged(instanceId: $instanceId, eventId: $eventId) {
    id status upstreamStatus terminal startedAt finishedAt message
  }
}
`,
      variables: vars({ instanceId, eventId: examples.eventId }),
    });
  }
  if (examples?.domainId && examples.dataSourceId) {
    tabs.push({
      query: `query DataSourceRuns($domainId: ID!, $dataSourceId: ID!) {
  dataSourceRuns(domainIdentifier: $domainId, dataSourceIdentifier: $dataSourceId, first: 10) {
    nodes { id runId status upstreamStatus startedAt finishedAt message runStatisticsForAssets { added failed } }
  }
}
`,
      variables: vars({ domainId: examples.domainId, dataSourceId: examples.dataSourceId }),
    });
  }
  return tabs;
}
