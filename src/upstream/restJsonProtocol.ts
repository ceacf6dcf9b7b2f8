/**
 * The restJson1 protocol of both upstream clients: the Smithy runtime's own `AwsRestJsonProtocol`, given
 * (through its documented `jsonCodec` option) a JSON codec whose deserializer plans each schema once
 * instead of walking it for every value of every response. What it produces is what the stock
 * `JsonShapeDeserializer2` produces, value for value (test/upstream/restJsonProtocol.e2e.test.ts holds the two
 * to deep equality on every operation the gateway calls, errors included):
 * - a structure: its members in schema order, under their `jsonName`, each read by its member's plan, a
 *   null or absent member left out; a structure carrying `__type` (whose unknown keys the stock reader
 *   copies) and unions are read by the stock reader;
 * - a list: its elements read in place by the element plan, when the stock reader would transform them;
 * - a timestamp: the stock parser of the member's format; RFC 3339 `date-time` strings in the plain
 *   `YYYY-MM-DDThh:mm:ss[.fff]Z` form are parsed here to the same `Date` (the stock parser, with its
 *   regular expression, typed-array range checks and closures, is most of what a DataZone list page
 *   costs), any other string goes to the stock parser, which throws as it does;
 * - strings, booleans, numbers: as they are (a numeric member's `"NaN"`, `"Infinity"`, `"-Infinity"` as
 *   numbers);
 * - everything else (maps, documents, blobs, big numbers, media-typed strings): the stock reader.
 * Serialization is the stock one. Internal to the upstream layer.
 */
import { AwsRestJsonProtocol } from '@aws-sdk/core/protocols';
import {
  determineTimestampFormat,
  JsonCodec2,
  JsonShapeDeserializer2,
  type JsonSettings,
} from '@smithy/core/protocols';
import { NormalizedSchema, type TypeRegistry } from '@smithy/core/schema';
import {
  parseEpochTimestamp,
  parseRfc3339DateTimeWithOffset,
  parseRfc7231DateTime,
} from '@smithy/core/serde';
import type { HttpResponse, MetadataBearer, Schema } from '@smithy/types';

/** The codec settings `AwsRestJsonProtocol` builds its own codec with. */
const REST_JSON_SETTINGS: JsonSettings = {
  timestampFormat: { useTrait: true, default: 7 },
  httpBindings: true,
  jsonName: true,
};

