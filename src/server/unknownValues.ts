/**
 * Where the AWS enum values the gateway does not know end up (graph/openEnums.ts finds them): each
 * distinct value is logged once at warn, saying what clients see and what to do, and every report (one
 * per upstream object and operation that serves the value) is counted in `loadgraph_upstream_unknown_enum_values_total{enum,value}`. At most `maxDistinct` values get
 * their own label (and log line); any beyond share the value label `(other)`, so a misbehaving upstream
 * cannot grow the metric without bound.
 */
import type { UnknownValueSink } from '../graph/openEnums.js';
import type { AppLogger } from './logger.js';
import type { Metrics } from './metrics.js';

/**
 * How many distinct unknown enum values get their own metric label and log line by default; later ones
 * count as `(other)`.
 */
export const MAX_DISTINCT_UNKNOWN_VALUES = 100;

/**
 * The sink graph/openEnums.ts reports unknown AWS enum values to: a warning per distinct value (the first
 * `maxDistinct` only) and a counter increment per report. Never throws.
 */
export function createUnknownValueSink(
  logger: AppLogger,
  metrics: Pick<Metrics, 'unknownEnumValues'>,
  maxDistinct = MAX_DISTINCT_UNKNOWN_VALUES,
): UnknownValueSink {
  const seen = new Set<string>();
  return (enumName, value) => {
    const key = `${enumName}\u0000${value}`;
    if (!seen.has(key) && seen.size < maxDistinct) {
      seen.add(key);
      logger.warn(
        { enum: enumName, value },
        `AWS answered ${enumName} "${value}", a value this gateway does not know yet: clients get null in the typed field and the raw value in its *Raw field (a load's status is UNKNOWN and it is still polled). Upgrade the gateway to get it typed.`,
      );
    }
    metrics.unknownEnumValues.inc({ enum: enumName, value: seen.has(key) ? value : '(other)' });
  };
}
