/**
 * The clients `createUpstreamClients` builds keep their behaviour through the per-call shortcuts
 * (middleware resolved once per command, one signer per client, no logger middleware without a logger):
 * their signatures are accepted by the emulator, which verifies them as AWS does, call after call and
 * with calls in flight together, and refused with a wrong secret; without an endpoint override they sign
 * for, and send to, the real AWS endpoint of the configured region; middleware added before the first
 * call (the gateway's observer) still sees every call.
 */
import { GetDataSourceRunCommand, ListDataSourceRunsCommand } from '@aws-sdk/client-datazone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import {
  createUpstreamClients,
  LOGGER_MIDDLEWARE,
  type UpstreamClients,
} from '../../src/upstream/clients.js';
import { observeClient } from '../../src/upstream/observe.js';
import {
  GetDataIntegrationEventCommand,
  ListDataIntegrationEventsCommand,
} from '../../src/upstream/supplychain/index.js';
import {
  createDisposers,
  credentials,
  rejectionOf,
  startTestEmulator,
  type TestEmulator,
} from '../helpers/emulator.js';

const disposers = createDisposers();
let emu: TestEmulator;
const aws = loadConfig({ LOADGRAPH_EMULATOR: '1', NODE_ENV: 'test', LOG_LEVEL: 'silent' }).aws;

/** Clients as the gateway builds them, against `endpoint` (both services), closed after the suite. */
function gatewayClients(options: {
  endpoint?: string;
  region?: string;
  secret?: string;
  maxAttempts?: number;
}): UpstreamClients {
  const clients = createUpstreamClients({
    aws: {
      ...aws,
      region: options.region ?? aws.region,
      maxAttempts: options.maxAttempts ?? aws.maxAttempts,
      supplyChainEndpoint: options.endpoint,
      dataZoneEndpoint: options.endpoint,
    },
    credentials: { ...credentials, ...(options.secret ? { secretAccessKey: options.secret } : {}) },
  });
  disposers.track({ close: () => clients.destroy() });
  return clients;
}

beforeAll(async () => {
  emu = disposers.track(await startTestEmulator());
});
afterAll(() => disposers.dispose());

