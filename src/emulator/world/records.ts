/**
 * What the world stores. Records hold the facts fixed at creation (ids, names, configuration and each
 * load's timeline and outcome); statuses are never stored but read off the timeline at the current
 * clock time (see `schedules.ts`). Shapes that appear on the wire use the model's member names.
 *
 * Internal to the emulator.
 */

// ---- Supply Chain -------------------------------------------------------------------------------------

/** The lifecycle state of a Supply Chain instance, as AWS spells it (seeded instances are `Active`). */
export type InstanceState =
  'Initializing' | 'Active' | 'CreateFailed' | 'DeleteFailed' | 'Deleting' | 'Deleted';
/** The status of a dataset load or flow execution on the wire; IN_PROGRESS until its timeline's end. */
export type LoadStatus = 'SUCCEEDED' | 'IN_PROGRESS' | 'FAILED';
/** The outcome a load or execution ends with; fixed at creation. */
export type TerminalLoadStatus = Exclude<LoadStatus, 'IN_PROGRESS'>;
/** How an event's records are applied to its target dataset. */
export type DatasetOperationType = 'APPEND' | 'UPSERT' | 'DELETE';
/** The type of a data lake dataset's field. */
export type SchemaFieldType = 'INT' | 'DOUBLE' | 'STRING' | 'TIMESTAMP' | 'LONG';
/** How a partition field's values are bucketed. */
export type PartitionTransformType = 'YEAR' | 'MONTH' | 'DAY' | 'HOUR' | 'IDENTITY';

/** One field of a dataset's schema. */
export interface SchemaField {
  readonly name: string;
  readonly type: SchemaFieldType;
  readonly isRequired: boolean;
}

/** A dataset's schema: its fields and, optionally, its primary key fields. */
export interface DatasetSchema {
  readonly name: string;
  readonly fields: readonly SchemaField[];
  readonly primaryKeys?: readonly { readonly name: string }[];
}

/** How a dataset is partitioned: one transform per field. */
export interface PartitionSpec {
  readonly fields: readonly {
    readonly name: string;
    readonly transform: { readonly type: PartitionTransformType };
  }[];
}

/** A data lake dataset. Times are epoch ms on the emulator clock; immutable once created. */
export interface DatasetRecord {
  readonly instanceId: string;
  readonly namespace: string;
  readonly name: string;
  readonly arn: string;
  readonly description?: string;
  readonly schema: DatasetSchema;
  readonly partitionSpec?: PartitionSpec;
  readonly createdMs: number;
  readonly modifiedMs: number;
}

/** A data lake namespace and its datasets (by name). Times are epoch ms on the emulator clock. */
export interface NamespaceRecord {
  readonly instanceId: string;
  readonly name: string;
  readonly arn: string;
  readonly description?: string;
  readonly createdMs: number;
  readonly modifiedMs: number;
  readonly datasets: Map<string, DatasetRecord>;
}

/** How a flow loads a dataset source or target (load type and deduplication), as the model names them. */
export interface DatasetOptions {
  readonly loadType?: 'INCREMENTAL' | 'REPLACE';
  readonly dedupeRecords?: boolean;
  readonly dedupeStrategy?: {
    readonly type: 'FIELD_PRIORITY';
    readonly fieldPriority?: {
      readonly fields: readonly { readonly name: string; readonly sortOrder: 'ASC' | 'DESC' }[];
    };
  };
}

/** An S3 bucket and key prefix a flow reads from or writes to. */
export interface S3Location {
  readonly bucketName: string;
  readonly prefix: string;
  readonly options?: { readonly fileType?: 'CSV' | 'PARQUET' | 'JSON' };
}

/** One source of a flow: an S3 location or a dataset, named by `sourceName` (what its SQL refers to). */
export interface FlowSource {
  readonly sourceType: 'S3' | 'DATASET';
  readonly sourceName: string;
  readonly s3Source?: S3Location;
  readonly datasetSource?: { readonly datasetIdentifier: string; readonly options?: DatasetOptions };
}

/**
 * A data integration flow: its sources, transformation and target. Times are epoch ms on the emulator
 * clock.
 */
