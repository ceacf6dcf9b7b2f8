/**
 * AWS Supply Chain handlers over the simulated world. Inputs arrive validated against the model, so
 * this file only enforces what the model cannot say: parents exist, `data` is JSON, `datasetTarget`
 * goes with `scn.data.dataset` and names a dataset of this instance, the dataset rules of the
 * SendDataIntegrationEvent reference (no record of an `asc` dataset carries an internal field such as
 * `connection_id`; UPSERT and DELETE only for a dataset with primary keys), and client tokens are
 * idempotent.
 *
 * Orders (all keyset-paginated, default page size 10 from the model's @default):
 * - instances by `instanceName`, then id; namespaces, datasets and flows by name;
 * - events newest first by `eventTimestamp`, then by id; executions newest first by `startTime`, then id.
 *
 * Internal to the emulator.
 */
import { AwsError, type ServiceHandlers } from '../types.js';
import { parseDatasetArn } from '../world/arns.js';
import { internalFieldsOf } from '../world/catalog.js';
import { canonicalJson } from '../world/idempotency.js';
import type { World } from '../world/index.js';
import type {
  DatasetOperationType,
  DatasetRecord,
  EventRecord,
  ExecutionRecord,
  FlowRecord,
  InstanceRecord,
  NamespaceRecord,
} from '../world/records.js';
import { planEventLoad } from '../world/supplychain.loads.js';
import {
  datasetView,
  eventView,
  executionView,
  flowView,
  instanceView,
  namespaceView,
} from '../world/supplychain.views.js';
import { byName, loadOrder, pageSize, paginate, type KeysetOrder, type ListOrder } from './pagination.js';

const DEFAULT_PAGE_SIZE = 10;
const DATASET_EVENT = 'scn.data.dataset';

const instanceOrder: KeysetOrder<InstanceRecord> = byName(
  'instances',
  (i) => i.instanceName,
  (i) => i.instanceId,
);
const namespaceOrder: KeysetOrder<NamespaceRecord> = byName('namespaces', (n) => n.name);
const datasetOrder: KeysetOrder<DatasetRecord> = byName('datasets', (d) => d.name);
const flowOrder: KeysetOrder<FlowRecord> = byName('flows', (f) => f.name);

const notFound = (message: string): never => {
  throw new AwsError('ResourceNotFoundException', message);
};
const invalid = (message: string): never => {
  throw new AwsError('ValidationException', message);
};

interface SendInput {
  instanceId: string;
  eventType: string;
  data: string;
  eventGroupId: string;
  eventTimestamp?: Date;
  clientToken?: string;
  datasetTarget?: { datasetIdentifier: string; operationType: DatasetOperationType };
}

