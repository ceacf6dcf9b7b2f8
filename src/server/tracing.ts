/**
 * OpenTelemetry tracing, off unless an OTLP endpoint is configured: a span per GraphQL operation (see
 * tracing.plugin.ts) and per upstream AWS call, exported over OTLP/HTTP in batches. The provider belongs
 * to this gateway (not registered globally), so several gateways can run in one process.
 */
import { SpanKind, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { UpstreamCall } from '../upstream/observe.js';

/**
 * OpenTelemetry tracing of the gateway: its tracer, spans for upstream AWS calls, and the flush on
 * shutdown.
 */
export interface Tracing {
  readonly tracer: Tracer;
  /** A span for an upstream call that has just ended (built from its start time and duration). */
  recordUpstream(call: UpstreamCall): void;
  /** Flushes pending spans and stops exporting. */
  shutdown(): Promise<void>;
}

/** Where spans are exported and under which `service.name`. */
export interface TracingOptions {
  /** OTLP/HTTP traces endpoint, e.g. `http://collector:4318/v1/traces`. */
  readonly endpoint: string;
  readonly serviceName: string;
}

/**
 * Tracing exported in batches over OTLP/HTTP to `endpoint`. Export failures do not reach callers; call
 * `shutdown` on exit or the last batch is lost.
 */
export function createTracing({ endpoint, serviceName }: TracingOptions): Tracing {
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: endpoint }))],
  });
  const tracer = provider.getTracer('loadgraph');
  return {
    tracer,
    recordUpstream(call) {
      const end = Date.now();
      const span = tracer.startSpan(`${call.service}.${call.operation}`, {
        kind: SpanKind.CLIENT,
        startTime: end - call.durationMs,
        attributes: {
          'rpc.system': 'aws-api',
          'rpc.service': call.service,
          'rpc.method': call.operation,
          'aws.request_id': call.requestId ?? '',
          'loadgraph.upstream.attempts': call.attempts,
          'loadgraph.upstream.outcome': call.outcome,
        },
      });
      if (call.outcome !== 'success')
        span.setStatus({ code: SpanStatusCode.ERROR, message: call.errorName ?? call.outcome });
      span.end(end);
    },
    shutdown: () => provider.shutdown(),
  };
}
