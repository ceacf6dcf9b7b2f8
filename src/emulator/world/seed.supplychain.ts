/**
 * The seeded Supply Chain world: two active instances with the `asc` and `default` namespaces, their
 * datasets, a few integration flows, and two weeks of events and flow executions, a handful of them still
 * in progress at seed time so a watcher sees them finish.
 *
 * Internal to the emulator.
 */
import { datasetArn, namespaceArn } from './arns.js';
import { APPEND_ONLY_DATASETS, ASC_DATASETS, DEFAULT_DATASETS, type DatasetBlueprint } from './catalog.js';
import type {
  DatasetOperationType,
  DatasetOptions,
  DatasetRecord,
  FlowRecord,
  FlowSource,
  InstanceRecord,
  NamespaceRecord,
} from './records.js';
import { rngFor, type Rng } from './rng.js';
import type { SeedContext } from './seed.js';
import { planEventLoad, planExecution } from './supplychain.loads.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const HISTORY_MS = 14 * DAY_MS;

interface InstanceBlueprint {
  readonly instanceName: string;
  readonly instanceDescription: string;
  readonly webAppDnsDomain: string;
  readonly withKmsKey: boolean;
  readonly ageDays: number;
  readonly datasets: readonly string[];
  /** Datasets of {@link APPEND_ONLY_DATASETS} (no primary keys), seeded from streams of their own. */
  readonly appendOnlyDatasets: readonly string[];
  readonly flows: readonly string[];
  readonly eventCount: number;
  readonly executionCount: number;
}

const INSTANCES: readonly InstanceBlueprint[] = [
  {
    instanceName: 'Northwind Distribution',
    instanceDescription: 'North American distribution network, demand and supply planning',
    webAppDnsDomain: 'northwind-distribution',
    withKmsKey: false,
    ageDays: 412,
    datasets: [...ASC_DATASETS, ...DEFAULT_DATASETS].map((d) => d.name),
    appendOnlyDatasets: APPEND_ONLY_DATASETS.map((d) => d.name),
    flows: [
      'erp-item-master-ingest',
      'item-master-to-product',
      'sales-orders-ingest',
      'sales-orders-to-outbound-lines',
      'wms-inventory-snapshot',
      'purchase-orders-ingest',
    ],
    eventCount: 340,
    executionCount: 260,
  },
  {
    instanceName: 'Tailspin Manufacturing EU',
    instanceDescription: 'European plants, procurement and inventory visibility',
    webAppDnsDomain: 'tailspin-mfg-eu',
    withKmsKey: true,
    ageDays: 187,
    datasets: [
      'product',
      'site',
      'inbound_order',
      'inbound_order_line',
      'inventory_level',
      'outbound_order_line',
      'shipment',
      'erp_item_master',
      'raw_sales_orders',
      'warehouse_stock_snapshot',
    ],
    appendOnlyDatasets: ['edi_message_log'],
    flows: [
      'erp-item-master-ingest',
      'item-master-to-product',
      'wms-inventory-snapshot',
      'purchase-orders-ingest',
    ],
    eventCount: 280,
    executionCount: 210,
  },
];

const DEDUPE_LATEST: DatasetOptions = {
  loadType: 'INCREMENTAL',
  dedupeRecords: true,
  dedupeStrategy: {
    type: 'FIELD_PRIORITY',
    fieldPriority: { fields: [{ name: 'source_update_dttm', sortOrder: 'DESC' }] },
  },
};

interface FlowBlueprint {
  readonly name: string;
  /** `s3:<prefix>:<fileType>:<sourceName>` or `ds:<namespace>/<dataset>:<sourceName>`. */
  readonly sources: readonly string[];
  readonly sql?: string;
  readonly target: string;
  readonly options: DatasetOptions;
}

