/**
 * The seeded DataZone world: an analytics domain (V1) with three projects and Glue and Redshift data
 * sources, a small V2 sandbox domain, and a month of runs per data source, two of them still in flight at
 * seed time.
 *
 * Internal to the emulator.
 */
import { domainArn, roleArn } from './arns.js';
import { planRun } from './datazone.runs.js';
import type { DataSourceRecord, DomainRecord, ProjectRecord, RunRecord, SourceAsset } from './records.js';
import type { SeedContext } from './seed.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const HISTORY_DAYS = 30;

interface DataSourceBlueprint {
  readonly name: string;
  readonly description: string;
  readonly project: number;
  readonly type: 'GLUE' | 'REDSHIFT';
  /** Redshift only: a provisioned cluster or a serverless workgroup. */
  readonly storage?: { readonly clusterName: string } | { readonly workgroupName: string };
  readonly database: string;
  readonly schemaName?: string;
  readonly tables: readonly string[];
  readonly enabled: boolean;
  /** Daily (or every `everyDays`) at this UTC time; no schedule when absent. */
  readonly schedule?: {
    readonly hour: number;
    readonly minute: number;
    readonly everyDays: 1 | 7;
    readonly timezone: string;
  };
  /** Start a run that is still in flight when the world is created: `requested` or `running`. */
  readonly live?: 'requested' | 'running';
}

interface DomainBlueprint {
  readonly name: string;
  readonly description: string;
  readonly version: 'V1' | 'V2';
  readonly ageDays: number;
  readonly projects: readonly {
    readonly name: string;
    readonly description: string;
    readonly category?: string;
  }[];
  readonly dataSources: readonly DataSourceBlueprint[];
}

const DOMAINS: readonly DomainBlueprint[] = [
  {
    name: 'Loadgraph Analytics',
    description: 'Governed analytics data for sales, supply chain and finance',
    version: 'V1',
    ageDays: 240,
    projects: [
      { name: 'Sales Analytics', description: 'Revenue, orders and customer analytics' },
      { name: 'Supply Chain Insights', description: 'Inventory, inbound and fulfilment visibility' },
      { name: 'Finance Reporting', description: 'General ledger and cost reporting' },
    ],
    dataSources: [
      {
        name: 'Sales lakehouse',
        description: 'Glue catalog of the sales lakehouse on S3',
        project: 0,
        type: 'GLUE',
        database: 'sales_lakehouse',
        tables: ['orders', 'order_items', 'customers', 'returns', 'promotions', 'daily_sales_agg'],
        enabled: true,
        schedule: { hour: 2, minute: 15, everyDays: 1, timezone: 'UTC' },
        live: 'requested',
      },
      {
        name: 'Sales marts',
        description: 'Curated sales marts on the analytics Redshift cluster',
        project: 0,
        type: 'REDSHIFT',
        storage: { clusterName: 'analytics-cluster' },
        database: 'dev',
        schemaName: 'sales_mart',
        tables: ['fct_orders', 'fct_returns', 'dim_customer', 'dim_product', 'agg_weekly_revenue'],
        enabled: true,
        schedule: { hour: 4, minute: 0, everyDays: 1, timezone: 'US_EASTERN' },
      },
      {
        name: 'Supply chain raw zone',
        description: 'Raw supply chain entities exported from AWS Supply Chain',
        project: 1,
        type: 'GLUE',
        database: 'scn_raw',
        tables: [
          'product',
          'site',
          'inbound_order',
          'inbound_order_line',
          'inventory_level',
          'outbound_order_line',
          'shipment',
          'supply_plan',
        ],
        enabled: true,
        schedule: { hour: 1, minute: 30, everyDays: 1, timezone: 'UTC' },
        live: 'running',
      },
      {
        name: 'Finance warehouse',
        description: 'Finance reporting schema on Redshift Serverless',
        project: 2,
        type: 'REDSHIFT',
        storage: { workgroupName: 'finance-wg' },
        database: 'finance',
        schemaName: 'reporting',
        tables: ['gl_journal_lines', 'ap_invoices', 'ar_invoices', 'cost_centers'],
        enabled: true,
        schedule: { hour: 6, minute: 0, everyDays: 7, timezone: 'EUROPE_LONDON' },
      },
      {
        name: 'Clickstream archive',
        description: 'Archived web clickstream tables; imports paused',
        project: 0,
        type: 'GLUE',
        database: 'clickstream',
        tables: ['page_views', 'sessions', 'events_2023'],
        enabled: false,
      },
    ],
  },
  {
    name: 'Research Sandbox',
    description: 'Experimentation domain for forecasting models',
    version: 'V2',
    ageDays: 75,
    projects: [
      {
        name: 'Demand Forecasting ML',
        description: 'Features and training sets for demand forecasts',
        category: 'ML',
      },
    ],
    dataSources: [
      {
        name: 'Feature store',
        description: 'Feature tables for demand forecasting',
        project: 0,
        type: 'GLUE',
        database: 'feature_store',
        tables: ['demand_features', 'price_elasticity', 'store_calendar'],
        enabled: true,
        schedule: { hour: 3, minute: 45, everyDays: 1, timezone: 'UTC' },
      },
    ],
  },
];

