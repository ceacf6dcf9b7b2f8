/**
 * restJson1 value encoding, driven by the model: turning request parts (labels, query strings, JSON body)
 * into typed input values, and typed output values into JSON. Timestamps follow the member's
 * `timestampFormat` trait, else the target shape's, else the location default (body: epoch seconds;
 * label and query: RFC 3339 date-time).
 *
 * Internal to the emulator.
 */
import type { MemberRef, SmithyModel } from './model.js';

/** A request value of the wrong JSON type (AWS answers these as a validation failure). */
export class WireTypeError extends Error {}

type Location = 'body' | 'query' | 'label';
type TimestampFormat = 'epoch-seconds' | 'date-time' | 'http-date';

function timestampFormat(model: SmithyModel, ref: MemberRef, location: Location): TimestampFormat {
  return (
    (model.traitsOf(ref)['smithy.api#timestampFormat'] as TimestampFormat | undefined) ??
    (location === 'body' ? 'epoch-seconds' : 'date-time')
  );
}

const INTEGER_TYPES = new Set(['byte', 'short', 'integer', 'long', 'intEnum']);
const NUMBER_TYPES = new Set([...INTEGER_TYPES, 'float', 'double', 'bigInteger', 'bigDecimal']);

/** Decodes one wire value into its typed form, or throws {@link WireTypeError} naming `path`. */
export function decode(
  model: SmithyModel,
  ref: MemberRef,
  raw: unknown,
  path: string,
  location: Location,
): unknown {
  if (raw === null || raw === undefined) return undefined;
  const shape = model.shape(ref.target);
  const bad = (expected: string): never => {
    throw new WireTypeError(`Value at '${path}' failed to satisfy constraint: Member must be ${expected}`);
  };
  const type = shape.type;
  if (location !== 'body' && typeof raw === 'string') {
    if (INTEGER_TYPES.has(type)) return /^-?\d+$/.test(raw) ? Number(raw) : bad('an integer');
    if (NUMBER_TYPES.has(type))
      return Number.isFinite(Number(raw)) && raw.trim() !== '' ? Number(raw) : bad('a number');
    if (type === 'boolean') return raw === 'true' ? true : raw === 'false' ? false : bad('a boolean');
  }
  switch (type) {
    case 'string':
    case 'enum':
      return typeof raw === 'string' ? raw : bad('a string');
    case 'boolean':
      return typeof raw === 'boolean' ? raw : bad('a boolean');
    case 'timestamp': {
      const format = timestampFormat(model, ref, location);
      if (format === 'epoch-seconds') {
        const n =
          typeof raw === 'number' ? raw : location !== 'body' && typeof raw === 'string' ? Number(raw) : NaN;
        const date = Number.isFinite(n) ? new Date(Math.round(n * 1000)) : undefined;
        return date && !Number.isNaN(date.getTime()) ? date : bad('a timestamp in epoch seconds');
      }
      const d = typeof raw === 'string' ? new Date(raw) : undefined;
      return d && !Number.isNaN(d.getTime()) ? d : bad(`a timestamp in ${format} format`);
    }
    case 'list':
      if (Array.isArray(raw))
        return raw.map((item, i) => decode(model, shape.member!, item, `${path}.${i + 1}.member`, location));
      return bad('a list');
    case 'structure':
    case 'union': {
      if (typeof raw !== 'object' || Array.isArray(raw)) return bad('a structure');
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members ?? {})) {
        const v = decode(model, member, (raw as Record<string, unknown>)[name], `${path}.${name}`, location);
        if (v !== undefined) out[name] = v;
      }
      return out;
    }
    case 'map': {
      if (typeof raw !== 'object' || Array.isArray(raw)) return bad('a map');
      return Object.fromEntries(
        Object.entries(raw as Record<string, unknown>).map(([k, v]) => [
          k,
          decode(model, shape.value!, v, `${path}.${k}.value`, location),
        ]),
      );
    }
    case 'document':
      return raw;
    default:
      if (INTEGER_TYPES.has(type))
        return typeof raw === 'number' && Number.isInteger(raw) ? raw : bad('an integer');
      if (NUMBER_TYPES.has(type)) return typeof raw === 'number' ? raw : bad('a number');
      return bad(`of type ${type}`);
  }
}

/**
 * Encodes a typed output value as JSON for the body. Only members the model declares are written, so a
 * handler may return richer internal objects without leaking them onto the wire.
 */
export function encode(model: SmithyModel, ref: MemberRef, value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  const shape = model.shape(ref.target);
  switch (shape.type) {
    case 'timestamp': {
      const date = value instanceof Date ? value : new Date(value as number);
      const format = timestampFormat(model, ref, 'body');
      if (format === 'epoch-seconds') return date.getTime() / 1000;
      if (format === 'http-date') return date.toUTCString();
      return date.toISOString();
    }
    case 'list':
      return (value as unknown[]).map((item) => encode(model, shape.member!, item));
    case 'structure':
    case 'union': {
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members ?? {})) {
        const v = encode(model, member, (value as Record<string, unknown>)[name]);
        if (v !== undefined) out[name] = v;
      }
      return out;
    }
    case 'map':
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, encode(model, shape.value!, v)]),
      );
    default:
      return value;
  }
}
