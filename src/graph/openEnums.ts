/**
 * AWS enums are open: AWS adds values without notice (a run status, an event type), and a value the
 * gateway does not know must not take the object down with it. This schema transform gives every field
 * typed with an AWS enum (every enum of the schema but the gateway's own, {@link GATEWAY_ENUMS}):
 *
 * - a known value: the typed enum, as before;
 * - an unknown value: null in the typed field (such fields are nullable; a start check holds every one to
 *   it), reported through `onUnknownValue` once per upstream object that holds it and operation that
 *   serves it, however many fields of the operation show it (the server logs each value once at warn and
 *   counts every report);
 * - its raw value, as AWS sent it, in the sibling `<field>Raw: String` (resolved here from the AWS
 *   property of the typed field's name, unless the resolver map gives it its own resolver). The three
 *   fields typed with an AWS status whose raw value is the `Load` field `upstreamStatus` have no sibling.
 *
 * A `Load` whose normalized `status` is UNKNOWN because AWS sent a status the gateway does not know
 * reports that status too, so it is seen even when only `status` and `upstreamStatus` are selected; as the
 * same upstream value, so selecting `runStatus` (or `executionStatus`, or the event's
 * `datasetLoadExecution { status }`) beside it does not report it twice.
 */
import {
  defaultFieldResolver,
  getNamedType,
  getNullableType,
  isEnumType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';

/** Enums the gateway defines itself (closed: it never serves a value outside them). */
export const GATEWAY_ENUMS: ReadonlySet<string> = new Set(['LoadKind', 'LoadStatus', 'ErrorCode']);

/**
 * The AWS status enum behind the normalized `status` of each kind of load, and the upstream object that
 * holds the raw status (where the typed status field of the same value is resolved).
 */
const LOAD_STATUS: Readonly<Record<string, { readonly awsEnum: string; holder(load: any): unknown }>> = {
  DataIntegrationEvent: {
    awsEnum: 'DatasetLoadStatus',
    holder: (event) => event?.datasetTargetDetails?.datasetLoadExecution ?? event,
  },
  FlowExecution: { awsEnum: 'FlowExecutionStatus', holder: (execution) => execution },
  DataSourceRun: { awsEnum: 'DataSourceRunStatus', holder: (run) => run },
};

/** Called once per upstream object and operation serving an unknown value: the GraphQL enum it missed and the raw AWS value. */
export type UnknownValueSink = (enumName: string, value: string) => void;

/** The `<Type>.<field>` of every field typed with an AWS enum, for the contract test. */
export function awsEnumFields(schema: GraphQLSchema): GraphQLField<unknown, unknown>[] {
  const fields: GraphQLField<unknown, unknown>[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const named = getNamedType(field.type);
      if (isEnumType(named) && !named.name.startsWith('__') && !GATEWAY_ENUMS.has(named.name))
        fields.push(field);
    }
  }
  return fields;
}

/**
 * Wraps the resolvers of `schema` in place as described above. Throws at start on a field the rules
 * cannot serve: a non-null or list AWS enum field.
 */
export function openAwsEnums(schema: GraphQLSchema, onUnknownValue: UnknownValueSink): GraphQLSchema {
  const report = reportOncePerObject(onUnknownValue);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const fields = type.getFields();
    for (const field of Object.values(fields)) {
      const named = getNamedType(field.type);
      if (!isEnumType(named) || named.name.startsWith('__')) continue;
      if (GATEWAY_ENUMS.has(named.name)) {
        const loadStatus = LOAD_STATUS[type.name];
        const upstreamStatus = fields['upstreamStatus'];
        if (field.name === 'status' && loadStatus && upstreamStatus) {
          field.resolve = reportUnknownStatus(field, upstreamStatus, loadStatus, report);
        }
        continue;
      }
      if (isNonNullType(field.type) || isListType(getNullableType(field.type)))
        throw new Error(
          `${type.name}.${field.name}: an AWS enum field must be a nullable single value (it answers null for a value AWS adds)`,
        );
      const known = new Set(named.getValues().map((v) => v.value as unknown));
      const resolve = field.resolve ?? defaultFieldResolver;
      const check = (value: unknown, source: unknown, context: unknown): unknown => {
        if (value == null || known.has(value)) return value;
        report(context, source, named.name, String(value));
        return null;
      };
      field.resolve = (source, args, context, info) => {
        const value = resolve(source, args, context, info);
        return value instanceof Promise
          ? value.then((v: unknown) => check(v, source, context))
          : check(value, source, context);
      };
      const raw = fields[`${field.name}Raw`];
      if (raw && !raw.resolve) raw.resolve = rawValue(field.name);
    }
  }
  return schema;
}

/** The AWS property `name` of the source object, as a string. */
function rawValue(name: string): GraphQLFieldResolver<unknown, unknown> {
  return (source) => {
    const value = (source as Record<string, unknown> | null)?.[name];
    return value == null ? null : String(value);
  };
}

/** Reports an unknown value served by an operation (its context), held by an upstream object. */
type Report = (context: unknown, holder: unknown, enumName: string, value: string) => void;

/**
 * Passes each unknown value on once per operation, upstream object that holds it, enum and value: a typed
 * status field and the normalized `status` of the same load show one upstream value. Called only for
 * unknown values, so what it keeps costs nothing on the usual path.
 */
function reportOncePerObject(onUnknownValue: UnknownValueSink): Report {
  const reported = new WeakMap<object, WeakMap<object, Set<string>>>();
  return (context, holder, enumName, value) => {
    if (typeof context !== 'object' || context === null || typeof holder !== 'object' || holder === null)
      return onUnknownValue(enumName, value);
    let byHolder = reported.get(context);
    if (!byHolder) reported.set(context, (byHolder = new WeakMap()));
    let seen = byHolder.get(holder);
    if (!seen) byHolder.set(holder, (seen = new Set()));
    const key = `${enumName}\u0000${value}`;
    if (seen.has(key)) return;
    seen.add(key);
    onUnknownValue(enumName, value);
  };
}

function reportUnknownStatus(
  field: GraphQLField<unknown, unknown>,
  upstreamStatus: GraphQLField<unknown, unknown>,
  loadStatus: (typeof LOAD_STATUS)[string],
  report: Report,
): GraphQLFieldResolver<unknown, unknown> {
  const resolve = field.resolve ?? defaultFieldResolver;
  const resolveRaw = upstreamStatus.resolve ?? defaultFieldResolver;
  return (source, args, context, info) =>
    then(resolve(source, args, context, info), (status) => {
      if (status !== 'UNKNOWN') return status;
      return then(resolveRaw(source, {}, context, info), (raw) => {
        if (typeof raw === 'string') report(context, loadStatus.holder(source), loadStatus.awsEnum, raw);
        return status;
      });
    });
}

/** `f(value)`, after it settles when it is a promise: most resolvers here answer synchronously. */
function then(value: unknown, f: (value: unknown) => unknown): unknown {
  return value instanceof Promise ? value.then(f) : f(value);
}