export interface FlowRecord {
  readonly instanceId: string;
  readonly name: string;
  readonly sources: readonly FlowSource[];
  readonly transformation: {
    readonly transformationType: 'SQL' | 'NONE';
    readonly sqlTransformation?: { readonly query: string };
  };
  readonly target: {
    readonly targetType: 'S3' | 'DATASET';
    readonly s3Target?: S3Location;
    readonly datasetTarget?: { readonly datasetIdentifier: string; readonly options?: DatasetOptions };
  };
  readonly createdMs: number;
  readonly modifiedMs: number;
}

/** A dataset load's timeline: in progress from receipt until `endMs`, then `outcome`. */
export interface LoadTimeline {
  readonly startMs: number;
  readonly endMs: number;
  readonly outcome: TerminalLoadStatus;
  /** Why it failed (only with `FAILED`). */
  readonly message?: string;
}

/**
 * A data integration event as received. Its status is not stored: it is read off `load` at the current
 * clock time (no `load`: nothing to wait for).
 */
export interface EventRecord {
  readonly instanceId: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly eventGroupId: string;
  readonly eventTimestampMs: number;
  /** When the service received the event; its load is queued from then. */
  readonly receivedMs: number;
  readonly datasetTarget?: {
    readonly datasetIdentifier: string;
    readonly operationType: DatasetOperationType;
  };
  /** Present exactly when `datasetTarget` is. */
  readonly load?: LoadTimeline;
}

/** What one flow execution read: an S3 object or a dataset. */
export interface ExecutionSourceInfo {
  readonly sourceType: 'S3' | 'DATASET';
  readonly s3Source?: { readonly bucketName: string; readonly key: string };
  readonly datasetSource?: { readonly datasetIdentifier: string };
}

/**
 * A flow execution: IN_PROGRESS from `startMs` until `endMs` (epoch ms, emulator clock), then `outcome`,
 * with `message` when it failed.
 */
export interface ExecutionRecord {
  readonly instanceId: string;
  readonly flowName: string;
  readonly executionId: string;
  readonly startMs: number;
  readonly endMs: number;
  readonly outcome: TerminalLoadStatus;
  readonly message?: string;
  readonly sourceInfo: ExecutionSourceInfo;
  /** Reported once the execution has failed. */
  readonly diagnosticReportsRootS3URI?: string;
}

/**
 * A Supply Chain instance and everything in it (namespaces, flows, events, executions, each by id or name).
 * The maps are the emulator's mutable store; the other fields are fixed.
 */
export interface InstanceRecord {
  readonly instanceId: string;
  readonly awsAccountId: string;
  readonly instanceName: string;
  readonly instanceDescription: string;
  readonly webAppDnsDomain: string;
  readonly kmsKeyArn?: string;
  readonly versionNumber: number;
  readonly state: InstanceState;
  readonly createdMs: number;
  readonly modifiedMs: number;
  readonly namespaces: Map<string, NamespaceRecord>;
  readonly flows: Map<string, FlowRecord>;
  readonly events: Map<string, EventRecord>;
  readonly executions: Map<string, ExecutionRecord>;
  /** Per `eventType` + `eventGroupId`, when the last load ends: a group is processed in arrival order. */
  readonly groupTails: Map<string, number>;
}

// ---- DataZone -----------------------------------------------------------------------------------------

/** The status of a DataZone data source run on the wire, read off its timeline. */
export type DataSourceRunStatus = 'REQUESTED' | 'RUNNING' | 'FAILED' | 'PARTIALLY_SUCCEEDED' | 'SUCCESS';
/** The status a run ends with; fixed at creation. */
export type RunOutcome = Extract<DataSourceRunStatus, 'FAILED' | 'PARTIALLY_SUCCEEDED' | 'SUCCESS'>;
/** Whether a run was started on demand (PRIORITIZED) or by the data source's schedule. */
export type DataSourceRunType = 'PRIORITIZED' | 'SCHEDULED';
/** The error kinds DataZone reports for a failed run or asset activity. */
export type DataSourceErrorType =
  | 'ACCESS_DENIED_EXCEPTION'
  | 'CONFLICT_EXCEPTION'
  | 'INTERNAL_SERVER_EXCEPTION'
  | 'RESOURCE_NOT_FOUND_EXCEPTION'
  | 'SERVICE_QUOTA_EXCEEDED_EXCEPTION'
  | 'THROTTLING_EXCEPTION'
  | 'VALIDATION_EXCEPTION';
