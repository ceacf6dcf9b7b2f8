/**
 * Model-driven input checks, phrased as AWS phrases them ("1 validation error detected: Value 'x' at
 * 'instanceId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^...$").
 * The real clients check nothing, so this is where bad input is caught; the emulator must answer
 * ValidationException exactly where AWS would.
 *
 * Internal to the emulator.
 */
import type { MemberRef, SmithyModel } from './model.js';

const patternCache = new Map<string, RegExp>();
function compile(pattern: string): RegExp {
  let re = patternCache.get(pattern);
  if (!re) {
    re = new RegExp(pattern, 'u');
    patternCache.set(pattern, re);
  }
  return re;
}

/** Smithy counts string length in Unicode code points. */
const codePoints = (s: string): number => [...s].length;

function describe(value: unknown, sensitive: boolean): string {
  if (sensitive) return 'Value';
  if (value === undefined || value === null) return 'Value null';
  if (value instanceof Date) return `Value '${value.toISOString()}'`;
  if (typeof value === 'object') return `Value '${JSON.stringify(value)}'`;
  return `Value '${String(value)}'`;
}

/**
 * Returns every constraint violation in `value` (already bound to JS types) against `ref`, each as
 * `Value ... at 'path' failed to satisfy constraint: ...`. Empty when the value is valid.
 */
export function validate(model: SmithyModel, ref: MemberRef, value: unknown, path: string): string[] {
  const traits = model.traitsOf(ref);
  const shape = model.shape(ref.target);
  const sensitive = 'smithy.api#sensitive' in traits;
  const fail = (constraint: string): string[] => [
    `${describe(value, sensitive)} at '${path}' failed to satisfy constraint: ${constraint}`,
  ];
  if (value === undefined || value === null) {
    return 'smithy.api#required' in traits ? fail('Member must not be null') : [];
  }
  const errors: string[] = [];
  const length = traits['smithy.api#length'] as { min?: number; max?: number } | undefined;
  const measured =
    typeof value === 'string'
      ? codePoints(value)
      : Array.isArray(value)
        ? value.length
        : shape.type === 'map'
          ? Object.keys(value as object).length
          : undefined;
  if (length && measured !== undefined) {
    if (length.min !== undefined && measured < length.min)
      errors.push(...fail(`Member must have length greater than or equal to ${length.min}`));
    if (length.max !== undefined && measured > length.max)
      errors.push(...fail(`Member must have length less than or equal to ${length.max}`));
  }
  const range = traits['smithy.api#range'] as { min?: number; max?: number } | undefined;
  if (range && typeof value === 'number') {
    if (range.min !== undefined && value < range.min)
      errors.push(...fail(`Member must have value greater than or equal to ${range.min}`));
    if (range.max !== undefined && value > range.max)
      errors.push(...fail(`Member must have value less than or equal to ${range.max}`));
  }
  const pattern = traits['smithy.api#pattern'] as string | undefined;
  if (pattern && typeof value === 'string' && !compile(pattern).test(value)) {
    errors.push(...fail(`Member must satisfy regular expression pattern: ${pattern}`));
  }
  switch (shape.type) {
    case 'enum': {
      const allowed = Object.values(shape.members ?? {}).map(
        (m) => m.traits?.['smithy.api#enumValue'] as string,
      );
      if (!allowed.includes(value as string))
        errors.push(...fail(`Member must satisfy enum value set: [${allowed.join(', ')}]`));
      break;
    }
    case 'structure':
      for (const [name, member] of Object.entries(shape.members ?? {})) {
        errors.push(
          ...validate(
            model,
            member,
            (value as Record<string, unknown>)[name],
            `${path ? `${path}.` : ''}${name}`,
          ),
        );
      }
      break;
    case 'union': {
      const set = Object.entries(shape.members ?? {}).filter(
        ([name]) => (value as Record<string, unknown>)[name] != null,
      );
      if (set.length !== 1) errors.push(...fail('Member must have exactly one of its union members set'));
      for (const [name, member] of set) {
        errors.push(...validate(model, member, (value as Record<string, unknown>)[name], `${path}.${name}`));
      }
      break;
    }
    case 'list':
      (value as unknown[]).forEach((item, i) => {
        errors.push(...validate(model, shape.member!, item, `${path}.${i + 1}.member`));
      });
      break;
    case 'map':
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        errors.push(...validate(model, shape.key!, k, `${path}.${k}.key`));
        errors.push(...validate(model, shape.value!, v, `${path}.${k}.value`));
      }
      break;
    default:
      break;
  }
  return errors;
}

/** The message AWS sends for a set of violations. */
export function validationMessage(errors: readonly string[]): string {
  const n = errors.length;
  return `${n} validation error${n === 1 ? '' : 's'} detected: ${errors.join('; ')}`;
}
