/**
 * DataZone records as the model's output structures at a given time (timestamps as `Date`; the wire
 * layer writes GetDomain's as epoch seconds and the rest as ISO strings). A data source's status and
 * last-run members are derived from its runs: `RUNNING` while one is in flight, `READY` otherwise.
 *
 * Internal to the emulator.
 */
import type {
  ActivityPlan,
  DataSourceRecord,
  DataSourceRunStatus,
  DomainRecord,
  ProjectRecord,
  RunRecord,
} from './records.js';
import {
  activitiesAt,
  assertNever,
  isRunActive,
  runStatistics,
  runStatusAt,
  runUpdatedMs,
} from './schedules.js';

const at = (ms: number): Date => new Date(ms);

/** A domain as GetDomain returns it. */
export function domainView(domain: DomainRecord): Record<string, unknown> {
  return {
    id: domain.id,
    rootDomainUnitId: domain.rootDomainUnitId,
    name: domain.name,
    description: domain.description,
    singleSignOn: domain.singleSignOn,
    domainExecutionRole: domain.domainExecutionRole,
    arn: domain.arn,
    ...(domain.kmsKeyIdentifier ? { kmsKeyIdentifier: domain.kmsKeyIdentifier } : {}),
    status: domain.status,
    portalUrl: domain.portalUrl,
    createdAt: at(domain.createdMs),
    lastUpdatedAt: at(domain.updatedMs),
    tags: domain.tags,
    domainVersion: domain.domainVersion,
    ...(domain.serviceRole ? { serviceRole: domain.serviceRole } : {}),
  };
}

/** A domain as ListDomains lists it (a DomainSummary, with the account that manages it). */
export function domainSummaryView(domain: DomainRecord, accountId: string): Record<string, unknown> {
  return {
    id: domain.id,
    name: domain.name,
    description: domain.description,
    arn: domain.arn,
    managedAccountId: accountId,
    status: domain.status,
    portalUrl: domain.portalUrl,
    createdAt: at(domain.createdMs),
    lastUpdatedAt: at(domain.updatedMs),
    domainVersion: domain.domainVersion,
  };
}

/** A project as ListProjects lists it (a ProjectSummary; seeded projects are always ACTIVE). */
export function projectSummaryView(project: ProjectRecord): Record<string, unknown> {
  return {
    domainId: project.domainId,
    id: project.id,
    name: project.name,
    description: project.description,
    projectStatus: 'ACTIVE',
    createdBy: project.createdBy,
    createdAt: at(project.createdMs),
    updatedAt: at(project.updatedMs),
    domainUnitId: project.domainUnitId,
    ...(project.projectCategory ? { projectCategory: project.projectCategory } : {}),
  };
}

/** The runs of one data source, oldest first. */
export function runsOf(domain: DomainRecord, dataSourceId: string): RunRecord[] {
  return [...domain.runs.values()]
    .filter((r) => r.dataSourceId === dataSourceId)
    .sort((a, b) => a.createdMs - b.createdMs);
}

/** A data source's status and last-run members at `nowMs`. */
export function dataSourceState(
  dataSource: DataSourceRecord,
  domain: DomainRecord,
  nowMs: number,
): Record<string, unknown> {
  const runs = runsOf(domain, dataSource.id).filter((r) => r.createdMs <= nowMs);
  const running = runs.some((r) => isRunActive(r, nowMs));
  // The status flips to RUNNING when a run is requested and back to READY when the last one stops.
  const updatedMs = runs.reduce(
    (max, r) => Math.max(max, r.createdMs, r.stopMs <= nowMs ? r.stopMs : 0),
    dataSource.updatedMs,
  );
  const latest = runs.at(-1);
  if (!latest) return { status: running ? 'RUNNING' : 'READY', updatedAt: at(updatedMs) };
  const lastRunStatus = runStatusAt(latest, nowMs);
  const stats = runStatistics(activitiesAt(latest, nowMs));
  return {
    status: running ? 'RUNNING' : 'READY',
    lastRunStatus,
    lastRunAt: at(latest.startMs <= nowMs ? latest.startMs : latest.createdMs),
    ...(lastRunStatus === 'FAILED' && latest.errorMessage
      ? { lastRunErrorMessage: latest.errorMessage }
      : {}),
    // Assets the run has imported or confirmed so far (created, updated or unchanged).
    lastRunAssetCount: stats.added + stats.updated + stats.unchanged,
    updatedAt: at(updatedMs),
  };
}

function dataSourceCommon(dataSource: DataSourceRecord): Record<string, unknown> {
  return {
    domainId: dataSource.domainId,
    name: dataSource.name,
    type: dataSource.type,
    description: dataSource.description,
    ...(dataSource.environmentId ? { environmentId: dataSource.environmentId } : {}),
    ...(dataSource.connectionId ? { connectionId: dataSource.connectionId } : {}),
    enableSetting: dataSource.enableSetting,
    ...(dataSource.schedule ? { schedule: dataSource.schedule } : {}),
    createdAt: at(dataSource.createdMs),
  };
}

