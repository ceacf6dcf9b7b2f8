/**
 * The lean schema serde plugin (src/upstream/schemaSerde.ts) takes the place of the client's own
 * serializer and deserializer middleware, and hands the protocol, with the call's context, every key of
 * `SerdeContext` from the client config (and no other: the stock middleware copies the whole config for
 * every call); the protocol's serde context still reads the whole config. The planned restJson1
 * protocol hands the stock one the same operation object call after call, so that the HTTP bindings the
 * stock protocol keeps on it are parsed once.
 */
import { AwsRestJsonProtocol } from '@aws-sdk/core/protocols';
import { HttpResponse } from '@smithy/core/protocols';
import { getSchemaSerdePlugin } from '@smithy/core/schema';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig, type Config } from '../../src/config.js';
import { createUpstreamClients, EMULATOR_CREDENTIALS } from '../../src/upstream/clients.js';
import { SERDE_CONTEXT_KEYS } from '../../src/upstream/schemaSerde.js';
import { GetInstanceCommand, ListInstancesCommand } from '../../src/upstream/supplychain/index.js';

/**
 * The gateway's clients pointed at a closed port (tests answer through their request handler), with the
 * emulator's settings and `overrides`.
 */
function offlineClients(overrides: Partial<Config['aws']> = {}) {
  const aws = loadConfig({ LOADGRAPH_EMULATOR: '1', NODE_ENV: 'test', LOG_LEVEL: 'silent' }).aws;
  return createUpstreamClients({
    aws: {
      ...aws,
      supplyChainEndpoint: 'http://127.0.0.1:9',
      dataZoneEndpoint: 'http://127.0.0.1:9',
      ...overrides,
    },
    credentials: EMULATOR_CREDENTIALS,
  });
}

describe('the lean schema serde plugin', () => {
  it('gives the protocol the config’s serde context keys and the call’s context', async () => {
    const { supplyChain, destroy } = offlineClients();
    try {
      const config = supplyChain.config as any;
      config.requestHandler.handle = async () => ({
        response: new HttpResponse({
          statusCode: 200,
          headers: { 'x-amzn-requestid': 'req-1' },
          body: Buffer.from('{"instance":{"instanceId":"i-1","awsAccountId":"1","state":"Active"}}'),
        }),
      });
      const protocol = config.protocol;
      const contexts: Record<string, any> = {};
      for (const method of ['serializeRequest', 'deserializeResponse'] as const) {
        const stock = protocol[method].bind(protocol);
        protocol[method] = (...args: any[]) => {
          contexts[method] = method === 'serializeRequest' ? args[2] : args[1];
          return stock(...args);
        };
      }
      const output = await supplyChain.send(new GetInstanceCommand({ instanceId: 'i-1' }));
      expect(output.instance?.instanceId).toBe('i-1');
      expect(output.$metadata.requestId).toBe('req-1');
      expect(supplyChain.middlewareStack.identify().filter((m) => /serializerMiddleware/.test(m))).toEqual([
        'serializerMiddleware - serialize',
        'deserializerMiddleware - deserialize',
      ]);
      for (const context of Object.values(contexts)) {
        for (const key of SERDE_CONTEXT_KEYS) {
          if (key === 'endpoint') continue; // the serializer's own, from the resolved endpoint
          expect(context[key], key).toBe(config[key]);
        }
        expect(context.commandName).toBe('GetInstanceCommand');
        // The rest of the config is not copied for every call.
        expect('credentials' in context).toBe(false);
      }
      expect(typeof contexts.serializeRequest.endpoint).toBe('function');
      expect(protocol.serdeContext.region).toBe(config.region);
      expect(protocol.serdeContext.credentials).toBe(config.credentials);
    } finally {
      destroy();
    }
  });
});

describe('the planned restJson1 protocol', () => {
  it('hands the stock protocol one operation object per operation, whose HTTP bindings it keeps', async () => {
    const { supplyChain, destroy } = offlineClients();
    const seen = vi.spyOn(AwsRestJsonProtocol.prototype, 'serializeRequest');
    try {
      (supplyChain.config as any).requestHandler.handle = async () => ({
        response: new HttpResponse({ statusCode: 200, headers: {}, body: Buffer.from('{}') }),
      });
      for (const instanceId of ['i-1', 'i-2', 'i-1'])
        await supplyChain.send(new GetInstanceCommand({ instanceId }));
      await supplyChain.send(new ListInstancesCommand({}));
      const operations = seen.mock.calls.map(([operation]) => operation);
      expect(operations.map((o) => o.name)).toEqual([
        'GetInstance',
        'GetInstance',
        'GetInstance',
        'ListInstances',
      ]);
      expect(operations[1]).toBe(operations[0]);
      expect(operations[2]).toBe(operations[0]);
      expect(operations[3]).not.toBe(operations[0]);
      expect(Object.getOwnPropertySymbols(operations[0]).map(String)).toContain('Symbol(@smithy/schema-x)');
    } finally {
      seen.mockRestore();
      destroy();
    }
  });
});

describe('the lean schema serde plugin on errors', () => {
  it('rejects as the stock plugin does: modeled errors, and bodies it cannot parse', async () => {
    const answers: { statusCode: number; headers: Record<string, string>; body: string }[] = [
      { statusCode: 200, headers: { 'x-amzn-requestid': 'req-1' }, body: '{"instance": {' },
      {
        statusCode: 404,
        headers: { 'x-amzn-requestid': 'req-2', 'x-amzn-errortype': 'ResourceNotFoundException' },
        body: '{"message":"no such instance"}',
      },
      { statusCode: 500, headers: { 'x-amz-request-id': 'req-3' }, body: 'not json' },
    ];
    const rejections = async (stock: boolean) => {
      const { supplyChain, destroy } = offlineClients({ maxAttempts: 1 });
      if (stock) supplyChain.middlewareStack.use(getSchemaSerdePlugin(supplyChain.config as never));
      let next = 0;
      (supplyChain.config as any).requestHandler.handle = async () => {
        const { body, ...answer } = answers[next++]!;
        return { response: new HttpResponse({ ...answer, body: Buffer.from(body) }) };
      };
      try {
        const out = [];
        for (let i = 0; i < answers.length; i++) {
          const error: any = await supplyChain.send(new GetInstanceCommand({ instanceId: 'i-1' })).then(
            () => undefined,
            (e: unknown) => e,
          );
          out.push({
            class: Object.getPrototypeOf(error),
            message: error.message,
            props: { ...error },
            response: error.$response && { ...error.$response, body: String(error.$response.body) },
          });
        }
        return out;
      } finally {
        destroy();
      }
    };
    const lean = await rejections(false);
    expect(lean.map((r) => r.props.$metadata?.requestId)).toEqual(['req-1', 'req-2', 'req-3']);
    expect(lean[0]!.message).toContain('Deserialization error');
    expect(lean[1]!.props.name).toBe('ResourceNotFoundException');
    expect(lean).toStrictEqual(await rejections(true));
  });
});