/**
 * The DataZone half of a new world: every blueprint domain with its projects, data sources and run history
 * before `ctx.nowMs`, by domain id. Deterministic in `ctx`.
 */
export function seedDataZone(ctx: SeedContext): Map<string, DomainRecord> {
  const users = Array.from({ length: 6 }, () => ctx.rng.uuid());
  const groups = Array.from({ length: 2 }, () => ctx.rng.uuid());
  const domains = new Map<string, DomainRecord>();
  for (const blueprint of DOMAINS) {
    const domain = seedDomain(ctx, blueprint, users, groups);
    domains.set(domain.id, domain);
  }
  return domains;
}

function seedDomain(
  ctx: SeedContext,
  blueprint: DomainBlueprint,
  users: readonly string[],
  groups: readonly string[],
): DomainRecord {
  const { rng, nowMs } = ctx;
  const id = `dzd_${rng.shortId(14)}`;
  const createdMs = nowMs - blueprint.ageDays * DAY_MS - rng.int(0, DAY_MS);
  const v2 = blueprint.version === 'V2';
  const domain: DomainRecord = {
    id,
    name: blueprint.name,
    description: blueprint.description,
    arn: domainArn(ctx, id),
    status: 'AVAILABLE',
    domainVersion: blueprint.version,
    domainExecutionRole: roleArn(ctx, 'service-role/AmazonDataZoneDomainExecution'),
    ...(v2 ? { serviceRole: roleArn(ctx, 'service-role/AmazonSageMakerDomainService') } : {}),
    rootDomainUnitId: rng.shortId(14),
    portalUrl: `https://${id}.datazone.${ctx.region}.on.aws`,
    singleSignOn: v2
      ? { type: 'DISABLED' }
      : {
          type: 'IAM_IDC',
          userAssignment: 'AUTOMATIC',
          idcInstanceArn: `arn:aws:sso:::instance/ssoins-${rng.shortId(16)}`,
        },
    ...(v2 ? { kmsKeyIdentifier: `arn:aws:kms:${ctx.region}:${ctx.accountId}:key/${rng.uuid()}` } : {}),
    tags: { team: 'data-platform', environment: v2 ? 'sandbox' : 'production' },
    createdMs,
    updatedMs: createdMs + rng.int(0, 20) * DAY_MS,
    projects: new Map(),
    dataSources: new Map(),
    runs: new Map(),
  };
  const projects = blueprint.projects.map((p, i): ProjectRecord => {
    const projectCreatedMs = createdMs + rng.int(HOUR_MS, 10 * DAY_MS);
    return {
      domainId: id,
      id: rng.shortId(14),
      name: p.name,
      description: p.description,
      createdBy: users[i % users.length]!,
      domainUnitId: domain.rootDomainUnitId,
      ...(p.category ? { projectCategory: p.category } : {}),
      memberUserIds: [users[i % users.length]!, users[(i + 3) % users.length]!],
      memberGroupIds: [groups[i % groups.length]!],
      createdMs: projectCreatedMs,
      updatedMs: projectCreatedMs + rng.int(0, 30) * DAY_MS,
    };
  });
  for (const project of projects) domain.projects.set(project.id, project);
  const environments = projects.map(() => rng.shortId(14));
  for (const ds of blueprint.dataSources) {
    const project = projects[ds.project]!;
    const dataSource = seedDataSource(
      ctx,
      domain,
      ds,
      project,
      v2 ? { connectionId: rng.shortId(14) } : { environmentId: environments[ds.project]! },
    );
    domain.dataSources.set(dataSource.id, dataSource);
    seedRuns(ctx, domain, dataSource, ds);
  }
  return domain;
}

