/**
 * What the world stores. Records hold the facts fixed at creation (ids, names, configuration and each
 * load's timeline and outcome); statuses are never stored but read off the timeline at the current
 * clock time (see `schedules.ts`). Shapes that appear on the wire use the model's member names.
 *
 * Internal to the emulator.
 */

// ---- Supply Chain -------------------------------------------------------------------------------------

export type InstanceState =
  'Initializing' | 'Active' | 'CreateFailed' | 'DeleteFailed' | 'Deleting' | 'Deleted';
export type LoadStatus = 'SUCCEEDED' | 'IN_PROGRESS' | 'FAILED';
export type TerminalLoadStatus = Exclude<LoadStatus, 'IN_PROGRESS'>;
export type DatasetOperationType = 'APPEND' | 'UPSERT' | 'DELETE';
export type SchemaFieldType = 'INT' | 'DOUBLE' | 'STRING' | 'TIMESTAMP' | 'LONG';
export type PartitionTransformType = 'YEAR' | 'MONTH' | 'DAY' | 'HOUR' | 'IDENTITY';

export interface SchemaField {
  readonly name: string;
  readonly type: SchemaFieldType;
  readonly isRequired: boolean;
}

export interface DatasetSchema {
  readonly name: string;
  readonly fields: readonly SchemaField[];
  readonly primaryKeys?: readonly { readonly name: string }[];
}

export interface PartitionSpec {
  readonly fields: readonly {
    readonly name: string;
    readonly transform: { readonly type: PartitionTransformType };
  }[];
}

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

export interface NamespaceRecord {
  readonly instanceId: string;
  readonly name: string;
  readonly arn: string;
  readonly description?: string;
  readonly createdMs: number;
  readonly modifiedMs: number;
  readonly datasets: Map<string, DatasetRecord>;
}

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

export interface S3Location {
  readonly bucketName: string;
  readonly prefix: string;
  readonly options?: { readonly fileType?: 'CSV' | 'PARQUET' | 'JSON' };
}

export interface FlowSource {
  readonly sourceType: 'S3' | 'DATASET';
  readonly sourceName: string;
  readonly s3Source?: S3Location;
  readonly datasetSource?: { readonly datasetIdentifier: string; readonly options?: DatasetOptions };
}

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

export interface ExecutionSourceInfo {
  readonly sourceType: 'S3' | 'DATASET';
  readonly s3Source?: { readonly bucketName: string; readonly key: string };
  readonly datasetSource?: { readonly datasetIdentifier: string };
}

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

export type DataSourceRunStatus = 'REQUESTED' | 'RUNNING' | 'FAILED' | 'PARTIALLY_SUCCEEDED' | 'SUCCESS';
export type RunOutcome = Extract<DataSourceRunStatus, 'FAILED' | 'PARTIALLY_SUCCEEDED' | 'SUCCESS'>;
export type DataSourceRunType = 'PRIORITIZED' | 'SCHEDULED';
export type DataSourceErrorType =
  | 'ACCESS_DENIED_EXCEPTION'
  | 'CONFLICT_EXCEPTION'
  | 'INTERNAL_SERVER_EXCEPTION'
  | 'RESOURCE_NOT_FOUND_EXCEPTION'
  | 'SERVICE_QUOTA_EXCEEDED_EXCEPTION'
  | 'THROTTLING_EXCEPTION'
  | 'VALIDATION_EXCEPTION';
export type DataAssetActivityStatus =
  | 'FAILED'
  | 'PUBLISHING_FAILED'
  | 'SUCCEEDED_CREATED'
  | 'SUCCEEDED_UPDATED'
  | 'SKIPPED_ALREADY_IMPORTED'
  | 'SKIPPED_ARCHIVED'
  | 'SKIPPED_NO_ACCESS'
  | 'UNCHANGED';

export interface DataSourceErrorMessage {
  readonly errorType: DataSourceErrorType;
  readonly errorDetail?: string;
}

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
