/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** What a data source run did with one asset (AWS enum `DataAssetActivityStatus`). */
export type DataAssetActivityStatus =
  /** Importing the asset failed; see the activity's `errorMessage`. */
  | 'FAILED'
  /** The asset was imported but publishing it to the catalog failed. */
  | 'PUBLISHING_FAILED'
  /** Skipped: the asset was already imported. */
  | 'SKIPPED_ALREADY_IMPORTED'
  /** Skipped: the asset is archived. */
  | 'SKIPPED_ARCHIVED'
  /** Skipped: the data source has no access to the asset. */
  | 'SKIPPED_NO_ACCESS'
  /** A new asset was created. */
  | 'SUCCEEDED_CREATED'
  /** An existing asset was updated. */
  | 'SUCCEEDED_UPDATED'
  /** The asset had not changed since the last run. */
  | 'UNCHANGED';

/**
 * The type of a data integration event (AWS enum `DataIntegrationEventType`). On the wire AWS uses
 * `scn.data.<name>` values (e.g. `scn.data.inboundorderline`); Loadgraph uses the Smithy member names, which
 * are valid GraphQL names, and converts in both directions.
 */
export type DataIntegrationEventType =
  /**
   * Records for any data lake dataset, named in the input's `datasetTarget` (`scn.data.dataset`). The only
   * type that takes a `datasetTarget`, and the only one whose events have a dataset load to follow.
   */
  | 'DATASET'
  /** Records for the `forecast` dataset of the `asc` namespace (`scn.data.forecast`). */
  | 'FORECAST'
  /** Records for the `inbound_order` dataset of the `asc` namespace (`scn.data.inboundorder`). */
  | 'INBOUND_ORDER'
  /** Records for the `inbound_order_line` dataset of the `asc` namespace (`scn.data.inboundorderline`). */
  | 'INBOUND_ORDER_LINE'
  /**
   * Records for the `inbound_order_line_schedule` dataset of the `asc` namespace
   * (`scn.data.inboundorderlineschedule`).
   */
  | 'INBOUND_ORDER_LINE_SCHEDULE'
  /** Records for the `inv_level` dataset of the `asc` namespace (`scn.data.inventorylevel`). */
  | 'INVENTORY_LEVEL'
  /** Records for the `outbound_order_line` dataset of the `asc` namespace (`scn.data.outboundorderline`). */
  | 'OUTBOUND_ORDER_LINE'
  /** Records for the `outbound_shipment` dataset of the `asc` namespace (`scn.data.outboundshipment`). */
  | 'OUTBOUND_SHIPMENT'
  /** Records for the `process_header` dataset of the `asc` namespace (`scn.data.processheader`). */
  | 'PROCESS_HEADER'
  /** Records for the `process_operation` dataset of the `asc` namespace (`scn.data.processoperation`). */
  | 'PROCESS_OPERATION'
  /** Records for the `process_product` dataset of the `asc` namespace (`scn.data.processproduct`). */
  | 'PROCESS_PRODUCT'
  /** Records for the `reservation` dataset of the `asc` namespace (`scn.data.reservation`). */
  | 'RESERVATION'
  /** Records for the `shipment` dataset of the `asc` namespace (`scn.data.shipment`). */
  | 'SHIPMENT'
  /** Records for the `shipment_stop` dataset of the `asc` namespace (`scn.data.shipmentstop`). */
  | 'SHIPMENT_STOP'
  /** Records for the `shipment_stop_order` dataset of the `asc` namespace (`scn.data.shipmentstoporder`). */
  | 'SHIPMENT_STOP_ORDER'
  /** Records for the `supply_plan` dataset of the `asc` namespace (`scn.data.supplyplan`). */
  | 'SUPPLY_PLAN';

/** The kind of a data source error (AWS enum `DataSourceErrorType`): the AWS exception behind it. */
export type DataSourceErrorType =
  /** Access to the source or the domain was denied. */
  | 'ACCESS_DENIED_EXCEPTION'
  /** The operation conflicted with another one. */
  | 'CONFLICT_EXCEPTION'
  /** An internal error of the service. */
  | 'INTERNAL_SERVER_EXCEPTION'
  /** A resource the run needed was not found. */
  | 'RESOURCE_NOT_FOUND_EXCEPTION'
  /** A service quota was exceeded. */
  | 'SERVICE_QUOTA_EXCEEDED_EXCEPTION'
  /** The request was throttled. */
  | 'THROTTLING_EXCEPTION'
  /** Some input or configuration was invalid. */
  | 'VALIDATION_EXCEPTION';