type Reader = (value: unknown) => unknown;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The value of the two decimal digits at `at`, or -1. */
function twoDigits(s: string, at: number): number {
  const a = s.charCodeAt(at) - 48;
  const b = s.charCodeAt(at + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * `parseRfc3339DateTimeWithOffset` of @smithy/core/serde, with the common form done here: a string
 * `YYYY-MM-DDThh:mm:ss[.f+]Z` (`t` and `z` in either case) whose fields are in the ranges that function
 * accepts becomes the `Date` it builds (`Date.UTC` of the same fields, the fraction as
 * `parseFloat("0." + digits) * 1000`); anything else, valid or not, is passed to it.
 */
export function parseRfc3339(value: unknown): Date | undefined {
  if (typeof value === 'string' && value.length >= 20) {
    const s = value;
    const n = s.length;
    const last = s.charCodeAt(n - 1);
    const t = s.charCodeAt(10);
    if (
      (last === 90 || last === 122) &&
      (t === 84 || t === 116) &&
      s.charCodeAt(4) === 45 &&
      s.charCodeAt(7) === 45 &&
      s.charCodeAt(13) === 58 &&
      s.charCodeAt(16) === 58
    ) {
      const century = twoDigits(s, 0);
      const yy = twoDigits(s, 2);
      const month = twoDigits(s, 5);
      const day = twoDigits(s, 8);
      const hours = twoDigits(s, 11);
      const minutes = twoDigits(s, 14);
      const seconds = twoDigits(s, 17);
      let fraction = n === 20;
      if (n > 21 && s.charCodeAt(19) === 46) {
        fraction = true;
        for (let i = 20; i < n - 1; i++) {
          const c = s.charCodeAt(i);
          if (c < 48 || c > 57) {
            fraction = false;
            break;
          }
        }
      }
      const year = century * 100 + yy;
      if (
        fraction &&
        century >= 0 &&
        yy >= 0 &&
        month >= 1 &&
        month <= 12 &&
        day >= 1 &&
        hours >= 0 &&
        hours <= 23 &&
        minutes >= 0 &&
        minutes <= 59 &&
        seconds >= 0 &&
        seconds <= 60
      ) {
        const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
        const maxDay = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!;
        if (day <= maxDay) {
          const ms = n === 20 ? 0 : parseFloat(`0.${s.slice(20, n - 1)}`) * 1000;
          return new Date(Date.UTC(year, month - 1, day, hours, minutes, seconds, ms));
        }
      }
    }
  }
  return parseRfc3339DateTimeWithOffset(value);
}

/** Whether the stock reader transforms a value of this schema (its private `needsTransform`). */
function transforms(ns: NormalizedSchema): boolean {
  return (
    ns.isBlobSchema() ||
    ns.isTimestampSchema() ||
    ns.isBigIntegerSchema() ||
    ns.isBigDecimalSchema() ||
    ns.isNumericSchema() ||
    ns.isDocumentSchema() ||
    ns.isStructSchema() ||
    ns.isListSchema() ||
    ns.isMapSchema() ||
    (ns.isStringSchema() && !!ns.getMergedTraits().mediaType)
  );
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object';

/**
 * `JsonShapeDeserializer2` reading through a plan per schema (see the module comment). `read` (JSON
 * parsing, the reviver for big numbers) is the stock one.
 */
export class PlannedJsonShapeDeserializer extends JsonShapeDeserializer2 {
  constructor(
    settings: JsonSettings,
    private readonly plans: WeakMap<object, Reader>,
  ) {
    super(settings);
  }

  protected override _read(schema: Schema, value: unknown): any {
    return this.planOf(schema)(value);
  }

  /** The reader of `schema`, planned on first use. */
  private planOf(schema: Schema): Reader {
    const key = typeof schema === 'object' || typeof schema === 'function' ? (schema as object) : undefined;
    const known = key && this.plans.get(key);
    if (known) return known;
    const ns = NormalizedSchema.of(schema);
    let plan = this.plans.get(ns);
    if (!plan) {
      plan = this.plan(ns);
      this.plans.set(ns, plan);
    }
    if (key) this.plans.set(key, plan);
    return plan;
  }

  /** The stock reader of `ns`. */
  private stock(ns: NormalizedSchema): Reader {
    return (value) => super._read(ns, value);
  }

  private plan(ns: NormalizedSchema): Reader {
    if (ns.isStructSchema()) return ns.isUnionSchema() ? this.stock(ns) : this.structPlan(ns);
    if (ns.isListSchema()) {
      const element = ns.getValueSchema();
      if (!transforms(element)) return (value) => value;
      let read: Reader | undefined;
      return (value) => {
        if (Array.isArray(value)) {
          read ??= this.planOf(element);
          for (let i = 0; i < value.length; ++i) value[i] = read(value[i]);
        }
        return value;
      };
    }
    if (ns.isTimestampSchema()) {
      switch (determineTimestampFormat(ns, this.settings)) {
        case 5:
          return (value) => (value != null ? parseRfc3339(value) : value);
        case 6:
          return (value) => (value != null ? parseRfc7231DateTime(value) : value);
        case 7:
          return (value) => (value != null ? parseEpochTimestamp(value) : value);
        default:
          return this.stock(ns);
      }
    }
    if ((ns.isStringSchema() && !ns.getMergedTraits().mediaType) || ns.isBooleanSchema()) {
      return (value) => value;
    }
    if (ns.isNumericSchema()) {
      return (value) => {
        if (typeof value !== 'string') return value;
        switch (value) {
          case 'Infinity':
            return Infinity;
          case '-Infinity':
            return -Infinity;
          case 'NaN':
            return NaN;
          default:
            return value;
        }
      };
    }
    return this.stock(ns);
  }

  /**
   * A structure's members in schema order; each member's plan is made on the structure's first value
   * (a schema may contain itself).
   */
  private structPlan(ns: NormalizedSchema): Reader {
    const names: string[] = [];
    const wireNames: string[] = [];
    const members: NormalizedSchema[] = [];
    for (const [name, member] of ns.structIterator()) {
      names.push(name);
      wireNames.push((member.getMergedTraits().jsonName as string | undefined) ?? name);
      members.push(member);
    }
    const stock = this.stock(ns);
    let readers: (Reader | undefined)[] | undefined;
    const count = names.length;
    return (value) => {
      if (!isObject(value)) return value;
      if (typeof value.__type === 'string') return stock(value);
      readers ??= members.map((m) => (transforms(m) ? this.planOf(m) : undefined));
      const out: Record<string, unknown> = {};
      for (let i = 0; i < count; ++i) {
        const v = value[wireNames[i]!];
        if (v != null) {
          const read = readers[i];
          out[names[i]!] = read ? read(v) : v;
        }
      }
      return out;
    };
  }
}

/** `JsonCodec2` whose deserializers share one set of plans; its serializer is the stock one. */
export class PlannedJsonCodec extends JsonCodec2 {
  private readonly plans = new WeakMap<object, Reader>();

  override createDeserializer(): PlannedJsonShapeDeserializer {
    const deserializer = new PlannedJsonShapeDeserializer(this.settings, this.plans);
    if (this.serdeContext) deserializer.setSerdeContext(this.serdeContext);
    return deserializer;
  }
}

/** The operation the schema serde middleware describes anew for every call (`operation()`). */
type Operation = Parameters<AwsRestJsonProtocol['deserializeResponse']>[0];

/**
 * `AwsRestJsonProtocol` on the planned codec; a client builds it from its own `protocolSettings` when
 * given it as its `protocol`. It also hands the stock protocol one operation object per operation: the
 * schema serde middleware describes the operation in a new object for every call, and the stock
 * protocol keeps its HTTP bindings (method, path template split into segments, static query) on that
 * object, so it parses them again for every request.
 */
export class PlannedRestJsonProtocol extends AwsRestJsonProtocol {
  private readonly operations = new WeakMap<object, Operation>();

  constructor(settings: { defaultNamespace: string; errorTypeRegistries?: TypeRegistry[] }) {
    super({ ...settings, jsonCodec: new PlannedJsonCodec(REST_JSON_SETTINGS) });
  }

  /** The first object seen for the same operation (by its traits object, name, input and output). */
  private stable(operation: Operation): Operation {
    const traits = operation.traits as unknown;
    if (traits === null || typeof traits !== 'object') return operation;
    const known = this.operations.get(traits);
    if (
      known &&
      known.name === operation.name &&
      known.namespace === operation.namespace &&
      known.input === operation.input &&
      known.output === operation.output
    )
      return known;
    this.operations.set(traits, operation);
    return operation;
  }

  override serializeRequest<Input extends object>(
    operationSchema: Operation,
    input: Input,
    context: Parameters<AwsRestJsonProtocol['serializeRequest']>[2],
  ): ReturnType<AwsRestJsonProtocol['serializeRequest']> {
    return super.serializeRequest(this.stable(operationSchema), input, context);
  }

  override deserializeResponse<Output extends MetadataBearer>(
    operationSchema: Operation,
    context: Parameters<AwsRestJsonProtocol['deserializeResponse']>[1],
    response: HttpResponse,
  ): Promise<Output> {
    return super.deserializeResponse(this.stable(operationSchema), context, response);
  }
}