describe('the gateway clients on the emulator', () => {
  it('are accepted call after call, and with calls in flight together', async () => {
    const { supplyChain, dataZone } = gatewayClients({ endpoint: emu.endpoint });
    const instanceId = emu.world.supplychain.instances[0]!.instanceId;
    const domain = emu.world.datazone.domains[0]!;
    const dataSourceId = domain.dataSources[0]!.id;
    const lists = await Promise.all(
      Array.from({ length: 8 }, () =>
        Promise.all([
          supplyChain.send(new ListDataIntegrationEventsCommand({ instanceId, maxResults: 5 })),
          dataZone.send(
            new ListDataSourceRunsCommand({
              domainIdentifier: domain.domainId,
              dataSourceIdentifier: dataSourceId,
            }),
          ),
        ]),
      ),
    );
    const [events, runs] = lists[0]!;
    expect(events.events!.length).toBeGreaterThan(0);
    expect(runs.items!.length).toBeGreaterThan(0);
    // Another command class after the first was cached, and the first again.
    const event = await supplyChain.send(
      new GetDataIntegrationEventCommand({ instanceId, eventId: events.events![0]!.eventId! }),
    );
    expect(event.event!.eventId).toBe(events.events![0]!.eventId);
    const run = await dataZone.send(
      new GetDataSourceRunCommand({ domainIdentifier: domain.domainId, identifier: runs.items![0]!.id! }),
    );
    expect(run.id).toBe(runs.items![0]!.id);
    const again = await supplyChain.send(new ListDataIntegrationEventsCommand({ instanceId, maxResults: 5 }));
    expect(again.events).toEqual(events.events);
  });

  it('are refused with a wrong secret, on both services', async () => {
    const { supplyChain, dataZone } = gatewayClients({
      endpoint: emu.endpoint,
      secret: 'not-the-secret',
      maxAttempts: 1,
    });
    const instanceId = emu.world.supplychain.instances[0]!.instanceId;
    const domain = emu.world.datazone.domains[0]!;
    const scn = await rejectionOf(supplyChain.send(new ListDataIntegrationEventsCommand({ instanceId })));
    expect(scn.name).toBe('InvalidSignatureException');
    expect(scn.$metadata.httpStatusCode).toBe(403);
    const dz = await rejectionOf(
      dataZone.send(
        new ListDataSourceRunsCommand({
          domainIdentifier: domain.domainId,
          dataSourceIdentifier: domain.dataSources[0]!.id,
        }),
      ),
    );
    expect(dz.name).toBe('InvalidSignatureException');
  });

  it('report every call to middleware added before the first call (the gateway observer)', async () => {
    const clients = gatewayClients({ endpoint: emu.endpoint });
    const seen: string[] = [];
    observeClient(clients.supplyChain, 'SupplyChain', (call) =>
      seen.push(`${call.operation}:${call.outcome}`),
    );
    const instanceId = emu.world.supplychain.instances[0]!.instanceId;
    await clients.supplyChain.send(new ListDataIntegrationEventsCommand({ instanceId, maxResults: 1 }));
    await clients.supplyChain.send(new ListDataIntegrationEventsCommand({ instanceId, maxResults: 1 }));
    await rejectionOf(
      clients.supplyChain.send(new GetDataIntegrationEventCommand({ instanceId, eventId: 'missing' })),
    );
    expect(seen).toEqual([
      'ListDataIntegrationEvents:success',
      'ListDataIntegrationEvents:success',
      expect.stringMatching(/^GetDataIntegrationEvent:(?!success)/),
    ]);
  });

  it('have no logger middleware without a logger, and keep it with one', () => {
    const without = gatewayClients({ endpoint: emu.endpoint });
    const names = (stack: { identify(): string[] }) => stack.identify().map((entry) => entry.split(' ')[0]);
    expect(names(without.supplyChain.middlewareStack)).not.toContain(LOGGER_MIDDLEWARE);
    expect(names(without.dataZone.middlewareStack)).not.toContain(LOGGER_MIDDLEWARE);
    const logged = createUpstreamClients({
      aws: { ...aws, supplyChainEndpoint: emu.endpoint, dataZoneEndpoint: emu.endpoint },
      credentials,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    disposers.track({ close: () => logged.destroy() });
    expect(names(logged.supplyChain.middlewareStack)).toContain(LOGGER_MIDDLEWARE);
    expect(names(logged.dataZone.middlewareStack)).toContain(LOGGER_MIDDLEWARE);
  });
});

describe('the gateway clients without an endpoint override', () => {
  /** The host and authorization of the request a client would send, captured before it leaves. */
  async function wouldSend(clients: UpstreamClients, service: 'supplyChain' | 'dataZone') {
    let captured: { host: string; authorization: string } | undefined;
    clients[service].middlewareStack.addRelativeTo(
      () => async (args: any) => {
        captured = { host: args.request.hostname, authorization: args.request.headers.authorization };
        throw new Error('captured');
      },
      { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'captureRequest' },
    );
    const send =
      service === 'supplyChain'
        ? clients.supplyChain.send(new GetDataIntegrationEventCommand({ instanceId: 'i-1', eventId: 'e-1' }))
        : clients.dataZone.send(new GetDataSourceRunCommand({ domainIdentifier: 'dzd_1', identifier: 'r1' }));
    expect((await rejectionOf(send)).message).toBe('captured');
    return captured!;
  }

  it.each(['us-east-1', 'eu-west-1', 'ap-southeast-2'])(
    'sign for %s and send to its real AWS endpoints',
    async (region) => {
      const clients = gatewayClients({ region, maxAttempts: 1 });
      const scn = await wouldSend(clients, 'supplyChain');
      expect(scn.host).toBe(`scn.${region}.amazonaws.com`);
      expect(scn.authorization).toMatch(
        new RegExp(`^AWS4-HMAC-SHA256 Credential=\\w+/\\d{8}/${region}/scn/aws4_request,`),
      );
      const dz = await wouldSend(clients, 'dataZone');
      expect(dz.host).toBe(`datazone.${region}.api.aws`);
      expect(dz.authorization).toMatch(new RegExp(`/\\d{8}/${region}/datazone/aws4_request,`));
    },
  );
});