/** `listOrder`: the order of the event and execution lists (default newest first). */
export function createSupplyChainHandlers(world: World, listOrder: ListOrder = 'newest'): ServiceHandlers {
  const eventOrder: KeysetOrder<EventRecord> = loadOrder(
    listOrder,
    'events',
    (e) => e.eventTimestampMs,
    (e) => e.eventId,
  );
  const executionOrder: KeysetOrder<ExecutionRecord> = loadOrder(
    listOrder,
    'executions',
    (x) => x.startMs,
    (x) => x.executionId,
  );
  const instanceOf = (instanceId: string): InstanceRecord =>
    world.instances.get(instanceId) ?? notFound(`Instance ${instanceId} not found`);
  const namespaceOf = (instance: InstanceRecord, name: string): NamespaceRecord =>
    instance.namespaces.get(name) ??
    notFound(`Namespace ${name} not found in instance ${instance.instanceId}`);
  const flowOf = (instance: InstanceRecord, name: string): FlowRecord =>
    instance.flows.get(name) ??
    notFound(`Data integration flow ${name} not found in instance ${instance.instanceId}`);
  const page = <T>(items: Iterable<T>, order: KeysetOrder<T>, input: Record<string, any>) =>
    paginate(items, order, {
      nextToken: input['nextToken'],
      maxResults: pageSize(input['maxResults'], DEFAULT_PAGE_SIZE),
    });

  /** The dataset a `datasetTarget` names; it must be in this instance (and this account and region). */
  function targetDataset(instance: InstanceRecord, arn: string): DatasetRecord {
    const parts =
      parseDatasetArn(arn) ?? invalid(`datasetTarget.datasetIdentifier ${arn} is not a dataset ARN`);
    if (
      parts.instanceId !== instance.instanceId ||
      parts.region !== world.region ||
      parts.accountId !== world.accountId
    ) {
      invalid(
        `datasetTarget.datasetIdentifier must name a dataset of instance ${instance.instanceId} in ${world.region}, got ${arn}`,
      );
    }
    const dataset = instance.namespaces.get(parts.namespace)?.datasets.get(parts.name);
    return (
      dataset ??
      notFound(`Dataset ${parts.namespace}/${parts.name} not found in instance ${instance.instanceId}`)
    );
  }

  function sendEvent(input: SendInput): { eventId: string } {
    const nowMs = world.clock.now();
    const instance = instanceOf(input.instanceId);
    const data = parseData(input.data);
    let dataset: DatasetRecord | undefined;
    if (input.eventType === DATASET_EVENT) {
      if (!input.datasetTarget) invalid(`datasetTarget is required when eventType is ${DATASET_EVENT}`);
      else {
        dataset = targetDataset(instance, input.datasetTarget.datasetIdentifier);
        checkDatasetRules(dataset, input.datasetTarget.operationType, data);
      }
    } else if (input.datasetTarget) {
      invalid(`datasetTarget is only allowed when eventType is ${DATASET_EVENT}, not ${input.eventType}`);
    }

    const fingerprint = canonicalJson({ ...input, clientToken: undefined, data });
    const token = input.clientToken;
    const replayed = token
      ? world.idempotency.recall('SendDataIntegrationEvent', token, fingerprint, nowMs)
      : undefined;
    if (replayed) return { eventId: replayed };

    let eventId = world.ids.uuid();
    while (instance.events.has(eventId)) eventId = world.ids.uuid();
    const base: EventRecord = {
      instanceId: instance.instanceId,
      eventId,
      eventType: input.eventType,
      eventGroupId: input.eventGroupId,
      eventTimestampMs: input.eventTimestamp?.getTime() ?? nowMs,
      receivedMs: nowMs,
    };
    const record: EventRecord =
      dataset && input.datasetTarget
        ? {
            ...base,
            datasetTarget: {
              datasetIdentifier: dataset.arn,
              operationType: input.datasetTarget.operationType,
            },
            load: planEventLoad({
              seed: world.seed,
              timing: world.timing,
              instance,
              eventId,
              eventType: input.eventType,
              eventGroupId: input.eventGroupId,
              receivedMs: nowMs,
              dataset,
              operationType: input.datasetTarget.operationType,
              records: Array.isArray(data) ? data : [data],
            }),
          }
        : base;
    instance.events.set(eventId, record);
    if (token) world.idempotency.remember('SendDataIntegrationEvent', token, fingerprint, eventId, nowMs);
    return { eventId };
  }

  return {
    SendDataIntegrationEvent: (input) => sendEvent(input as SendInput),

    GetDataIntegrationEvent: ({ instanceId, eventId }) => {
      const instance = instanceOf(instanceId);
      const event =
        instance.events.get(eventId) ??
        notFound(`Data integration event ${eventId} not found in instance ${instanceId}`);
      return { event: eventView(event, world.clock.now()) };
    },

    ListDataIntegrationEvents: (input) => {
      const nowMs = world.clock.now();
      const instance = instanceOf(input['instanceId']);
      const eventType: string | undefined = input['eventType'];
      const events = [...instance.events.values()].filter(
        (e) => eventType === undefined || e.eventType === eventType,
      );
      const { items, nextToken } = page(events, eventOrder, input);
      return { events: items.map((e) => eventView(e, nowMs)), ...(nextToken ? { nextToken } : {}) };
    },

    GetDataIntegrationFlow: ({ instanceId, name }) => ({
      flow: flowView(flowOf(instanceOf(instanceId), name)),
    }),

    ListDataIntegrationFlows: (input) => {
      const { items, nextToken } = page(instanceOf(input['instanceId']).flows.values(), flowOrder, input);
      return { flows: items.map(flowView), ...(nextToken ? { nextToken } : {}) };
    },

    GetDataIntegrationFlowExecution: ({ instanceId, flowName, executionId }) => {
      const instance = instanceOf(instanceId);
      flowOf(instance, flowName);
      const execution = instance.executions.get(executionId);
      if (!execution || execution.flowName !== flowName) {
        return notFound(
          `Data integration flow execution ${executionId} not found for flow ${flowName} in instance ${instanceId}`,
        );
      }
      return { flowExecution: executionView(execution, world.clock.now()) };
    },

    ListDataIntegrationFlowExecutions: (input) => {
      const nowMs = world.clock.now();
      const instance = instanceOf(input['instanceId']);
      const flow = flowOf(instance, input['flowName']);
      const executions = [...instance.executions.values()].filter((x) => x.flowName === flow.name);
      const { items, nextToken } = page(executions, executionOrder, input);
      return {
        flowExecutions: items.map((x) => executionView(x, nowMs)),
        ...(nextToken ? { nextToken } : {}),
      };
    },

    GetDataLakeDataset: ({ instanceId, namespace, name }) => {
      const instance = instanceOf(instanceId);
      const dataset =
        namespaceOf(instance, namespace).datasets.get(name) ??
        notFound(`Dataset ${namespace}/${name} not found in instance ${instanceId}`);
      return { dataset: datasetView(dataset) };
    },

    ListDataLakeDatasets: (input) => {
      const namespace = namespaceOf(instanceOf(input['instanceId']), input['namespace']);
      const { items, nextToken } = page(namespace.datasets.values(), datasetOrder, input);
      return { datasets: items.map(datasetView), ...(nextToken ? { nextToken } : {}) };
    },

    GetDataLakeNamespace: ({ instanceId, name }) => ({
      namespace: namespaceView(namespaceOf(instanceOf(instanceId), name)),
    }),

    ListDataLakeNamespaces: (input) => {
      const { items, nextToken } = page(
        instanceOf(input['instanceId']).namespaces.values(),
        namespaceOrder,
        input,
      );
      return { namespaces: items.map(namespaceView), ...(nextToken ? { nextToken } : {}) };
    },

    GetInstance: ({ instanceId }) => ({ instance: instanceView(instanceOf(instanceId)) }),

    ListInstances: (input) => {
      // Name filters match whole names, ignoring case; an empty filter list filters nothing.
      const names: string[] = (input['instanceNameFilter'] ?? []).map((n: string) => n.toLowerCase());
      const states: string[] = input['instanceStateFilter'] ?? [];
      const instances = [...world.instances.values()].filter(
        (i) =>
          (names.length === 0 || names.includes(i.instanceName.toLowerCase())) &&
          (states.length === 0 || states.includes(i.state)),
      );
      const { items, nextToken } = page(instances, instanceOrder, input);
      return { instances: items.map(instanceView), ...(nextToken ? { nextToken } : {}) };
    },
  };
}

