/**
 * Records each HTTP GraphQL operation in the metrics: count and latency by operation name, type and
 * outcome (`success`, or the code of its first error).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphContext } from './context.js';
import type { Metrics } from './metrics.js';

export function metricsPlugin(metrics: Metrics): ApolloServerPlugin<GraphContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, operation, errors, response }) {
          const first =
            errors?.[0] ??
            (response.body.kind === 'single' ? response.body.singleResult.errors?.[0] : undefined);
          const code = first?.extensions?.['code'];
          const labels = {
            operation: metrics.operationLabel(operationName),
            type: operation?.operation ?? 'unknown',
            outcome: first ? (typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR') : 'success',
          };
          metrics.graphqlRequests.inc(labels);
          metrics.graphqlDuration.observe(labels, (performance.now() - started) / 1000);
        },
      };
    },
  };
}