function seedDataSource(
  ctx: SeedContext,
  domain: DomainRecord,
  blueprint: DataSourceBlueprint,
  project: ProjectRecord,
  placement: { environmentId: string } | { connectionId: string },
): DataSourceRecord {
  const { rng } = ctx;
  const filter = {
    databaseName: blueprint.database,
    ...(blueprint.schemaName ? { schemaName: blueprint.schemaName } : {}),
    filterExpressions: [
      { type: 'INCLUDE', expression: '*' },
      { type: 'EXCLUDE', expression: 'tmp_*' },
    ],
  };
  const common = { accountId: ctx.accountId, region: ctx.region, relationalFilterConfigurations: [filter] };
  const configuration =
    blueprint.type === 'GLUE'
      ? {
          glueRunConfiguration: {
            ...common,
            dataAccessRole: roleArn(ctx, `service-role/AmazonDataZoneGlueAccess-${ctx.region}-${domain.id}`),
            autoImportDataQualityResult: true,
          },
        }
      : {
          redshiftRunConfiguration: {
            ...common,
            dataAccessRole: roleArn(
              ctx,
              `service-role/AmazonDataZoneRedshiftAccess-${ctx.region}-${domain.id}`,
            ),
            redshiftCredentialConfiguration: {
              secretManagerArn: `arn:aws:secretsmanager:${ctx.region}:${ctx.accountId}:secret:datazone/redshift/${blueprint.database}-${rng.shortId(6)}`,
            },
            redshiftStorage:
              blueprint.storage && 'clusterName' in blueprint.storage
                ? { redshiftClusterSource: { clusterName: blueprint.storage.clusterName } }
                : {
                    redshiftServerlessSource: {
                      workgroupName: blueprint.storage?.workgroupName ?? 'default-wg',
                    },
                  },
          },
        };
  const grant = {
    databaseName: blueprint.database,
    ...(blueprint.schemaName ? { schemaName: blueprint.schemaName } : {}),
    status: 'GRANTED',
  };
  const selfGrantStatus =
    blueprint.type === 'GLUE'
      ? { glueSelfGrantStatus: { selfGrantStatusDetails: [grant] } }
      : { redshiftSelfGrantStatus: { selfGrantStatusDetails: [grant] } };
  const schedule = blueprint.schedule;
  const createdMs = project.createdMs + rng.int(HOUR_MS, 3 * DAY_MS);
  const assets = blueprint.tables.map((table): SourceAsset => ({
    database: blueprint.database,
    table,
    description: `${table.replaceAll('_', ' ')} table in ${blueprint.schemaName ? `${blueprint.database}.${blueprint.schemaName}` : blueprint.database}`,
    dataAssetId: rng.shortId(14),
  }));
  return {
    domainId: domain.id,
    id: rng.shortId(14),
    name: blueprint.name,
    description: blueprint.description,
    projectId: project.id,
    type: blueprint.type,
    ...placement,
    configuration,
    selfGrantStatus,
    enableSetting: blueprint.enabled ? 'ENABLED' : 'DISABLED',
    publishOnImport: blueprint.project === 0,
    recommendation: { enableBusinessNameGeneration: blueprint.type === 'GLUE' },
    ...(schedule
      ? {
          schedule: {
            timezone: schedule.timezone,
            schedule: `cron(${schedule.minute} ${schedule.hour} ${schedule.everyDays === 7 ? '? * MON' : '* * ?'} *)`,
          },
        }
      : {}),
    assets,
    createdMs,
    updatedMs: createdMs + rng.int(0, 5) * DAY_MS,
  };
}

function seedRuns(
  ctx: SeedContext,
  domain: DomainRecord,
  dataSource: DataSourceRecord,
  blueprint: DataSourceBlueprint,
): void {
  const { rng, nowMs, timing } = ctx;
  const firstMs = Math.max(dataSource.createdMs, nowMs - HISTORY_DAYS * DAY_MS);
  const planned: { createdMs: number; type: 'SCHEDULED' | 'PRIORITIZED' }[] = [];
  const schedule = blueprint.enabled ? blueprint.schedule : undefined;
  if (schedule) {
    const dayMs = Math.floor(firstMs / DAY_MS) * DAY_MS;
    for (
      let at = dayMs + schedule.hour * HOUR_MS + schedule.minute * 60_000;
      at < nowMs - HOUR_MS;
      at += schedule.everyDays * DAY_MS
    ) {
      if (at >= firstMs) planned.push({ createdMs: at, type: 'SCHEDULED' });
    }
  }
  const onDemand = rng.int(schedule?.everyDays === 7 ? 12 : 6, 14);
  for (let i = 0; i < onDemand; i++)
    planned.push({ createdMs: rng.int(firstMs, nowMs - HOUR_MS), type: 'PRIORITIZED' });
  planned.sort((a, b) => a.createdMs - b.createdMs);
  const add = (run: RunRecord): void => void domain.runs.set(run.id, run);
  for (const { createdMs, type } of planned) {
    const requestedMs = Math.round(timing.runRequestedMs * rng.between(0.5, 3));
    const runningMs = Math.round(timing.runRunningMs * rng.between(0.6, 4));
    add(
      planRun({
        seed: ctx.seed,
        timing,
        domain,
        dataSource,
        id: rng.shortId(14),
        type,
        createdMs,
        requestedMs,
        runningMs,
      }),
    );
  }
  if (blueprint.live) {
    const agoMs =
      blueprint.live === 'requested' ? 1_000 : timing.runRequestedMs + Math.round(timing.runRunningMs * 0.1);
    add(
      planRun({
        seed: ctx.seed,
        timing,
        domain,
        dataSource,
        id: rng.shortId(14),
        type: 'PRIORITIZED',
        createdMs: nowMs - agoMs,
      }),
    );
  }
}
