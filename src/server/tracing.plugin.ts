/**
 * A span per GraphQL operation over HTTP, named `<type> <name>`, with the request id, and an error status
 * carrying the first error code when the operation failed.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { GraphContext } from './context.js';
import type { Tracing } from './tracing.js';
import { ErrorCode } from '../errors.js';

/** Apollo plugin: one span per GraphQL request, ended with its outcome. */
export function tracingPlugin(tracing: Tracing): ApolloServerPlugin<GraphContext> {
  return {
    async requestDidStart({ contextValue }) {
      const span = tracing.tracer.startSpan('graphql', {
        kind: SpanKind.SERVER,
        attributes: { 'loadgraph.request_id': contextValue.requestId },
      });
      return {
        async didResolveOperation({ operationName, operation }) {
          const type = operation?.operation ?? 'unknown';
          span.updateName(`${type} ${operationName ?? 'anonymous'}`);
          span.setAttributes({
            'graphql.operation.type': type,
            'graphql.operation.name': operationName ?? '',
          });
        },
        async willSendResponse({ errors, response }) {
          const first =
            errors?.[0] ??
            (response.body.kind === 'single' ? response.body.singleResult.errors?.[0] : undefined);
          if (first)
            span.setStatus({
              code: SpanStatusCode.ERROR,
              message: String(first.extensions?.['code'] ?? ErrorCode.INTERNAL_SERVER_ERROR),
            });
          span.end();
        },
      };
    },
  };
}
