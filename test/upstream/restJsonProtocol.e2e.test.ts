/**
 * The planned restJson1 deserializer (src/upstream/restJsonProtocol.ts) reads every response as the stock
 * `AwsRestJsonProtocol` of the Smithy runtime does: each response of every operation the gateway calls
 * (both services, on the emulator, errors and throttling included) is deserialized by both, and the two
 * outputs or errors must be deeply and strictly equal (Dates, absent members, member order, error class,
 * `$fault`, `$metadata`). Its RFC 3339 fast path gives the stock parser's `Date`, or its error, for every
 * string of a corpus of valid and invalid date-times.
 */
import * as DataZone from '@aws-sdk/client-datazone';
import { AwsRestJsonProtocol } from '@aws-sdk/core/protocols';
import { HttpResponse } from '@smithy/core/protocols';
import { parseRfc3339DateTimeWithOffset } from '@smithy/core/serde';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createUpstreamClients, type UpstreamClients } from '../../src/upstream/clients.js';
import { parseRfc3339, PlannedRestJsonProtocol } from '../../src/upstream/restJsonProtocol.js';
import * as Scn from '../../src/upstream/supplychain/index.js';
import { createDisposers, credentials, startTestEmulator, type TestEmulator } from '../helpers/emulator.js';

/** What `fn` returns, or what it throws, as a comparable record. */
function outcome(fn: () => unknown): { value?: unknown; error?: unknown } {
  try {
    const value = fn();
    return { value: value instanceof Date ? value.getTime() : value };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

describe('parseRfc3339', () => {
  const corpus: unknown[] = [null, undefined, 0, 1.5, {}, [], '', 'Z', '2026-12-07', '2026-12-07T13:27:08'];
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  for (const year of [0, 1, 99, 100, 1900, 1970, 2000, 2024, 2026, 2100, 9999])
    for (const [month, day] of [
      [1, 1],
      [2, 28],
      [2, 29],
      [2, 30],
      [4, 30],
      [4, 31],
      [12, 31],
      [0, 10],
      [13, 1],
      [6, 0],
      [6, 32],
    ] as const)
      for (const [h, m, s] of [
        [0, 0, 0],
        [23, 59, 59],
        [23, 59, 60],
        [24, 0, 0],
        [12, 60, 0],
        [12, 0, 61],
      ] as const) {
        const base = `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(h)}:${pad(m)}:${pad(s)}`;
        corpus.push(`${base}Z`, `${base}.420Z`, `${base}.1z`);
      }
  for (const fraction of ['', '.', '.0', '.5', '.123', '.749', '.999', '.9999', '.123456789', '.12a', '.1.2'])
    for (const zone of ['Z', 'z', '+01:00', '-05:30', '+0100', 'ZZ', ''])
      for (const t of ['T', 't', ' '])
        corpus.push(`2026-12-07${t}13:27:08${fraction}${zone}`, `1999-02-28${t}23:59:59${fraction}${zone}`);
  corpus.push('2026-1-07T13:27:08Z', '2026-12-07T13:27:8Z', '+2026-12-07T13:27:08Z', 'x026-12-07T13:27:08Z');
  corpus.push('2026-12-07T13:27:08.420Z ', ' 2026-12-07T13:27:08.420Z', '２026-12-07T13:27:08Z');

  it('gives the stock parser’s Date or error for every string of the corpus', () => {
    expect(corpus.length).toBeGreaterThan(2_000);
    let parsedHere = 0;
    for (const value of corpus) {
      const ours = outcome(() => parseRfc3339(value));
      expect(ours, JSON.stringify(value)).toStrictEqual(outcome(() => parseRfc3339DateTimeWithOffset(value)));
      if (typeof ours.value === 'number') parsedHere++;
    }
    // The corpus reaches both sides: dates built here and dates and errors from the stock parser.
    expect(parsedHere).toBeGreaterThan(500);
  });
});

/** A comparable picture of a thrown error: its class, message and every own property. */
function errorPicture(error: any) {
  return {
    class: Object.getPrototypeOf(error),
    name: error.name,
    message: error.message,
    props: Object.fromEntries(Object.entries(error)),
  };
}

type Client = { config: any; send(command: unknown): Promise<unknown> };

interface Compared {
  readonly operation: string;
  readonly ours: { value?: unknown; error?: unknown };
  readonly stock: { value?: unknown; error?: unknown };
}

/**
 * Has every response `client` deserializes also deserialized by a stock `AwsRestJsonProtocol` built from
 * the same settings and serde context, and both outcomes recorded in `into`.
 */
function shadow(client: Client, into: Compared[]): void {
  const protocol = client.config.protocol;
  expect(protocol).toBeInstanceOf(PlannedRestJsonProtocol);
  const stock = new AwsRestJsonProtocol(client.config.protocolSettings);
  stock.setSerdeContext(client.config);
  const planned = protocol.deserializeResponse.bind(protocol);
  const copy = (r: HttpResponse): HttpResponse =>
    new HttpResponse({
      statusCode: r.statusCode,
      headers: { ...r.headers },
      body: Buffer.from(r.body as Uint8Array),
    });
  const settle = (p: Promise<unknown>) =>
    p.then(
      (value) => ({ value }),
      (error) => ({ error: errorPicture(error) }),
    );
  protocol.deserializeResponse = async (operation: any, context: any, response: HttpResponse) => {
    const stockCopy = copy(response);
    const ours = await settle(planned(operation, context, copy(response)));
    into.push({
      operation: operation.name,
      ours,
      stock: await settle(stock.deserializeResponse(operation, context, stockCopy)),
    });
    return planned(operation, context, response);
  };
}

const disposers = createDisposers();
let emu: TestEmulator;
let clients: UpstreamClients;
const compared: Compared[] = [];

beforeAll(async () => {
  emu = disposers.track(await startTestEmulator());
  const aws = loadConfig({ LOADGRAPH_EMULATOR: '1', NODE_ENV: 'test', LOG_LEVEL: 'silent' }).aws;
  clients = createUpstreamClients({
    aws: { ...aws, maxAttempts: 1, supplyChainEndpoint: emu.endpoint, dataZoneEndpoint: emu.endpoint },
    credentials,
  });
  disposers.track({ close: () => clients.destroy() });
  shadow(clients.supplyChain as never, compared);
  shadow(clients.dataZone as never, compared);
});
afterAll(() => disposers.dispose());

/** Sends, and swallows the error (its deserialization is what is compared). */
async function call<T>(client: Client, command: unknown): Promise<T | undefined> {
  return (await client.send(command).catch(() => undefined)) as T | undefined;
}

describe('the planned restJson1 protocol', () => {
  it('deserializes every operation the gateway calls as the stock protocol does', async () => {
    const scn = clients.supplyChain as unknown as Client;
    const dz = clients.dataZone as unknown as Client;
    const instances = await call<any>(scn, new Scn.ListInstancesCommand({}));
    for (const { instanceId } of instances.instances.slice(0, 2)) {
      await call(scn, new Scn.GetInstanceCommand({ instanceId }));
      const events = await call<any>(scn, new Scn.ListDataIntegrationEventsCommand({ instanceId }));
      for (const e of events.events.slice(0, 3))
        await call(scn, new Scn.GetDataIntegrationEventCommand({ instanceId, eventId: e.eventId }));
      const flows = await call<any>(scn, new Scn.ListDataIntegrationFlowsCommand({ instanceId }));
      for (const f of flows.flows.slice(0, 2)) {
        await call(scn, new Scn.GetDataIntegrationFlowCommand({ instanceId, name: f.name }));
        const executions = await call<any>(
          scn,
          new Scn.ListDataIntegrationFlowExecutionsCommand({ instanceId, flowName: f.name }),
        );
        for (const x of executions.flowExecutions.slice(0, 2))
          await call(
            scn,
            new Scn.GetDataIntegrationFlowExecutionCommand({
              instanceId,
              flowName: f.name,
              executionId: x.executionId,
            }),
          );
      }
      for (const namespace of ['asc', 'default']) {
        const datasets = await call<any>(scn, new Scn.ListDataLakeDatasetsCommand({ instanceId, namespace }));
        for (const d of datasets?.datasets?.slice(0, 2) ?? [])
          await call(scn, new Scn.GetDataLakeDatasetCommand({ instanceId, namespace, name: d.name }));
      }
      await call(
        scn,
        new Scn.SendDataIntegrationEventCommand({
          instanceId,
          eventType: 'scn.data.forecast',
          data: '{}',
          eventGroupId: 'equivalence',
        }),
      );
    }
    const domains = await call<any>(dz, new DataZone.ListDomainsCommand({}));
    for (const { id: domainIdentifier } of domains.items.slice(0, 2)) {
      await call(dz, new DataZone.GetDomainCommand({ identifier: domainIdentifier }));
      const projects = await call<any>(dz, new DataZone.ListProjectsCommand({ domainIdentifier }));
      for (const p of projects.items.slice(0, 2)) {
        const sources = await call<any>(
          dz,
          new DataZone.ListDataSourcesCommand({ domainIdentifier, projectIdentifier: p.id }),
        );
        for (const s of sources.items.slice(0, 2)) {
          await call(dz, new DataZone.GetDataSourceCommand({ domainIdentifier, identifier: s.dataSourceId }));
          const runs = await call<any>(
            dz,
            new DataZone.ListDataSourceRunsCommand({
              domainIdentifier,
              dataSourceIdentifier: s.dataSourceId,
            }),
          );
          for (const r of runs.items.slice(0, 3)) {
            await call(dz, new DataZone.GetDataSourceRunCommand({ domainIdentifier, identifier: r.id }));
            await call(
              dz,
              new DataZone.ListDataSourceRunActivitiesCommand({ domainIdentifier, identifier: r.id }),
            );
          }
          await call(
            dz,
            new DataZone.StartDataSourceRunCommand({
              domainIdentifier,
              dataSourceIdentifier: s.dataSourceId,
            }),
          );
        }
      }
    }
    // Errors: unknown resources, invalid input, throttling and server faults.
    const instanceId = instances.instances[0].instanceId;
    const domainIdentifier = domains.items[0].id;
    await call(scn, new Scn.GetDataIntegrationEventCommand({ instanceId, eventId: 'missing' }));
    await call(scn, new Scn.GetInstanceCommand({ instanceId: 'missing' }));
    await call(scn, new Scn.ListDataIntegrationEventsCommand({ instanceId, maxResults: 100_000 }));
    await call(dz, new DataZone.GetDataSourceRunCommand({ domainIdentifier, identifier: 'missing' }));
    await call(dz, new DataZone.GetDomainCommand({ identifier: 'dzd_missing' }));
    for (const fault of [{ kind: 'throttle' }, { kind: 'error', status: 503 }] as const) {
      await emu.control.addFault({ ...fault, count: 2 });
      await call(scn, new Scn.GetInstanceCommand({ instanceId }));
      await call(dz, new DataZone.GetDomainCommand({ identifier: domainIdentifier }));
    }
    await emu.control.clearFaults();

    const operations = new Set(compared.map((c) => c.operation));
    expect([...operations].sort()).toStrictEqual(
      [
        'GetDataIntegrationEvent',
        'GetDataIntegrationFlow',
        'GetDataIntegrationFlowExecution',
        'GetDataLakeDataset',
        'GetDataSource',
        'GetDataSourceRun',
        'GetDomain',
        'GetInstance',
        'ListDataIntegrationEvents',
        'ListDataIntegrationFlowExecutions',
        'ListDataIntegrationFlows',
        'ListDataLakeDatasets',
        'ListDataSourceRunActivities',
        'ListDataSourceRuns',
        'ListDataSources',
        'ListDomains',
        'ListInstances',
        'ListProjects',
        'SendDataIntegrationEvent',
        'StartDataSourceRun',
      ].sort(),
    );
    const errors = compared.filter((c) => c.ours.error);
    expect(new Set(errors.map((c) => (c.ours.error as any).name)).size).toBeGreaterThanOrEqual(3);
    for (const { operation, ours, stock } of compared) {
      expect(ours, operation).toStrictEqual(stock);
      // Member order too: the same JSON.
      expect(JSON.stringify(ours.value), operation).toBe(JSON.stringify(stock.value));
    }
  });
});