/** A data source as GetDataSource returns it, its last run's status and time as of `nowMs`. */
export function dataSourceView(
  dataSource: DataSourceRecord,
  domain: DomainRecord,
  nowMs: number,
): Record<string, unknown> {
  return {
    id: dataSource.id,
    projectId: dataSource.projectId,
    ...dataSourceCommon(dataSource),
    configuration: dataSource.configuration,
    recommendation: dataSource.recommendation,
    publishOnImport: dataSource.publishOnImport,
    ...(dataSource.selfGrantStatus ? { selfGrantStatus: dataSource.selfGrantStatus } : {}),
    ...dataSourceState(dataSource, domain, nowMs),
  };
}

/** A data source as ListDataSources lists it (a DataSourceSummary), its last run as of `nowMs`. */
export function dataSourceSummaryView(
  dataSource: DataSourceRecord,
  domain: DomainRecord,
  nowMs: number,
): Record<string, unknown> {
  return {
    dataSourceId: dataSource.id,
    ...dataSourceCommon(dataSource),
    ...dataSourceState(dataSource, domain, nowMs),
  };
}

/** Members shared by GetDataSourceRun, StartDataSourceRun and the run summary. */
function runCommon(run: RunRecord, nowMs: number): Record<string, unknown> & { status: DataSourceRunStatus } {
  const status = runStatusAt(run, nowMs);
  const started = status !== 'REQUESTED';
  const stopped = nowMs >= run.stopMs;
  return {
    id: run.id,
    dataSourceId: run.dataSourceId,
    projectId: run.projectId,
    status,
    type: run.type,
    ...(started ? { runStatisticsForAssets: runStatistics(activitiesAt(run, nowMs)) } : {}),
    ...(status === 'FAILED' && run.errorMessage ? { errorMessage: run.errorMessage } : {}),
    createdAt: at(run.createdMs),
    updatedAt: at(runUpdatedMs(run, nowMs)),
    ...(started ? { startedAt: at(run.startMs) } : {}),
    ...(stopped ? { stoppedAt: at(run.stopMs) } : {}),
  };
}

function lineageSummary(status: DataSourceRunStatus): Record<string, unknown> | undefined {
  switch (status) {
    case 'REQUESTED':
      return undefined;
    case 'RUNNING':
      return { importStatus: 'IN_PROGRESS' };
    case 'SUCCESS':
    case 'FAILED':
    case 'PARTIALLY_SUCCEEDED':
      return { importStatus: status };
    default:
      return assertNever(status);
  }
}

/** StartDataSourceRun's output: GetDataSourceRun's members without `lineageSummary`. */
export function startedRunView(run: RunRecord, nowMs: number): Record<string, unknown> {
  return {
    domainId: run.domainId,
    ...runCommon(run, nowMs),
    dataSourceConfigurationSnapshot: run.configurationSnapshot,
  };
}

/**
 * A run as GetDataSourceRun returns it, its status and statistics as of `nowMs` (with a lineage summary
 * once it has one).
 */
export function runView(run: RunRecord, nowMs: number): Record<string, unknown> {
  const common = runCommon(run, nowMs);
  const lineage = lineageSummary(common.status);
  return { ...startedRunView(run, nowMs), ...(lineage ? { lineageSummary: lineage } : {}) };
}

/** A DataSourceRunSummary: no `domainId` and no configuration snapshot. */
export function runSummaryView(run: RunRecord, nowMs: number): Record<string, unknown> {
  const common = runCommon(run, nowMs);
  const lineage = lineageSummary(common.status);
  return { ...common, ...(lineage ? { lineageSummary: lineage } : {}) };
}

/** One activity of a run as ListDataSourceRunActivities lists it. */
export function activityView(activity: ActivityPlan, run: RunRecord): Record<string, unknown> {
  return {
    database: activity.database,
    dataSourceRunId: run.id,
    technicalName: activity.technicalName,
    dataAssetStatus: activity.dataAssetStatus,
    projectId: run.projectId,
    ...(activity.dataAssetId ? { dataAssetId: activity.dataAssetId } : {}),
    technicalDescription: activity.technicalDescription,
    ...(activity.errorMessage ? { errorMessage: activity.errorMessage } : {}),
    ...(activity.lineageEventId
      ? { lineageSummary: { eventId: activity.lineageEventId, eventStatus: 'SUCCESS' } }
      : {}),
    createdAt: at(activity.atMs),
    updatedAt: at(activity.atMs),
  };
}