/** The status of a data source run (AWS enum `DataSourceRunStatus`). */
export type DataSourceRunStatus =
  /** The run failed; see `errorMessage`. Normalized to `FAILED`. Terminal. */
  | 'FAILED'
  /**
   * The run finished, but some assets failed; see `runStatisticsForAssets` and `activities`. Normalized to
   * `PARTIALLY_SUCCEEDED`. Terminal.
   */
  | 'PARTIALLY_SUCCEEDED'
  /** The run is requested and waits to start. Normalized to `QUEUED`. Not terminal. */
  | 'REQUESTED'
  /** The run is importing assets. Normalized to `RUNNING`. Not terminal. */
  | 'RUNNING'
  /** The run finished and every asset was imported. Normalized to `SUCCEEDED`. Terminal. */
  | 'SUCCESS';

/** What started a data source run (AWS enum `DataSourceRunType`). */
export type DataSourceRunType =
  /** Started on demand (StartDataSourceRun, `Mutation.startDataSourceRun`). */
  | 'PRIORITIZED'
  /** Started by the data source's schedule. */
  | 'SCHEDULED';

/** The lifecycle state of a data source (AWS enum `DataSourceStatus`). */
export type DataSourceStatus =
  /** Being created. */
  | 'CREATING'
  /** Being deleted. */
  | 'DELETING'
  /** Creation failed; see `errorMessage`. */
  | 'FAILED_CREATION'
  /** Deletion failed; see `errorMessage`. */
  | 'FAILED_DELETION'
  /** The last update failed; see `errorMessage`. */
  | 'FAILED_UPDATE'
  /** Ready to run. */
  | 'READY'
  /** A run is in progress. */
  | 'RUNNING'
  /** Being updated. */
  | 'UPDATING';

/** The status of an event's load into its target dataset (AWS enum `DataIntegrationEventDatasetLoadStatus`). */
export type DatasetLoadStatus =
  /** The load failed; `message` says why. Terminal. */
  | 'FAILED'
  /** The load is running. Not terminal. */
  | 'IN_PROGRESS'
  /** The load finished and the records are in the dataset. Terminal. */
  | 'SUCCEEDED';

/**
 * How a `DATASET` event's records are written to the target dataset (AWS enum
 * `DataIntegrationEventDatasetOperationType`).
 */
export type DatasetOperationType =
  /** Add the records as they are, without any primary key or partition constraint. */
  | 'APPEND'
  /**
   * Delete the records whose primary key matches a record in the same partition (all duplicates of it);
   * records that match nothing are ignored. Only for datasets with primary keys.
   */
  | 'DELETE'
  /**
   * Update the records whose primary key matches a record in the same partition, add the others. Only for
   * datasets with primary keys; duplicates of a key in one partition are merged into one updated record.
   */
  | 'UPSERT';

/** The lifecycle state of a DataZone domain (AWS enum `DomainStatus`). */
export type DomainStatus =
  /** Ready for use. */
  | 'AVAILABLE'
  /** Being created. */
  | 'CREATING'
  /** Creation failed. */
  | 'CREATION_FAILED'
  /** Deleted. */
  | 'DELETED'
  /** Being deleted. */
  | 'DELETING'
  /** Deletion failed. */
  | 'DELETION_FAILED';

/** The status of a flow execution (AWS enum `DataIntegrationFlowExecutionStatus`). */
export type FlowExecutionStatus =
  /** The execution failed; `message` says why. Terminal. */
  | 'FAILED'
  /** The execution is running. Not terminal. */
  | 'IN_PROGRESS'
  /** The execution finished and wrote its target. Terminal. */
  | 'SUCCEEDED';

/** The kind of a flow source (AWS enum `DataIntegrationFlowSourceType`). */
export type FlowSourceType =
  /** A data lake dataset. */
  | 'DATASET'
  /** Objects under an S3 prefix. */
  | 'S3';

/** The kind of a flow target (AWS enum `DataIntegrationFlowTargetType`). */
export type FlowTargetType =
  /** A data lake dataset. */
  | 'DATASET'
  /** Objects under an S3 prefix. */
  | 'S3';

/**
 * The lifecycle state of an AWS Supply Chain instance (AWS enum `InstanceState`). The values are the AWS
 * wire values, which are mixed case.
 */
export type InstanceState =
  /** Ready for use. */
  | 'Active'
  /** Creation failed; see `errorMessage`. */
  | 'CreateFailed'
  /** Deletion failed; see `errorMessage`. */
  | 'DeleteFailed'
  /** Deleted. */
  | 'Deleted'
  /** Being deleted. */
  | 'Deleting'
  /** Being created. */
  | 'Initializing';

