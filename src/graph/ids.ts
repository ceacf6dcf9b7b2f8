/**
 * Global ids of the three load kinds: opaque to clients (base64url of `Type:part:part`), decodable here
 * into the upstream key. Every part is checked against the AWS pattern, so a malformed or foreign id is
 * a clear BAD_USER_INPUT before any upstream call.
 */
import { badInput } from '../upstream/errors.js';
import {
  DATAZONE_ID,
  DOMAIN_ID,
  FLOW_NAME,
  LOAD_KIND_LIST,
  UUID,
  kindOf,
  type LoadKind,
  type LoadKindDescriptor,
  type LoadRef,
} from '../upstream/loadKinds.js';

export type { LoadRef };
export { DATAZONE_ID, DOMAIN_ID, FLOW_NAME, UUID };

/** The AWS pattern of a Supply Chain data lake namespace name. */
export const NAMESPACE = /^[a-z0-9_]{1,50}$/;
/** The AWS pattern of a Supply Chain data lake dataset name. */
export const DATASET_NAME = /^[a-z0-9_]{1,75}$/;

/** The kinds by GraphQL typename, the first part of a global id. */
const KIND_OF_TYPE = new Map<string, LoadKindDescriptor<LoadKind>>(
  LOAD_KIND_LIST.map((d) => [d.typename, d]),
);
const TYPENAMES = LOAD_KIND_LIST.map((d) => d.typename)
  .join(', ')
  .replace(/, ([^,]+)$/, ' or $1');

const encode = (parts: readonly string[]): string =>
  Buffer.from(parts.join(':'), 'utf8').toString('base64url');

/**
 * An `id` resolver that encodes each upstream object's id once (a cached terminal load is the same object
 * request after request; upstream objects are never mutated).
 */
export function memoizedId<T extends object>(idOf: (value: T) => string): (value: T) => string {
  const ids = new WeakMap<T, string>();
  return (value) => {
    let id = ids.get(value);
    if (id === undefined) ids.set(value, (id = idOf(value)));
    return id;
  };
}

/**
 * A link resolver's upstream key, built once per upstream object and frozen (a cached terminal load is the
 * same object request after request; upstream objects are never mutated). The shared readers remember the
 * cache id of a frozen key, so a link read from the cache costs a lookup, not a serialization.
 */
export function memoizedKey<T extends object, K extends object | null>(
  keyOf: (value: T) => K,
): (value: T) => K {
  const keys = new WeakMap<T, K>();
  return (value) => {
    let key = keys.get(value);
    if (key === undefined) {
      key = keyOf(value);
      if (key) Object.freeze(key);
      keys.set(value, key);
    }
    return key;
  };
}

/**
 * The opaque global id of a load: base64url of its typename and key parts. Stable (the same load always has
 * the same id) and decodable by {@link fromGlobalId}; the key parts must already be valid.
 */
export function toGlobalId(ref: LoadRef): string {
  const d = kindOf(ref) as LoadKindDescriptor<LoadKind>;
  const key = ref.key as unknown as Record<string, string>;
  return encode([d.typename, ...d.keyFields.map(([name]) => key[name]!)]);
}

/**
 * Ids decoded lately, so the ids a client sends again and again are not decoded and checked again. Values
 * are frozen (callers share them); only valid ids are kept; full: emptied (simpler than LRU, and as good
 * for a working set smaller than the bound).
 */
const decoded = new Map<string, LoadRef>();
const DECODED_MAX = 10_000;

/** Decodes a global id, or throws BAD_USER_INPUT saying what is wrong with it. */
export function fromGlobalId(id: string, argument = 'id'): LoadRef {
  let ref = decoded.get(id);
  if (ref) return ref;
  ref = decodeGlobalId(id, argument);
  Object.freeze(ref.key);
  if (decoded.size >= DECODED_MAX) decoded.clear();
  decoded.set(id, Object.freeze(ref));
  return ref;
}