/** The dataset rules of SendDataIntegrationEvent, checked before anything is recorded. */
function checkDatasetRules(
  dataset: DatasetRecord,
  operationType: DatasetOperationType,
  data: Record<string, unknown> | unknown[],
): void {
  const name = `${dataset.namespace}/${dataset.name}`;
  if (operationType !== 'APPEND' && !dataset.schema.primaryKeys?.length) {
    invalid(
      `Dataset ${name} has no primary keys: ${operationType} events are not allowed for it (UPSERT and DELETE need a dataset with primary keys). Use APPEND.`,
    );
  }
  const internal = internalFieldsOf(dataset.namespace);
  for (const [index, record] of (Array.isArray(data) ? data : [data]).entries()) {
    if (typeof record !== 'object' || record === null) continue;
    const field = internal.find((f) => Object.hasOwn(record, f));
    if (field) {
      invalid(
        `Record ${index + 1} of data provides ${field}, an internal field of dataset ${name} that AWS Supply Chain populates; it is not allowed to be provided by the client. Remove it.`,
      );
    }
  }
}

/** `data` must be JSON text holding an object (one record) or an array (several). */
function parseData(data: string): Record<string, unknown> | unknown[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return invalid('data must be JSON text: an object for one record or an array of records');
  }
  if (typeof parsed !== 'object' || parsed === null) {
    return invalid('data must be a JSON object (one record) or a JSON array (several records)');
  }
  return parsed as Record<string, unknown> | unknown[];
}