/** The state of a data source run's lineage import (AWS enum `LineageImportStatus`). */
export type LineageImportStatus =
  /** The lineage import failed. */
  | 'FAILED'
  /** The lineage import is running. */
  | 'IN_PROGRESS'
  /** The lineage import finished with some failures. */
  | 'PARTIALLY_SUCCEEDED'
  /** The lineage import finished. */
  | 'SUCCESS';

/** The kind of a `Load`: which upstream resource it is. */
export type LoadKind =
  /** An AWS Supply Chain data integration event (`DataIntegrationEvent`), from `SendDataIntegrationEvent`. */
  | 'DATA_INTEGRATION_EVENT'
  /** A run of an Amazon DataZone data source (`DataSourceRun`). */
  | 'DATA_SOURCE_RUN'
  /** An execution of an AWS Supply Chain data integration flow (`FlowExecution`). */
  | 'FLOW_EXECUTION';

/**
 * The normalized status of a `Load`, the same for every service. Each load type's description gives its
 * mapping from the upstream status.
 */
export type LoadStatus =
  /** Finished without loading (Supply Chain and DataZone `FAILED`); `message` usually says why. Terminal. */
  | 'FAILED'
  /**
   * Finished, but some items failed (DataZone `PARTIALLY_SUCCEEDED`: look at the run's
   * `runStatisticsForAssets` and `activities`). Only data source runs report it. Terminal.
   */
  | 'PARTIALLY_SUCCEEDED'
  /** Accepted but not started yet (DataZone run `REQUESTED`). Not terminal. */
  | 'QUEUED'
  /** In progress (Supply Chain `IN_PROGRESS`, DataZone `RUNNING`). Not terminal. */
  | 'RUNNING'
  /** Finished, and everything was loaded (Supply Chain `SUCCEEDED`, DataZone `SUCCESS`). Terminal. */
  | 'SUCCEEDED'
  /**
   * The upstream reports no status. For a `DataIntegrationEvent` this means the event has no dataset load
   * (every event type but `DATASET`), so there is nothing to wait for: terminal. For a `FlowExecution` it
   * means the execution has not reported a status yet: not terminal. Check `terminal` rather than assuming.
   */
  | 'UNKNOWN';

export type BoardScopesQueryVariables = Exact<{ [key: string]: never; }>;


export type BoardScopesQuery = { instances: { nodes: Array<{ instanceId: string, instanceName: string | null, state: InstanceState | null }> }, domains: { nodes: Array<{ id: string, name: string | null, status: DomainStatus | null }> } };

type BoardLoad_DataIntegrationEvent_Fragment = { __typename: 'DataIntegrationEvent', instanceId: string, eventId: string, eventType: DataIntegrationEventType | null, eventTypeRaw: string | null, id: string, kind: LoadKind, status: LoadStatus, upstreamStatus: string | null, terminal: boolean, startedAt: string | null, finishedAt: string | null, message: string | null, datasetTargetDetails: { datasetIdentifier: string, operationType: DatasetOperationType | null, operationTypeRaw: string | null } | null };

type BoardLoad_DataSourceRun_Fragment = { __typename: 'DataSourceRun', domainId: string, runId: string, dataSourceId: string, type: DataSourceRunType | null, typeRaw: string | null, id: string, kind: LoadKind, status: LoadStatus, upstreamStatus: string | null, terminal: boolean, startedAt: string | null, finishedAt: string | null, message: string | null };

type BoardLoad_FlowExecution_Fragment = { __typename: 'FlowExecution', instanceId: string, flowName: string, executionId: string, id: string, kind: LoadKind, status: LoadStatus, upstreamStatus: string | null, terminal: boolean, startedAt: string | null, finishedAt: string | null, message: string | null };

export type BoardLoadFragment =
  | BoardLoad_DataIntegrationEvent_Fragment
  | BoardLoad_DataSourceRun_Fragment
  | BoardLoad_FlowExecution_Fragment
;

export type BoardInstanceQueryVariables = Exact<{
  instanceId: string | number;
}>;


