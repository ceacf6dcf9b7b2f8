/**
 * The schema serde middleware of both clients: what `getSchemaSerdePlugin` of @smithy/core/schema adds
 * (the serializer and deserializer middleware handing each request and response to the client's
 * `protocol`), without its copy of the config for every request and every response. The stock middleware
 * spreads the whole client config (44 keys) and then the call's context into a new object, and hands that
 * to the protocol as its context. Here the protocol gets a view of the call's context (an object whose
 * prototype is that context) carrying as its own keys those of `SerdeContext` of @smithy/types (the serde
 * functions, `endpoint`, `requestHandler`, `disableHostPrefix`, `protocol`), taken from the config, the
 * only config keys the protocol reads from its context; the protocol's own serde context
 * (`setSerdeContext`) is the whole config, as with the stock plugin. A deserialization error is decorated
 * as the stock middleware decorates it (`$response`, the hint in its message, `$metadata` from the
 * response headers). Internal to the upstream layer.
 */
import { getSmithyContext, HttpResponse, toEndpointV1 } from '@smithy/core/transport';
import { deserializerMiddlewareOption, serializerMiddlewareOption } from '@smithy/core/schema';
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

interface Protocol {
  setSerdeContext(context: unknown): void;
  serializeRequest(operation: unknown, input: unknown, context: unknown): Promise<unknown>;
  deserializeResponse(operation: unknown, context: unknown, response: unknown): Promise<unknown>;
}

type OperationSchema = readonly [unknown, string, string, unknown, unknown, unknown] | undefined;

/** The operation as the stock middleware describes it to the protocol. */
function operationOf(context: object) {
  const [, namespace, name, traits, input, output] = ((
    getSmithyContext(context as never) as { operationSchema?: OperationSchema }
  ).operationSchema ?? []) as unknown[];
  return { name, namespace, traits, input, output };
}

const findHeader = (pattern: RegExp, headers: [string, unknown][]) =>
  (headers.find(([k]) => k.match(pattern)) ?? [undefined, undefined])[1];

/** What the stock deserializer middleware does to an error thrown while deserializing. */
function decorate(error: any, response: any, context: any): void {
  Object.defineProperty(error, '$response', {
    value: response,
    enumerable: false,
    writable: false,
    configurable: false,
  });
  if (!('$metadata' in error)) {
    const hint = `Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.`;
    try {
      error.message += '\n  ' + hint;
    } catch {
      if (!context.logger || context.logger?.constructor?.name === 'NoOpLogger') {
        // eslint-disable-next-line no-console -- as the stock middleware, where no logger is given
        console.warn(hint);
      } else {
        context.logger?.warn?.(hint);
      }
    }
    if (typeof error.$responseBodyText !== 'undefined') {
      if (error.$response) {
        error.$response.body = error.$responseBodyText;
      }
    }
    try {
      if (HttpResponse.isInstance(response)) {
        const { headers = {}, statusCode } = response;
        const headerEntries = Object.entries(headers);
        error.$metadata = {
          httpStatusCode: statusCode,
          requestId: findHeader(/^x-[\w-]+-request-?id$/, headerEntries),
          extendedRequestId: findHeader(/^x-[\w-]+-id-2$/, headerEntries),
          cfId: findHeader(/^x-[\w-]+-cf-id$/, headerEntries),
        };
      }
    } catch {
      // as the stock middleware
    }
  }
}

/**
 * The schema serde plugin of a client, over its resolved `config` (see the module comment): it replaces
 * the client's own serializer and deserializer middleware (same names, steps and priorities). Use it
 * after the client is built, before its first call.
 */
export function getLeanSchemaSerdePlugin(config: object): Pluggable<any, any> {
  const source = config as Record<string, unknown> & { protocol: Protocol };
  const own: Record<string, unknown> = {};
  for (const key of SERDE_CONTEXT_KEYS) if (key in source) own[key] = source[key];
  /** The call's context with the config's serde keys, for the protocol (the call's keys win). */
  const viewOf = (context: object): Record<string, unknown> => {
    const view = Object.create(context) as Record<string, unknown>;
    for (const key in own) if (!(key in context)) view[key] = own[key];
    return view;
  };
  return {
    applyToStack(stack) {
      stack.add(
        (next: any, context: any) => async (args: any) => {
          const view = viewOf(context);
          view.endpoint = context.endpointV2 ? async () => toEndpointV1(context.endpointV2) : source.endpoint;
          const request = await source.protocol.serializeRequest(operationOf(context), args.input, view);
          return next({ ...args, request });
        },
        serializerMiddlewareOption,
      );
      stack.add((next: any, context: any) => {
        // One view per resolved handler: it holds nothing of a call.
        const view = viewOf(context);
        return async (args: any) => {
          const { response } = await next(args);
          try {
            const output = await source.protocol.deserializeResponse(operationOf(context), view, response);
            return { response, output };
          } catch (error) {
            decorate(error, response, context);
            throw error;
          }
        };
      }, deserializerMiddlewareOption);
      source.protocol.setSerdeContext(config);
    },
  };
}
