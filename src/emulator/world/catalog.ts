/**
 * The seeded data lake: AWS Supply Chain's predefined `asc` entities (a realistic subset of their fields)
 * and a few custom datasets in `default`, two of them append-only logs without primary keys. Fields are
 * written `name:TYPE`, with `!` for required. Every `asc` entity also has AWS's internal `connection_id`
 * field, which ingestion fills in and clients may not send.
 *
 * Internal to the emulator.
 */
import type {
  DatasetSchema,
  PartitionSpec,
  PartitionTransformType,
  SchemaField,
  SchemaFieldType,
} from './records.js';

/** A dataset every seeded instance gets: its namespace, name, description, schema and partitioning. */
export interface DatasetBlueprint {
  readonly namespace: 'asc' | 'default';
  readonly name: string;
  readonly description: string;
  readonly schema: DatasetSchema;
  readonly partitionSpec?: PartitionSpec;
}

const SOURCE_FIELDS = ['source:STRING', 'source_update_dttm:TIMESTAMP', 'source_event_id:STRING'];

/** Fields of `asc` datasets that AWS Supply Chain fills in itself; a record may not carry them. */
export const ASC_INTERNAL_FIELDS: readonly string[] = ['connection_id'];

/** The fields ingestion fills in for a dataset of `namespace` (none outside `asc`). */
export const internalFieldsOf = (namespace: string): readonly string[] =>
  namespace === 'asc' ? ASC_INTERNAL_FIELDS : [];

function dataset(
  namespace: 'asc' | 'default',
  name: string,
  schemaName: string,
  description: string,
  fields: readonly string[],
  primaryKeys: readonly string[],
  partitions: readonly `${string}:${PartitionTransformType}`[] = [],
): DatasetBlueprint {
  const specs = namespace === 'asc' ? [fields[0]!, 'connection_id:STRING!', ...fields.slice(1)] : fields;
  const parsed: SchemaField[] = specs.map((spec) => {
    const match = /^([a-z0-9_]+):(INT|DOUBLE|STRING|TIMESTAMP|LONG)(!?)$/.exec(spec);
    if (!match) throw new Error(`bad field spec ${spec}`);
    return { name: match[1]!, type: match[2] as SchemaFieldType, isRequired: match[3] === '!' };
  });
  const schema: DatasetSchema = {
    name: schemaName,
    fields: parsed,
    ...(primaryKeys.length > 0 ? { primaryKeys: primaryKeys.map((key) => ({ name: key })) } : {}),
  };
  if (partitions.length === 0) return { namespace, name, description, schema };
  const partitionSpec: PartitionSpec = {
    fields: partitions.map((p) => {
      const [field, type] = p.split(':') as [string, PartitionTransformType];
      return { name: field, transform: { type } };
    }),
  };
  return { namespace, name, description, schema, partitionSpec };
}

// prettier-ignore
/**
 * The predefined entities of the `asc` namespace (product, site, …), as AWS Supply Chain defines them;
 * seeded into every instance.
 */