export type BoardInstanceQuery = { dataIntegrationEvents: { nodes: Array<{ __typename: 'DataIntegrationEvent', instanceId: string, eventId: string, eventType: DataIntegrationEventType | null, eventTypeRaw: string | null, id: string, kind: LoadKind, status: LoadStatus, upstreamStatus: string | null, terminal: boolean, startedAt: string | null, finishedAt: string | null, message: string | null, datasetTargetDetails: { datasetIdentifier: string, operationType: DatasetOperationType | null, operationTypeRaw: string | null } | null }> }, dataIntegrationFlows: { nodes: Array<{ name: string, executions: { nodes: Array<{ __typename: 'FlowExecution', instanceId: string, flowName: string, executionId: string, id: string, kind: LoadKind, status: LoadStatus, upstreamStatus: string | null, terminal: boolean, startedAt: string | null, finishedAt: string | null, message: string | null }> } }> } };

export type BoardDomainQueryVariables = Exact<{
  domainId: string | number;
}>;


export type BoardDomainQuery = { domain: { id: string, name: string | null, projects: { nodes: Array<{ id: string, name: string, dataSources: { nodes: Array<{ id: string, name: string, type: string | null }> } }> } } | null };

export type BoardRunsQueryVariables = Exact<{
  domainId: string | number;
  dataSourceId: string | number;
}>;


export type BoardRunsQuery = { dataSourceRuns: { nodes: Array<{ __typename: 'DataSourceRun', domainId: string, runId: string, dataSourceId: string, type: DataSourceRunType | null, typeRaw: string | null, id: string, kind: LoadKind, status: LoadStatus, upstreamStatus: string | null, terminal: boolean, startedAt: string | null, finishedAt: string | null, message: string | null }> } };

export type BoardLoadsChangedSubscriptionVariables = Exact<{
  ids: Array<string | number> | string | number;
}>;


export type BoardLoadsChangedSubscription = { loadsChanged:
    | { __typename: 'DataIntegrationEvent', instanceId: string, eventId: string, eventType: DataIntegrationEventType | null, eventTypeRaw: string | null, id: string, kind: LoadKind, status: LoadStatus, upstreamStatus: string | null, terminal: boolean, startedAt: string | null, finishedAt: string | null, message: string | null, datasetTargetDetails: { datasetIdentifier: string, operationType: DatasetOperationType | null, operationTypeRaw: string | null } | null }
    | { __typename: 'DataSourceRun', domainId: string, runId: string, dataSourceId: string, type: DataSourceRunType | null, typeRaw: string | null, id: string, kind: LoadKind, status: LoadStatus, upstreamStatus: string | null, terminal: boolean, startedAt: string | null, finishedAt: string | null, message: string | null }
    | { __typename: 'FlowExecution', instanceId: string, flowName: string, executionId: string, id: string, kind: LoadKind, status: LoadStatus, upstreamStatus: string | null, terminal: boolean, startedAt: string | null, finishedAt: string | null, message: string | null }
   };

export type BoardFlowExecutionsStartedSubscriptionVariables = Exact<{
  instanceId: string | number;
  flowName: string;
}>;


export type BoardFlowExecutionsStartedSubscription = { flowExecutionsStarted: { __typename: 'FlowExecution', instanceId: string, flowName: string, executionId: string, id: string, kind: LoadKind, status: LoadStatus, upstreamStatus: string | null, terminal: boolean, startedAt: string | null, finishedAt: string | null, message: string | null } };

export type BoardDataSourceRunsStartedSubscriptionVariables = Exact<{
  domainId: string | number;
  dataSourceId: string | number;
}>;


export type BoardDataSourceRunsStartedSubscription = { dataSourceRunsStarted: { __typename: 'DataSourceRun', domainId: string, runId: string, dataSourceId: string, type: DataSourceRunType | null, typeRaw: string | null, id: string, kind: LoadKind, status: LoadStatus, upstreamStatus: string | null, terminal: boolean, startedAt: string | null, finishedAt: string | null, message: string | null } };

export type BoardDetailQueryVariables = Exact<{
  id: string | number;
}>;


