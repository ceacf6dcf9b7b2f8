/**
 * The upstream shapes the graph maps from (codegen mappers point here): the AWS output types without
 * response metadata.
 */
import type {
  DataSourceRunSummary,
  GetDataSourceOutput,
  GetDataSourceRunOutput,
  GetDomainOutput,
  StartDataSourceRunOutput,
} from '@aws-sdk/client-datazone';

export type {
  DataIntegrationEvent,
  DataIntegrationFlow,
  DataIntegrationFlowExecution,
  DataLakeDataset,
  Instance,
} from './supplychain/index.js';
/** The event-type enum: GraphQL names (`FORECAST`) to wire values (`scn.data.forecast`). */
export { DataIntegrationEventType } from './supplychain/index.js';
export type {
  DataIntegrationEvent as EventModel,
  DataIntegrationFlow as FlowModel,
  DataIntegrationFlowExecution as FlowExecutionModel,
  DataLakeDataset as DatasetModel,
  Instance as InstanceModel,
} from './supplychain/index.js';
export type {
  ProjectSummary as ProjectModel,
  DataSourceRunActivity as ActivityModel,
  SageMakerRunConfigurationOutput as SageMakerRunConfigurationModel,
} from '@aws-sdk/client-datazone';

/**
 * A data source run as GetDataSourceRun returns it; StartDataSourceRun's output (no `lineageSummary`)
 * and ListDataSourceRuns' summaries (with `domainId` added, no configuration snapshot) fit it too.
 */
export type DataSourceRunModel =
  | Omit<GetDataSourceRunOutput, '$metadata'>
  | Omit<StartDataSourceRunOutput, '$metadata'>
  | (DataSourceRunSummary & { domainId: string });
/** A DataZone data source as GetDataSource returns it, without the response metadata. */
export type DataSourceModel = Omit<GetDataSourceOutput, '$metadata'>;
/** A DataZone domain as GetDomain returns it, without the response metadata. */
export type DomainModel = Omit<GetDomainOutput, '$metadata'>;

/** One page of an AWS list operation. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextToken?: string | undefined;
}
