/**
 * Plans a DataZone data source run: when it leaves `REQUESTED` and stops, how it ends, and what happens
 * to each asset. The outcome is a stable draw from the world seed and the run id. Activities are created
 * as the run reaches each asset; a failed run reports every asset failed when it stops.
 *
 * Internal to the emulator.
 */
import type {
  ActivityPlan,
  DataAssetActivityStatus,
  DataSourceErrorMessage,
  DataSourceRecord,
  DataSourceRunType,
  DomainRecord,
  RunRecord,
} from './records.js';
import { rngFor, unitFor, type Rng } from './rng.js';
import { runOutcome } from './schedules.js';
import type { Timing } from './timing.js';

/**
 * What planning a data source run needs: the world's seed and timing, the data source and its domain, the
 * run's id, type and creation time (epoch ms, emulator clock). Planning is deterministic in these.
 */
export interface RunRequest {
  readonly seed: number;
  readonly timing: Timing;
  readonly domain: DomainRecord;
  readonly dataSource: DataSourceRecord;
  readonly id: string;
  readonly type: DataSourceRunType;
  readonly createdMs: number;
  /** Time in `REQUESTED`; default `timing.runRequestedMs`. */
  readonly requestedMs?: number;
  /** Time in `RUNNING`; default `timing.runRunningMs`. */
  readonly runningMs?: number;
}

/** Plans a run. A data source runs one run at a time: a new run starts after the previous one stops. */
export function planRun(request: RunRequest): RunRecord {
  const { timing, domain, dataSource } = request;
  const previous = [...domain.runs.values()].filter((r) => r.dataSourceId === dataSource.id);
  const tailMs = previous.reduce((max, r) => Math.max(max, r.stopMs), 0);
  const startMs = Math.max(request.createdMs + (request.requestedMs ?? timing.runRequestedMs), tailMs);
  const runningMs = request.runningMs ?? timing.runRunningMs;
  const outcome = runOutcome(unitFor(request.seed, 'run', request.id), timing);
  const rng = rngFor(request.seed, 'run-plan', request.id);
  // A failed run gives up part of the way through; the others visit every asset.
  const stopMs = startMs + (outcome === 'FAILED' ? Math.round(runningMs * rng.between(0.2, 0.6)) : runningMs);
  const base = {
    domainId: domain.id,
    dataSourceId: dataSource.id,
    projectId: dataSource.projectId,
    id: request.id,
    type: request.type,
    createdMs: request.createdMs,
    startMs,
    stopMs,
    outcome,
    configurationSnapshot: JSON.stringify(dataSource.configuration),
  };
  if (outcome === 'FAILED') {
    const errorMessage = runFailure(rng, dataSource);
    const activities = dataSource.assets.map((asset): ActivityPlan => ({
      database: asset.database,
      technicalName: asset.table,
      technicalDescription: asset.description,
      dataAssetStatus: 'FAILED',
      errorMessage,
      atMs: stopMs,
    }));
    return { ...base, errorMessage, activities };
  }

  const firstRun = previous.length === 0;
  const count = dataSource.assets.length;
  const failing = new Set<number>();
  if (outcome === 'PARTIALLY_SUCCEEDED') {
    const failures = rng.int(1, Math.max(1, Math.floor(count / 3)));
    while (failing.size < failures) failing.add(rng.int(0, count - 1));
  }
  const activities = dataSource.assets.map((asset, i): ActivityPlan => {
    const atMs = startMs + Math.round(((i + 1) / (count + 1)) * runningMs);
    const common = {
      database: asset.database,
      technicalName: asset.table,
      technicalDescription: asset.description,
      atMs,
    };
    if (failing.has(i)) {
      const failure = assetFailure(rng, asset.database, asset.table);
      return {
        ...common,
        ...failure,
        ...(failure.dataAssetStatus === 'PUBLISHING_FAILED' ? { dataAssetId: asset.dataAssetId } : {}),
      };
    }
    const status = firstRun ? 'SUCCEEDED_CREATED' : steadyStatus(rng);
    const imported = status === 'SUCCEEDED_CREATED' || status === 'SUCCEEDED_UPDATED';
    return {
      ...common,
      dataAssetStatus: status,
      ...(status === 'SKIPPED_NO_ACCESS' ? {} : { dataAssetId: asset.dataAssetId }),
      ...(imported ? { lineageEventId: rng.uuid() } : {}),
    };
  });
  return { ...base, activities };
}

function steadyStatus(rng: Rng): DataAssetActivityStatus {
  const u = rng.next();
  if (u < 0.5) return 'UNCHANGED';
  if (u < 0.8) return 'SUCCEEDED_UPDATED';
  if (u < 0.88) return 'SUCCEEDED_CREATED';
  if (u < 0.95) return 'SKIPPED_ALREADY_IMPORTED';
  if (u < 0.98) return 'SKIPPED_ARCHIVED';
  return 'SKIPPED_NO_ACCESS';
}

function assetFailure(
  rng: Rng,
  database: string,
  table: string,
): { dataAssetStatus: 'FAILED' | 'PUBLISHING_FAILED'; errorMessage: DataSourceErrorMessage } {
  return rng.pick([
    {
      dataAssetStatus: 'FAILED' as const,
      errorMessage: {
        errorType: 'ACCESS_DENIED_EXCEPTION' as const,
        errorDetail: `The data access role has no SELECT permission on ${database}.${table}`,
      },
    },
    {
      dataAssetStatus: 'FAILED' as const,
      errorMessage: {
        errorType: 'VALIDATION_EXCEPTION' as const,
        errorDetail: `Column 'geo_shape' of ${database}.${table} has unsupported type 'geography'`,
      },
    },
    {
      dataAssetStatus: 'PUBLISHING_FAILED' as const,
      errorMessage: {
        errorType: 'VALIDATION_EXCEPTION' as const,
        errorDetail: `Asset ${table} was imported but not published: a required metadata form is incomplete`,
      },
    },
  ]);
}

function runFailure(rng: Rng, dataSource: DataSourceRecord): DataSourceErrorMessage {
  const database = dataSource.assets[0]?.database ?? 'default';
  if (dataSource.type === 'GLUE') {
    return rng.pick<DataSourceErrorMessage>([
      {
        errorType: 'ACCESS_DENIED_EXCEPTION',
        errorDetail: `Insufficient Lake Formation permissions: the data access role cannot DESCRIBE database ${database}`,
      },
      {
        errorType: 'RESOURCE_NOT_FOUND_EXCEPTION',
        errorDetail: `Database ${database} was not found in the AWS Glue Data Catalog`,
      },
      {
        errorType: 'THROTTLING_EXCEPTION',
        errorDetail: 'Rate exceeded for glue:GetTables; the run stopped after 5 retries',
      },
      {
        errorType: 'INTERNAL_SERVER_EXCEPTION',
        errorDetail: 'An internal error occurred while reading the AWS Glue Data Catalog',
      },
    ]);
  }
  return rng.pick<DataSourceErrorMessage>([
    {
      errorType: 'ACCESS_DENIED_EXCEPTION',
      errorDetail:
        'Not authorized to perform secretsmanager:GetSecretValue on the Redshift credentials secret',
    },
    {
      errorType: 'RESOURCE_NOT_FOUND_EXCEPTION',
      errorDetail: 'The Redshift cluster or workgroup is paused or does not exist',
    },
    { errorType: 'VALIDATION_EXCEPTION', errorDetail: `Database ${database} does not exist` },
  ]);
}
