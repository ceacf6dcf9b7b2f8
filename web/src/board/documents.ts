/** Every operation of the board, typed by codegen (`npm run codegen` writes ./gql). */
import { graphql } from './gql';

export const BoardScopes = graphql(`
  query BoardScopes {
    instances(first: 20) {
      nodes {
        instanceId
        instanceName
        state
      }
    }
    domains(first: 25) {
      nodes {
        id
        name
        status
      }
    }
  }
`);

export const BoardLoadFields = graphql(`
  fragment BoardLoad on Load {
    __typename
    id
    kind
    status
    upstreamStatus
    terminal
    startedAt
    finishedAt
    message
    ... on DataIntegrationEvent {
      instanceId
      eventId
      eventType
      eventTypeRaw
      datasetTargetDetails {
        datasetIdentifier
        operationType
        operationTypeRaw
      }
    }
    ... on FlowExecution {
      instanceId
      flowName
      executionId
    }
    ... on DataSourceRun {
      domainId
      runId
      dataSourceId
      type
      typeRaw
    }
  }
`);

export const BoardInstance = graphql(`
  query BoardInstance($instanceId: ID!) {
    dataIntegrationEvents(instanceId: $instanceId, first: 20) {
      nodes {
        ...BoardLoad
      }
    }
    dataIntegrationFlows(instanceId: $instanceId, first: 20) {
      nodes {
        name
        executions(first: 5) {
          nodes {
            ...BoardLoad
          }
        }
      }
    }
  }
`);

export const BoardDomain = graphql(`
  query BoardDomain($domainId: ID!) {
    domain(identifier: $domainId) {
      id
      name
      projects(first: 10) {
        nodes {
          id
          name
          dataSources(first: 20) {
            nodes {
              id
              name
              type
            }
          }
        }
      }
    }
  }
`);

/** The runs of one data source: a request per source keeps each under the gateway's cost limit. */
export const BoardRuns = graphql(`
  query BoardRuns($domainId: ID!, $dataSourceId: ID!) {
    dataSourceRuns(domainIdentifier: $domainId, dataSourceIdentifier: $dataSourceId, first: 10) {
      nodes {
        ...BoardLoad
      }
    }
  }
`);

export const BoardLoadsChanged = graphql(`
  subscription BoardLoadsChanged($ids: [ID!]!) {
    loadsChanged(ids: $ids) {
      ...BoardLoad
    }
  }
`);

export const BoardFlowExecutionsStarted = graphql(`
  subscription BoardFlowExecutionsStarted($instanceId: ID!, $flowName: String!) {
    flowExecutionsStarted(instanceId: $instanceId, flowName: $flowName) {
      ...BoardLoad
    }
  }
`);

export const BoardDataSourceRunsStarted = graphql(`
  subscription BoardDataSourceRunsStarted($domainId: ID!, $dataSourceId: ID!) {
    dataSourceRunsStarted(domainIdentifier: $domainId, dataSourceIdentifier: $dataSourceId) {
      ...BoardLoad
    }
  }
`);

export const BoardDetail = graphql(`
  query BoardDetail($id: ID!) {
    node(id: $id) {
      __typename
      ... on DataIntegrationEvent {
        id
        kind
        status
        upstreamStatus
        terminal
        startedAt
        finishedAt
        message
        instanceId
        eventId
        eventType
        eventGroupId
        eventTimestamp
        datasetTargetDetails {
          datasetIdentifier
          operationType
          datasetLoadExecution {
            status
            message
          }
        }
        dataset {
          instanceId
          namespace
          name
          arn
          description
          createdTime
          lastModifiedTime
        }
        instance {
          instanceId
          instanceName
          state
          webAppDnsDomain
        }
      }
      ... on FlowExecution {
        id
        kind
        status
        upstreamStatus
        terminal
        startedAt
        finishedAt
        message
        instanceId
        flowName
        executionId
        executionStatus
        startTime
        endTime
        sourceInfo {
          sourceType
          s3Source {
            bucketName
            key
          }
          datasetSource {
            datasetIdentifier
          }
        }
        outputMetadata {
          diagnosticReportsRootS3URI
        }
        flow {
          name
          createdTime
          lastModifiedTime
          sources {
            sourceType
            sourceName
          }
          target {
            targetType
          }
        }
      }
      ... on DataSourceRun {
        id
        kind
        status
        upstreamStatus
        terminal
        startedAt
        finishedAt
        message
        domainId
        runId
        dataSourceId
        projectId
        runStatus
        type
        createdAt
        updatedAt
        stoppedAt
        dataSourceConfigurationSnapshot
        runStatisticsForAssets {
          added
          updated
          unchanged
          skipped
          failed
        }
        lineageSummary {
          importStatus
        }
        errorMessage {
          errorType
          errorDetail
        }
        dataSource {
          id
          name
          type
          status
          projectId
          environmentId
          lastRunStatus
          lastRunAt
        }
        activities(first: 50) {
          nodes {
            database
            technicalName
            dataAssetStatus
            dataAssetId
            technicalDescription
            errorMessage {
              errorType
              errorDetail
            }
            createdAt
            updatedAt
          }
        }
      }
    }
  }
`);
