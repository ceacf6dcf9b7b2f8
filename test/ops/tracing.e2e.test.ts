/**
 * Tracing, when an OTLP endpoint is set: a span for each GraphQL operation and each upstream call reaches
 * a real OTLP/HTTP receiver (a loopback server standing in for a collector); none is sent otherwise.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway } from '../helpers/gateway.js';

interface Span {
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
  status?: { code?: number; message?: string };
}

const received: { service: string; spans: Span[] }[] = [];
let collector: Server;
let endpoint: string;

beforeAll(async () => {
  collector = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const rs of body.resourceSpans ?? []) {
        const service = rs.resource.attributes.find((a: any) => a.key === 'service.name')?.value.stringValue;
        for (const ss of rs.scopeSpans) received.push({ service, spans: ss.spans });
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(collector.address() as AddressInfo).port}/v1/traces`;
});
afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

const attr = (span: Span, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value ? Object.values(value)[0] : undefined;
};

describe('tracing', () => {
  it('exports a span per GraphQL operation and per upstream call over OTLP when an endpoint is set', async () => {
    const gw = await startTestGateway({
      TRACING_OTLP_ENDPOINT: endpoint,
      TRACING_SERVICE_NAME: 'loadgraph-test',
    });
    const instanceId = (await gw.world()).supplychain.instances[0].instanceId;
    await gw.query(
      `query Recent($i: ID!) { dataIntegrationEvents(instanceId: $i, first: 2) { nodes { id } } }`,
      { i: instanceId },
    );
    await gw.query(
      `query Missing($i: ID!) { dataIntegrationEvent(instanceId: $i, eventId: "00000000-0000-4000-8000-000000000000") { id } }`,
      {
        i: instanceId,
      },
    );
    await gw.stop(); // flushes the batch
    const spans = received.filter((r) => r.service === 'loadgraph-test').flatMap((r) => r.spans);
    const operation = spans.find((s) => s.name === 'query Recent');
    expect(operation).toBeDefined();
    expect(attr(operation!, 'graphql.operation.name')).toBe('Recent');
    const list = spans.find((s) => s.name === 'SupplyChain.ListDataIntegrationEvents');
    expect(list).toBeDefined();
    expect(attr(list!, 'rpc.system')).toBe('aws-api');
    expect(attr(list!, 'aws.request_id')).toMatch(/^[0-9a-f-]{36}$/);
    const missing = spans.find((s) => s.name === 'query Missing');
    expect(missing?.status?.message).toBe('NOT_FOUND');
    const get = spans.find((s) => s.name === 'SupplyChain.GetDataIntegrationEvent');
    expect(attr(get!, 'loadgraph.upstream.outcome')).toBe('NOT_FOUND');
  });

  it('sends nothing when no endpoint is set', async () => {
    const before = received.length;
    const gw = await startTestGateway();
    await gw.query(`{ __typename }`);
    await gw.stop();
    expect(received.length).toBe(before);
  });
});