export const ASC_DATASETS: readonly DatasetBlueprint[] = [
  dataset('asc', 'product', 'Product', 'Products and their attributes (predefined entity)', [
    'id:STRING!', 'description:STRING', 'product_group_id:STRING', 'product_type:STRING', 'parent_product_id:STRING',
    'base_uom:STRING', 'unit_cost:DOUBLE', 'unit_price:DOUBLE', 'brand_name:STRING', 'item_weight:DOUBLE',
    'is_deleted:STRING', 'creation_date:TIMESTAMP', 'company_id:STRING', ...SOURCE_FIELDS,
  ], ['id']),
  dataset('asc', 'site', 'Site', 'Locations: plants, warehouses and stores (predefined entity)', [
    'id:STRING!', 'description:STRING', 'company_id:STRING', 'site_type:STRING', 'address_1:STRING', 'city:STRING',
    'state_prov:STRING', 'postal_code:STRING', 'country:STRING', 'latitude:DOUBLE', 'longitude:DOUBLE',
    'time_zone:STRING', 'is_active:STRING', ...SOURCE_FIELDS,
  ], ['id']),
  dataset('asc', 'inbound_order', 'InboundOrder', 'Purchase orders placed with vendors (predefined entity)', [
    'id:STRING!', 'company_id:STRING', 'tpartner_id:STRING', 'order_type:STRING!', 'order_status:STRING',
    'order_creation_date:TIMESTAMP', 'to_site_id:STRING', 'order_currency_uom:STRING', 'exchange_rate:DOUBLE',
    'incoterm:STRING', 'submitted_date:TIMESTAMP', ...SOURCE_FIELDS,
  ], ['id']),
  dataset('asc', 'inbound_order_line', 'InboundOrderLine', 'Lines of inbound orders (predefined entity)', [
    'id:STRING!', 'order_id:STRING!', 'order_type:STRING', 'status:STRING', 'product_id:STRING!', 'tpartner_id:STRING',
    'to_site_id:STRING', 'from_site_id:STRING', 'quantity_submitted:DOUBLE', 'quantity_confirmed:DOUBLE',
    'quantity_received:DOUBLE', 'quantity_uom:STRING', 'submitted_date:TIMESTAMP', 'expected_delivery_date:TIMESTAMP',
    'cost:DOUBLE', 'cost_uom:STRING', ...SOURCE_FIELDS,
  ], ['id', 'order_id']),
  dataset('asc', 'inventory_level', 'InventoryLevel', 'On-hand inventory snapshots by site and product (predefined entity)', [
    'snapshot_date:TIMESTAMP!', 'site_id:STRING!', 'product_id:STRING!', 'company_id:STRING', 'inv_condition:STRING',
    'on_hand_inventory:DOUBLE!', 'allocated_inventory:DOUBLE', 'bound_inventory:DOUBLE', 'lot_number:STRING',
    'expiry_date:TIMESTAMP', 'quantity_uom:STRING', ...SOURCE_FIELDS,
  ], ['snapshot_date', 'site_id', 'product_id'], ['snapshot_date:DAY', 'site_id:IDENTITY']),
  dataset('asc', 'outbound_order_line', 'OutboundOrderLine', 'Customer order lines (predefined entity)', [
    'id:STRING!', 'cust_order_id:STRING!', 'product_id:STRING!', 'customer_tpartner_id:STRING', 'status:STRING',
    'order_date:TIMESTAMP', 'init_quantity_requested:DOUBLE', 'quantity_promised:DOUBLE', 'quantity_delivered:DOUBLE',
    'quantity_uom:STRING', 'ship_from_site_id:STRING', 'ship_to_site_id:STRING', 'promised_delivery_date:TIMESTAMP',
    'actual_delivery_date:TIMESTAMP', 'list_price:DOUBLE', 'sold_price:DOUBLE', ...SOURCE_FIELDS,
  ], ['id', 'cust_order_id', 'product_id'], ['order_date:MONTH']),
  dataset('asc', 'shipment', 'Shipment', 'Shipments in transit and delivered (predefined entity)', [
    'id:STRING!', 'supplier_tpartner_id:STRING', 'product_id:STRING', 'order_id:STRING', 'order_line_id:STRING',
    'package_id:STRING', 'ship_from_site_id:STRING', 'ship_to_site_id:STRING', 'shipment_status:STRING',
    'units_shipped:DOUBLE', 'uom:STRING', 'carrier_tpartner_id:STRING', 'ship_date:TIMESTAMP',
    'planned_delivery_date:TIMESTAMP', 'actual_delivery_date:TIMESTAMP', ...SOURCE_FIELDS,
  ], ['id']),
  dataset('asc', 'supply_plan', 'SupplyPlan', 'Planned supply by product and site (predefined entity)', [
    'supply_plan_id:STRING!', 'product_id:STRING!', 'plan_date:TIMESTAMP!', 'to_site_id:STRING',
    'from_tpartner_id:STRING', 'plan_type:STRING', 'planned_order_qty:DOUBLE', 'planned_order_qty_uom:STRING',
    'lead_time_days:INT', ...SOURCE_FIELDS,
  ], ['supply_plan_id']),
  dataset('asc', 'forecast', 'Forecast', 'Demand forecasts with quantiles (predefined entity)', [
    'snapshot_date:TIMESTAMP!', 'product_id:STRING!', 'site_id:STRING!', 'region_id:STRING',
    'forecast_start_dttm:TIMESTAMP!', 'forecast_end_dttm:TIMESTAMP!', 'num_causals:INT', 'mean:DOUBLE', 'p10:DOUBLE',
    'p50:DOUBLE', 'p90:DOUBLE', ...SOURCE_FIELDS,
  ], ['snapshot_date', 'product_id', 'site_id', 'forecast_start_dttm']),
];