/** Where a client passed an AWS id for a global id: what the id looks like and how to read that load. */
function awsIdHint(id: string): string {
  if (UUID.test(id))
    return ' It looks like an AWS id (a Supply Chain instance, event or execution id), not a global id: read an event with dataIntegrationEvent(instanceId:, eventId:), a flow execution with flowExecution(instanceId:, flowName:, executionId:), or pass the `id` field they return.';
  if (DOMAIN_ID.test(id))
    return " It looks like a DataZone domain id, not a load: pass a load's `id` field, or read a run with dataSourceRun(domainIdentifier:, identifier:).";
  if (DATAZONE_ID.test(id))
    return ' It looks like a DataZone id (a data source run id), not a global id: read the run with dataSourceRun(domainIdentifier:, identifier:), or pass the `id` field it returns.';
  return '';
}

function decodeGlobalId(id: string, argument: string): LoadRef {
  const bad = (why: string) =>
    badInput(
      `${argument} ${JSON.stringify(id.length > 80 ? `${id.slice(0, 80)}…` : id)} is not a Loadgraph load id: ${why}. Use the \`id\` field of a ${TYPENAMES}.${awsIdHint(id)}`,
      argument,
    );
  if (id.length === 0 || id.length > 512 || !/^[A-Za-z0-9_-]+$/.test(id))
    throw bad('it must be a non-empty base64url string');
  const [type = '', ...parts] = Buffer.from(id, 'base64url').toString('utf8').split(':');
  const d = KIND_OF_TYPE.get(type);
  if (!d) throw bad('it names no known type');
  if (parts.length !== d.keyFields.length || !d.keyFields.every(([, pattern], i) => pattern.test(parts[i]!)))
    throw bad(`its ${d.keyWhat} is malformed`);
  const key = Object.fromEntries(d.keyFields.map(([name], i) => [name, parts[i]!]));
  return { kind: d.kind, key } as unknown as LoadRef;
}

/**
 * The model's DataIntegrationDatasetArn, with groups: 1 region, 2 account, 3 instance id, 4 namespace,
 * 5 dataset name. (The model leaves namespace and dataset as `[^/]+`.)
 */
export const DATASET_ARN =
  /^arn:aws:scn:([a-z0-9-]+):([0-9]+):instance\/([a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12})\/namespaces\/([^/]+)\/datasets\/([^/]+)$/;

/** The AWS key fields the graph takes as arguments: each one's pattern and how an error names it. */
export const KEYS = {
  instanceId: [UUID, 'Supply Chain instance id (a lowercase UUID)'],
  eventId: [UUID, 'event id (a lowercase UUID)'],
  executionId: [UUID, 'execution id (a lowercase UUID)'],
  flowName: [FLOW_NAME, 'flow name'],
  namespace: [NAMESPACE, 'data lake namespace name'],
  datasetName: [DATASET_NAME, 'dataset name'],
  domainId: [DOMAIN_ID, 'DataZone domain id'],
  runId: [DATAZONE_ID, 'data source run id'],
  dataSourceId: [DATAZONE_ID, 'data source id'],
} as const satisfies Record<string, readonly [RegExp, string]>;

/**
 * Checks one argument (or reference key field) against its AWS pattern, before any upstream call;
 * a bad one is BAD_USER_INPUT naming `argument` (default: the key's own name).
 */
export function checkKey(key: keyof typeof KEYS, value: unknown, argument: string = key): string {
  const [pattern, what] = KEYS[key];
  const text = typeof value === 'string' ? value : '';
  if (!pattern.test(text)) {
    throw badInput(
      `${argument} ${JSON.stringify(text.slice(0, 80))} is not a valid ${what} (expected ${pattern.source}).${globalIdHint(key, text, argument)}`,
      argument,
    );
  }
  return text;
}

/**
 * Where a client passed a global id for an AWS key: which load it is the id of, and the field of that
 * load that holds the value to pass instead. Empty when `text` is no global id.
 */
function globalIdHint(key: keyof typeof KEYS, text: string, argument: string): string {
  let ref: LoadRef;
  try {
    ref = fromGlobalId(text);
  } catch {
    return '';
  }
  const type = kindOf(ref).typename;
  const own = Object.entries(ref.key).find(([name]) => name === key)?.[1] as string | undefined;
  return own === undefined
    ? ` It is the global id of a ${type} (its \`id\` field), not a ${KEYS[key][1]}: read that load with node(id:) or loads(ids:).`
    : ` It is the global id of a ${type} (its \`id\` field): ${argument} takes the AWS ${KEYS[key][1]}, the load's \`${key}\` field (here ${JSON.stringify(own)}), or read the load by its global id with node(id:) or loads(ids:).`;
}