/** What a run did with one asset, as DataZone reports it. */
export type DataAssetActivityStatus =
  | 'FAILED'
  | 'PUBLISHING_FAILED'
  | 'SUCCEEDED_CREATED'
  | 'SUCCEEDED_UPDATED'
  | 'SKIPPED_ALREADY_IMPORTED'
  | 'SKIPPED_ARCHIVED'
  | 'SKIPPED_NO_ACCESS'
  | 'UNCHANGED';

/** Why a run or an asset activity failed. */
export interface DataSourceErrorMessage {
  readonly errorType: DataSourceErrorType;
  readonly errorDetail?: string;
}

/**
 * A DataZone domain and its projects, data sources and runs (by id). The maps are the emulator's mutable
 * store; times are epoch ms on the emulator clock.
 */
export interface DomainRecord {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly arn: string;
  readonly status: 'AVAILABLE';
  readonly domainVersion: 'V1' | 'V2';
  readonly domainExecutionRole: string;
  readonly serviceRole?: string;
  readonly rootDomainUnitId: string;
  readonly portalUrl: string;
  readonly singleSignOn: {
    readonly type: 'IAM_IDC' | 'DISABLED';
    readonly userAssignment?: 'AUTOMATIC' | 'MANUAL';
    readonly idcInstanceArn?: string;
  };
  readonly kmsKeyIdentifier?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly createdMs: number;
  readonly updatedMs: number;
  readonly projects: Map<string, ProjectRecord>;
  readonly dataSources: Map<string, DataSourceRecord>;
  readonly runs: Map<string, RunRecord>;
}

/** A DataZone project of a domain. Times are epoch ms on the emulator clock. */
export interface ProjectRecord {
  readonly domainId: string;
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly createdBy: string;
  readonly domainUnitId: string;
  readonly projectCategory?: string;
  readonly memberUserIds: readonly string[];
  readonly memberGroupIds: readonly string[];
  readonly createdMs: number;
  readonly updatedMs: number;
}

/** One table or view a data source imports as an asset. */
export interface SourceAsset {
  readonly database: string;
  readonly table: string;
  readonly description: string;
  /** The catalog asset id once imported. */
  readonly dataAssetId: string;
}

/**
 * A DataZone data source: its configuration, schedule and the assets each run imports. Times are epoch ms
 * on the emulator clock.
 */
export interface DataSourceRecord {
  readonly domainId: string;
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly projectId: string;
  /** Free text in the model; AWS uses `GLUE` and `REDSHIFT`. */
  readonly type: 'GLUE' | 'REDSHIFT';
  readonly environmentId?: string;
  readonly connectionId?: string;
  /** The model's `DataSourceConfigurationOutput` union (one key). */
  readonly configuration: Readonly<Record<string, unknown>>;
  readonly selfGrantStatus?: Readonly<Record<string, unknown>>;
  readonly enableSetting: 'ENABLED' | 'DISABLED';
  readonly publishOnImport: boolean;
  readonly recommendation: { readonly enableBusinessNameGeneration: boolean };
  readonly schedule?: { readonly timezone: string; readonly schedule: string };
  readonly assets: readonly SourceAsset[];
  readonly createdMs: number;
  readonly updatedMs: number;
}

/** One asset's outcome in a run, revealed at `atMs`. */
export interface ActivityPlan {
  readonly database: string;
  readonly technicalName: string;
  readonly technicalDescription: string;
  readonly dataAssetStatus: DataAssetActivityStatus;
  readonly dataAssetId?: string;
  readonly errorMessage?: DataSourceErrorMessage;
  readonly lineageEventId?: string;
  readonly atMs: number;
}

/**
 * A data source run, its whole timeline fixed at creation: REQUESTED from `createdMs`, RUNNING from
 * `startMs`, then `outcome` from `stopMs` (epoch ms, emulator clock); its activities appear one by one in
 * between.
 */
export interface RunRecord {
  readonly domainId: string;
  readonly dataSourceId: string;
  readonly projectId: string;
  readonly id: string;
  readonly type: DataSourceRunType;
  readonly createdMs: number;
  /** `REQUESTED` until then, `RUNNING` until `stopMs`, then `outcome`. */
  readonly startMs: number;
  readonly stopMs: number;
  readonly outcome: RunOutcome;
  readonly errorMessage?: DataSourceErrorMessage;
  readonly activities: readonly ActivityPlan[];
  readonly configurationSnapshot: string;
}