const FLOWS: readonly FlowBlueprint[] = [
  {
    name: 'erp-item-master-ingest',
    sources: ['s3:erp/item-master:CSV:erp_items'],
    target: 'default/erp_item_master',
    options: { loadType: 'REPLACE' },
  },
  {
    name: 'item-master-to-product',
    sources: ['ds:default/erp_item_master:erp_item_master'],
    sql: 'SELECT item_number AS id, item_description AS description, item_category AS product_group_id, uom AS base_uom, standard_cost AS unit_cost, list_price AS unit_price, updated_at AS source_update_dttm FROM erp_item_master',
    target: 'asc/product',
    options: DEDUPE_LATEST,
  },
  {
    name: 'sales-orders-ingest',
    sources: ['s3:oms/sales-orders:JSON:oms_orders'],
    target: 'default/raw_sales_orders',
    options: { loadType: 'INCREMENTAL' },
  },
  {
    name: 'sales-orders-to-outbound-lines',
    sources: ['ds:default/raw_sales_orders:orders', 'ds:default/erp_item_master:items'],
    sql: "SELECT CONCAT(o.order_number, '-', CAST(o.line_number AS STRING)) AS id, o.order_number AS cust_order_id, i.item_number AS product_id, o.customer_number AS customer_tpartner_id, o.order_date, o.order_qty AS init_quantity_requested, i.uom AS quantity_uom, o.warehouse_code AS ship_from_site_id, i.list_price, o.unit_price AS sold_price, o.ingested_at AS source_update_dttm FROM orders o JOIN items i ON o.item_number = i.item_number",
    target: 'asc/outbound_order_line',
    options: DEDUPE_LATEST,
  },
  {
    name: 'wms-inventory-snapshot',
    sources: ['s3:wms/stock-snapshots:PARQUET:wms_snapshot'],
    sql: "SELECT snapshot_ts AS snapshot_date, warehouse_code AS site_id, item_number AS product_id, CAST(qty_on_hand AS DOUBLE) AS on_hand_inventory, CAST(qty_allocated AS DOUBLE) AS allocated_inventory, lot_code AS lot_number, 'EA' AS quantity_uom FROM wms_snapshot",
    target: 'asc/inventory_level',
    options: { loadType: 'INCREMENTAL' },
  },
  {
    name: 'purchase-orders-ingest',
    sources: ['s3:erp/purchase-orders:CSV:erp_purchase_orders'],
    target: 'asc/inbound_order',
    options: { loadType: 'INCREMENTAL', dedupeRecords: true },
  },
];

const OTHER_EVENT_TYPES = [
  'scn.data.forecast',
  'scn.data.inventorylevel',
  'scn.data.inboundorder',
  'scn.data.inboundorderline',
  'scn.data.inboundorderlineschedule',
  'scn.data.outboundorderline',
  'scn.data.outboundshipment',
  'scn.data.processheader',
  'scn.data.processoperation',
  'scn.data.processproduct',
  'scn.data.reservation',
  'scn.data.shipment',
  'scn.data.shipmentstop',
  'scn.data.shipmentstoporder',
  'scn.data.supplyplan',
];
const EVENT_GROUPS = ['erp-nightly', 'wms-hourly', 'oms-stream', 'edi-214', 'planner-upload', 'tms-sync'];
const OPERATIONS: readonly DatasetOperationType[] = [
  'UPSERT',
  'UPSERT',
  'UPSERT',
  'APPEND',
  'APPEND',
  'DELETE',
];

/**
 * The Supply Chain half of a new world: every blueprint instance with its datasets, flows, events and
 * executions, by instance id. Deterministic in `ctx`.
 */
export function seedSupplyChain(ctx: SeedContext): Map<string, InstanceRecord> {
  const instances = new Map<string, InstanceRecord>();
  for (const blueprint of INSTANCES) {
    const instance = seedInstance(ctx, blueprint);
    instances.set(instance.instanceId, instance);
  }
  return instances;
}