export type BoardDetailQuery = { node:
    | { __typename: 'DataIntegrationEvent', id: string, kind: LoadKind, status: LoadStatus, upstreamStatus: string | null, terminal: boolean, startedAt: string | null, finishedAt: string | null, message: string | null, instanceId: string, eventId: string, eventType: DataIntegrationEventType | null, eventGroupId: string, eventTimestamp: string, datasetTargetDetails: { datasetIdentifier: string, operationType: DatasetOperationType | null, datasetLoadExecution: { status: DatasetLoadStatus | null, message: string | null } } | null, dataset: { instanceId: string, namespace: string, name: string, arn: string, description: string | null, createdTime: string, lastModifiedTime: string } | null, instance: { instanceId: string, instanceName: string | null, state: InstanceState | null, webAppDnsDomain: string | null } | null }
    | { __typename: 'DataSourceRun', id: string, kind: LoadKind, status: LoadStatus, upstreamStatus: string | null, terminal: boolean, startedAt: string | null, finishedAt: string | null, message: string | null, domainId: string, runId: string, dataSourceId: string, projectId: string, runStatus: DataSourceRunStatus | null, type: DataSourceRunType | null, createdAt: string, updatedAt: string, stoppedAt: string | null, dataSourceConfigurationSnapshot: string | null, runStatisticsForAssets: { added: number | null, updated: number | null, unchanged: number | null, skipped: number | null, failed: number | null } | null, lineageSummary: { importStatus: LineageImportStatus | null } | null, errorMessage: { errorType: DataSourceErrorType | null, errorDetail: string | null } | null, dataSource: { id: string, name: string, type: string | null, status: DataSourceStatus | null, projectId: string, environmentId: string | null, lastRunStatus: DataSourceRunStatus | null, lastRunAt: string | null } | null, activities: { nodes: Array<{ database: string, technicalName: string, dataAssetStatus: DataAssetActivityStatus | null, dataAssetId: string | null, technicalDescription: string | null, createdAt: string, updatedAt: string, errorMessage: { errorType: DataSourceErrorType | null, errorDetail: string | null } | null }> } }
    | { __typename: 'FlowExecution', id: string, kind: LoadKind, status: LoadStatus, upstreamStatus: string | null, terminal: boolean, startedAt: string | null, finishedAt: string | null, message: string | null, instanceId: string, flowName: string, executionId: string, executionStatus: FlowExecutionStatus | null, startTime: string | null, endTime: string | null, sourceInfo: { sourceType: FlowSourceType | null, s3Source: { bucketName: string, key: string } | null, datasetSource: { datasetIdentifier: string } | null } | null, outputMetadata: { diagnosticReportsRootS3URI: string | null } | null, flow: { name: string, createdTime: string, lastModifiedTime: string, sources: Array<{ sourceType: FlowSourceType | null, sourceName: string }>, target: { targetType: FlowTargetType | null } } | null }
   | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const BoardLoadFragmentDoc = new TypedDocumentString(`
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
    `, {"fragmentName":"BoardLoad"}) as unknown as TypedDocumentString<BoardLoadFragment, unknown>;
export const BoardScopesDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<BoardScopesQuery, BoardScopesQueryVariables>;
export const BoardInstanceDocument = new TypedDocumentString(`
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
}`) as unknown as TypedDocumentString<BoardInstanceQuery, BoardInstanceQueryVariables>;
export const BoardDomainDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<BoardDomainQuery, BoardDomainQueryVariables>;
export const BoardRunsDocument = new TypedDocumentString(`
    query BoardRuns($domainId: ID!, $dataSourceId: ID!) {
  dataSourceRuns(
    domainIdentifier: $domainId
    dataSourceIdentifier: $dataSourceId
    first: 10
  ) {
    nodes {
      ...BoardLoad
    }
  }
}
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
}`) as unknown as TypedDocumentString<BoardRunsQuery, BoardRunsQueryVariables>;
export const BoardLoadsChangedDocument = new TypedDocumentString(`
    subscription BoardLoadsChanged($ids: [ID!]!) {
  loadsChanged(ids: $ids) {
    ...BoardLoad
  }
}
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
}`) as unknown as TypedDocumentString<BoardLoadsChangedSubscription, BoardLoadsChangedSubscriptionVariables>;
export const BoardFlowExecutionsStartedDocument = new TypedDocumentString(`
    subscription BoardFlowExecutionsStarted($instanceId: ID!, $flowName: String!) {
  flowExecutionsStarted(instanceId: $instanceId, flowName: $flowName) {
    ...BoardLoad
  }
}
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
}`) as unknown as TypedDocumentString<BoardFlowExecutionsStartedSubscription, BoardFlowExecutionsStartedSubscriptionVariables>;
export const BoardDataSourceRunsStartedDocument = new TypedDocumentString(`
    subscription BoardDataSourceRunsStarted($domainId: ID!, $dataSourceId: ID!) {
  dataSourceRunsStarted(
    domainIdentifier: $domainId
    dataSourceIdentifier: $dataSourceId
  ) {
    ...BoardLoad
  }
}
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
}`) as unknown as TypedDocumentString<BoardDataSourceRunsStartedSubscription, BoardDataSourceRunsStartedSubscriptionVariables>;
export const BoardDetailDocument = new TypedDocumentString(`
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
    `) as unknown as TypedDocumentString<BoardDetailQuery, BoardDetailQueryVariables>;