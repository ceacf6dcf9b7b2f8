/**
 * Records each HTTP GraphQL operation in the metrics: count and latency by operation name, type and
 * outcome (`success`, or the code of its first error).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphContext } from './context.js';
import type { Metrics } from './metrics.js';
import { ErrorCode } from '../errors.js';

/** Apollo plugin: counts and times each GraphQL operation over HTTP by name, type and outcome. */
export function metricsPlugin(metrics: Metrics): ApolloServerPlugin<GraphContext> {
  // The labelled series, found once per label set: prom-client hashes the labels on every call otherwise.
  const series = new Map<string, { count: () => void; time: (seconds: number) => void }>();
  const seriesOf = (labels: { operation: string; type: string; outcome: string }) => {
    const key = `${labels.operation}\u0000${labels.type}\u0000${labels.outcome}`;
    let found = series.get(key);
    if (!found) {
      const counter = metrics.graphqlRequests.labels(labels);
      const histogram = metrics.graphqlDuration.labels(labels);
      found = { count: () => counter.inc(), time: (seconds) => histogram.observe(seconds) };
      series.set(key, found);
    }
    return found;
  };
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
            outcome: first ? (typeof code === 'string' ? code : ErrorCode.INTERNAL_SERVER_ERROR) : 'success',
          };
          const { count, time } = seriesOf(labels);
          count();
          time((performance.now() - started) / 1000);
        },
      };
    },
  };
}