function seedInstance(ctx: SeedContext, blueprint: InstanceBlueprint): InstanceRecord {
  const { rng, nowMs } = ctx;
  const instanceId = rng.uuid();
  const createdMs = nowMs - blueprint.ageDays * DAY_MS - rng.int(0, DAY_MS);
  const instance: InstanceRecord = {
    instanceId,
    awsAccountId: ctx.accountId,
    instanceName: blueprint.instanceName,
    instanceDescription: blueprint.instanceDescription,
    webAppDnsDomain: blueprint.webAppDnsDomain,
    ...(blueprint.withKmsKey
      ? { kmsKeyArn: `arn:aws:kms:${ctx.region}:${ctx.accountId}:key/${rng.uuid()}` }
      : {}),
    versionNumber: 2,
    state: 'Active',
    createdMs,
    modifiedMs: createdMs + rng.int(1, 30) * DAY_MS,
    namespaces: new Map(),
    flows: new Map(),
    events: new Map(),
    executions: new Map(),
    groupTails: new Map(),
  };
  const blueprints = [...ASC_DATASETS, ...DEFAULT_DATASETS].filter((d) =>
    blueprint.datasets.includes(d.name),
  );
  for (const [name, description] of [
    ['asc', 'AWS Supply Chain predefined data entities'],
    ['default', 'Custom datasets'],
  ] as const) {
    instance.namespaces.set(
      name,
      seedNamespace(
        ctx,
        instance,
        name,
        description,
        blueprints.filter((d) => d.namespace === name),
      ),
    );
  }
  for (const d of APPEND_ONLY_DATASETS.filter((a) => blueprint.appendOnlyDatasets.includes(a.name))) {
    const namespace = instance.namespaces.get(d.namespace)!;
    const rng = rngFor(ctx.seed, instance.instanceId, 'dataset', d.namespace, d.name);
    namespace.datasets.set(d.name, datasetRecord(ctx, rng, namespace, d));
  }
  for (const flow of FLOWS.filter((f) => blueprint.flows.includes(f.name))) {
    instance.flows.set(flow.name, seedFlow(ctx, instance, flow));
  }
  seedEvents(ctx, instance, blueprint.eventCount);
  seedExecutions(ctx, instance, blueprint.executionCount);
  return instance;
}

function seedNamespace(
  ctx: SeedContext,
  instance: InstanceRecord,
  name: string,
  description: string,
  datasets: readonly DatasetBlueprint[],
): NamespaceRecord {
  const createdMs = instance.createdMs + ctx.rng.int(60_000, HOUR_MS);
  const namespace: NamespaceRecord = {
    instanceId: instance.instanceId,
    name,
    arn: namespaceArn(ctx, instance.instanceId, name),
    description,
    createdMs,
    modifiedMs: createdMs,
    datasets: new Map(),
  };
  for (const d of datasets) namespace.datasets.set(d.name, datasetRecord(ctx, ctx.rng, namespace, d));
  return namespace;
}

function datasetRecord(
  ctx: SeedContext,
  rng: Rng,
  namespace: NamespaceRecord,
  d: DatasetBlueprint,
): DatasetRecord {
  const createdMs = namespace.createdMs + rng.int(0, 20 * DAY_MS);
  return {
    instanceId: namespace.instanceId,
    namespace: namespace.name,
    name: d.name,
    arn: datasetArn(ctx, namespace.instanceId, namespace.name, d.name),
    description: d.description,
    schema: d.schema,
    ...(d.partitionSpec ? { partitionSpec: d.partitionSpec } : {}),
    createdMs,
    modifiedMs: createdMs + rng.int(0, 60 * DAY_MS),
  };
}

function seedFlow(ctx: SeedContext, instance: InstanceRecord, blueprint: FlowBlueprint): FlowRecord {
  const bucketName = `aws-supply-chain-data-${instance.instanceId}`;
  const arnOf = (ref: string): string => {
    const [namespace, dataset] = ref.split('/') as [string, string];
    return datasetArn(ctx, instance.instanceId, namespace, dataset);
  };
  const sources = blueprint.sources.map((spec): FlowSource => {
    const parts = spec.split(':');
    if (parts[0] === 's3') {
      const [, prefix, fileType, sourceName] = parts as [string, string, 'CSV' | 'PARQUET' | 'JSON', string];
      return { sourceType: 'S3', sourceName, s3Source: { bucketName, prefix, options: { fileType } } };
    }
    const [, ref, sourceName] = parts as [string, string, string];
    return {
      sourceType: 'DATASET',
      sourceName,
      datasetSource: { datasetIdentifier: arnOf(ref), options: { loadType: 'INCREMENTAL' } },
    };
  });
  const createdMs = instance.createdMs + ctx.rng.int(DAY_MS, 40 * DAY_MS);
  return {
    instanceId: instance.instanceId,
    name: blueprint.name,
    sources,
    transformation: blueprint.sql
      ? { transformationType: 'SQL', sqlTransformation: { query: blueprint.sql } }
      : { transformationType: 'NONE' },
    target: {
      targetType: 'DATASET',
      datasetTarget: { datasetIdentifier: arnOf(blueprint.target), options: blueprint.options },
    },
    createdMs,
    modifiedMs: createdMs + ctx.rng.int(0, 30 * DAY_MS),
  };
}