// prettier-ignore
/**
 * The custom datasets of the `default` namespace seeded into every instance (raw extracts of ERP and order
 * systems).
 */
export const DEFAULT_DATASETS: readonly DatasetBlueprint[] = [
  dataset('default', 'erp_item_master', 'ErpItemMaster', 'Item master extracted nightly from the ERP', [
    'item_number:STRING!', 'item_description:STRING', 'item_category:STRING', 'uom:STRING', 'standard_cost:DOUBLE',
    'list_price:DOUBLE', 'lifecycle_status:STRING', 'updated_at:TIMESTAMP',
  ], ['item_number']),
  dataset('default', 'raw_sales_orders', 'RawSalesOrders', 'Sales order lines as exported by the order management system', [
    'order_number:STRING!', 'line_number:INT!', 'customer_number:STRING', 'item_number:STRING!', 'order_qty:DOUBLE',
    'unit_price:DOUBLE', 'order_date:TIMESTAMP', 'requested_ship_date:TIMESTAMP', 'warehouse_code:STRING',
    'ingested_at:TIMESTAMP',
  ], ['order_number', 'line_number'], ['order_date:MONTH']),
  dataset('default', 'warehouse_stock_snapshot', 'WarehouseStockSnapshot', 'Hourly stock snapshots from the WMS', [
    'warehouse_code:STRING!', 'item_number:STRING!', 'snapshot_ts:TIMESTAMP!', 'qty_on_hand:LONG', 'qty_allocated:LONG',
    'lot_code:STRING',
  ], ['warehouse_code', 'item_number', 'snapshot_ts'], ['snapshot_ts:DAY']),
  dataset('default', 'carrier_tracking', 'CarrierTracking', 'Carrier tracking events received by EDI 214', [
    'tracking_number:STRING!', 'carrier_code:STRING', 'shipment_ref:STRING', 'status_code:STRING',
    'event_ts:TIMESTAMP!', 'city:STRING', 'country:STRING',
  ], ['tracking_number', 'event_ts']),
];

/**
 * Custom datasets without primary keys, added to the catalog after the others: they are seeded from a
 * stream of their own, so every other id of a seeded world stays what it was for the same seed.
 * SendDataIntegrationEvent takes only APPEND for them.
 */
// prettier-ignore
export const APPEND_ONLY_DATASETS: readonly DatasetBlueprint[] = [
  dataset('default', 'edi_message_log', 'EdiMessageLog', 'EDI messages exactly as received, append-only (no primary key)', [
    'received_at:TIMESTAMP!', 'partner_code:STRING!', 'transaction_set:STRING!', 'control_number:STRING', 'payload:STRING',
  ], []),
  dataset('default', 'planner_adjustment_log', 'PlannerAdjustmentLog', 'Manual forecast adjustments by planners, append-only (no primary key)', [
    'adjusted_at:TIMESTAMP!', 'planner:STRING!', 'product_id:STRING!', 'site_id:STRING', 'delta_quantity:DOUBLE!',
    'reason:STRING',
  ], []),
];

/**
 * Validates one record against a dataset schema the way an ingestion would, returning why it fails.
 * `internal` fields are filled in by ingestion, so a record need not carry them.
 */
export function recordProblem(
  schema: DatasetSchema,
  record: unknown,
  operation: 'APPEND' | 'UPSERT' | 'DELETE',
  internal: readonly string[] = [],
): string | undefined {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return 'is not a JSON object';
  const values = record as Record<string, unknown>;
  const keys = new Set((schema.primaryKeys ?? []).map((k) => k.name));
  for (const field of schema.fields) {
    if (internal.includes(field.name)) continue;
    const value = values[field.name];
    const required = operation === 'DELETE' ? keys.has(field.name) : field.isRequired || keys.has(field.name);
    if (value === undefined || value === null) {
      if (required) return `is missing required field '${field.name}'`;
      continue;
    }
    if (!fitsType(field.type, value)) return `has field '${field.name}' that is not a valid ${field.type}`;
  }
  return undefined;
}

function fitsType(type: SchemaFieldType, value: unknown): boolean {
  switch (type) {
    case 'STRING':
      return typeof value === 'string';
    case 'INT':
    case 'LONG':
      return (
        (typeof value === 'number' && Number.isInteger(value)) ||
        (typeof value === 'string' && /^-?\d+$/.test(value))
      );
    case 'DOUBLE':
      return (
        typeof value === 'number' ||
        (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)))
      );
    case 'TIMESTAMP':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value));
  }
}
