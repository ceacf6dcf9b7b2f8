/**
 * The Smithy runtime's schema serde middleware (`getSchemaSerdePlugin` of @smithy/core/schema), given a
 * config of the serde context's own keys only. The stock middleware spreads the config it was given,
 * then the call's context, into a new object for every request and every response, and hands that to
 * the protocol as its context; given the whole client config (44 keys), that copy is most of what the two
 * middlewares cost per call. The protocol reads from it only what `SerdeContext` of @smithy/types
 * declares (the serde functions, `endpoint`, `requestHandler`, `disableHostPrefix`, `protocol`) besides
 * the call's context, so those keys are the config's own ones here; anything else it reads (the serde
 * context the protocol keeps, `setSerdeContext`) still finds the whole client config, its prototype.
 * Internal to the upstream layer.
 */
import { getSchemaSerdePlugin } from '@smithy/core/schema';
import type { Pluggable } from '@smithy/types';

/** The keys of `SerdeContext` (@smithy/types), what the protocol reads of the config. */
export const SERDE_CONTEXT_KEYS = [
  'base64Encoder',
  'base64Decoder',
  'utf8Encoder',
  'utf8Decoder',
  'streamCollector',
  'endpoint',
  'requestHandler',
  'disableHostPrefix',
  'protocol',
] as const;

/**
 * The schema serde plugin of a client, over its resolved `config`: it replaces the client's own
 * serializer and deserializer middleware (same names, steps and priorities). Use it after the client
 * is built, before its first call.
 */
export function getLeanSchemaSerdePlugin(config: object): Pluggable<any, any> {
  const serdeConfig = Object.create(config) as Record<string, unknown>;
  for (const key of SERDE_CONTEXT_KEYS) {
    if (key in config) serdeConfig[key] = (config as Record<string, unknown>)[key];
  }
  return getSchemaSerdePlugin(serdeConfig as never);
}
