/**
 * The kept user agent (src/upstream/userAgent.ts): the clients `createUpstreamClients` builds send the
 * `user-agent` and `x-amz-user-agent` headers the SDK's own middleware sends, call after call and after
 * the credentials change (their source is a feature flag of the header), while the SDK's middleware only
 * runs again when what it reads has changed.
 */
import { GetDataSourceRunCommand } from '@aws-sdk/client-datazone';
import { getUserAgentPlugin } from '@aws-sdk/core/client';
import { HttpResponse } from '@smithy/core/protocols';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createUpstreamClients, EMULATOR_CREDENTIALS } from '../../src/upstream/clients.js';
import { GetInstanceCommand } from '../../src/upstream/supplychain/index.js';

type Headers = Record<string, string>;

/** Gateway clients whose handler answers a fixed body and records the user agent headers sent. */
function recordingClients(stockUserAgent: boolean) {
  const aws = loadConfig({ LOADGRAPH_EMULATOR: '1', NODE_ENV: 'test', LOG_LEVEL: 'silent' }).aws;
  const clients = createUpstreamClients({
    aws: { ...aws, supplyChainEndpoint: 'http://127.0.0.1:9', dataZoneEndpoint: 'http://127.0.0.1:9' },
    credentials: EMULATOR_CREDENTIALS,
  });
  const sent: Headers[] = [];
  let provided = 0;
  for (const client of [clients.supplyChain, clients.dataZone] as any[]) {
    if (stockUserAgent) client.middlewareStack.use(getUserAgentPlugin(client.config));
    client.config.requestHandler.handle = async (request: { headers: Headers }) => {
      sent.push({
        'user-agent': request.headers['user-agent']!,
        'x-amz-user-agent': request.headers['x-amz-user-agent']!,
      });
      return { response: new HttpResponse({ statusCode: 200, headers: {}, body: Buffer.from('{}') }) };
    };
    const provider = client.config.defaultUserAgentProvider;
    client.config.defaultUserAgentProvider = (...args: unknown[]) => {
      provided++;
      return provider(...args);
    };
  }
  return { clients, sent, provided: () => provided };
}

async function calls({ clients }: ReturnType<typeof recordingClients>): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await clients.supplyChain.send(new GetInstanceCommand({ instanceId: `i-${i}` }));
    await clients.dataZone.send(
      new GetDataSourceRunCommand({ domainIdentifier: 'dzd_1', identifier: `r${i}` }),
    );
  }
}

describe('the kept user agent', () => {
  it('sends the SDK middleware’s headers, and runs it again only when the credentials change', async () => {
    const kept = recordingClients(false);
    const stock = recordingClients(true);
    try {
      await calls(kept);
      await calls(stock);
      expect(kept.sent).toHaveLength(6);
      expect(kept.sent).toStrictEqual(stock.sent);
      expect(kept.sent[0]!['user-agent']).toMatch(
        /^aws-sdk-js\/\S+ ua\/2\.1 .* api\/supplychain#\S+ m\/\S+$/,
      );
      expect(kept.sent[1]!['user-agent']).toMatch(/ api\/datazone#\S+ m\/\S+$/);
      expect(stock.provided()).toBe(6);
      expect(kept.provided()).toBe(2);

      // Credentials from another source: another feature flag in the header.
      for (const { clients } of [kept, stock])
        for (const client of [clients.supplyChain, clients.dataZone] as any[])
          client.config.credentials = async () => ({
            ...EMULATOR_CREDENTIALS,
            $source: { CREDENTIALS_ENV_VARS: 'g' },
          });
      await calls(kept);
      await calls(stock);
      expect(kept.sent).toStrictEqual(stock.sent);
      expect(kept.sent[6]!['user-agent']).not.toBe(kept.sent[0]!['user-agent']);
      expect(kept.sent[6]!['user-agent']).toMatch(/ m\/\S*g/);
      expect(kept.provided()).toBe(4);
    } finally {
      kept.clients.destroy();
      stock.clients.destroy();
    }
  });
});