function seedEvents(ctx: SeedContext, instance: InstanceRecord, count: number): void {
  const { rng, nowMs, timing } = ctx;
  const datasets = [...instance.namespaces.values()].flatMap((ns) => [...ns.datasets.values()]);
  // Historical receipts first, in arrival order (a group's loads queue behind each other), then a few
  // just-received loads that are still running when the world starts.
  const history = Array.from({ length: count }, () => nowMs - rng.int(2 * HOUR_MS, HISTORY_MS)).sort(
    (a, b) => a - b,
  );
  const live = [12_000, 8_000, 4_000, 0].map((ago) => nowMs - ago);
  for (const [index, receivedMs] of [...history, ...live].entries()) {
    const isLive = index >= history.length;
    const eventId = rng.uuid();
    const isDataset = isLive || rng.chance(0.6);
    const eventType = isDataset ? 'scn.data.dataset' : rng.pick(OTHER_EVENT_TYPES);
    const day = new Date(receivedMs).toISOString().slice(0, 10).replaceAll('-', '');
    const eventGroupId = isLive
      ? `live-demo-${index - history.length + 1}`
      : `${rng.pick(EVENT_GROUPS)}-${day}`;
    const base = {
      instanceId: instance.instanceId,
      eventId,
      eventType,
      eventGroupId,
      eventTimestampMs: receivedMs - rng.int(0, 5_000),
      receivedMs,
    };
    if (!isDataset) {
      instance.events.set(eventId, base);
      continue;
    }
    const dataset = rng.pick(datasets);
    const drawn = rng.pick(OPERATIONS);
    // UPSERT and DELETE need primary keys: a dataset without any only ever had APPEND events.
    const operationType = dataset.schema.primaryKeys?.length ? drawn : 'APPEND';
    const runMs = isLive ? timing.eventRunMs : Math.round(timing.eventRunMs * rng.between(0.5, 2));
    const load = planEventLoad({
      seed: ctx.seed,
      timing,
      instance,
      eventId,
      eventType,
      eventGroupId,
      receivedMs,
      dataset,
      operationType,
      runMs,
    });
    instance.events.set(eventId, {
      ...base,
      datasetTarget: { datasetIdentifier: dataset.arn, operationType },
      load,
    });
  }
}

function seedExecutions(ctx: SeedContext, instance: InstanceRecord, count: number): void {
  const { rng, nowMs, timing } = ctx;
  const flows = [...instance.flows.values()];
  const datasetName = (arn: string): string =>
    arn.split('/namespaces/')[1]?.replace('/datasets/', '/') ?? arn;
  const starts = Array.from({ length: count }, () => nowMs - rng.int(HOUR_MS, HISTORY_MS));
  const live = flows.slice(0, 3).map((_, i) => nowMs - Math.round(timing.executionRunMs * (0.1 + 0.15 * i)));
  for (const [index, startMs] of [...starts, ...live].entries()) {
    const flow = index >= starts.length ? flows[index - starts.length]! : rng.pick(flows);
    const executionId = rng.uuid();
    const plan = planExecution(ctx.seed, timing, flow, executionId, startMs, datasetName);
    instance.executions.set(executionId, {
      instanceId: instance.instanceId,
      flowName: flow.name,
      executionId,
      startMs,
      ...plan,
    });
  }
}
