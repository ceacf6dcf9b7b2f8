/**
 * A companion of benchmark 7 for a busy machine: in one process, the raw floor, the gateway clients as
 * `createUpstreamClients` builds them, and the same clients put back on the SDK's stock restJson1
 * protocol, schema serde and user agent middleware ("before"), interleaved in rounds against one canned
 * upstream (`callcost.upstream.ts`), so that each ratio compares calls that saw the same load. Prints CPU
 * µs per call and the median over rounds of the ratio to the floor of the same round. Not part of
 * `bench/run.ts`.
 *
 * `npx tsx bench/callcost.paired.ts` (`CASES=dz-list,...` narrows it; `ROUNDS`, `N` calls per round).
 * Internal to the benchmarks.
 */
import { fork } from 'node:child_process';
import { Agent, request } from 'node:http';
import { GetDataSourceRunCommand, ListDataSourceRunsCommand } from '@aws-sdk/client-datazone';
import { getUserAgentPlugin } from '@aws-sdk/core/client';
import { AwsRestJsonProtocol } from '@aws-sdk/core/protocols';
import { getSchemaSerdePlugin } from '@smithy/core/schema';
import { loadConfig } from '../src/config.js';
import { createUpstreamClients, EMULATOR_CREDENTIALS } from '../src/upstream/clients.js';
import {
  GetDataIntegrationEventCommand,
  ListDataIntegrationEventsCommand,
} from '../src/upstream/supplychain/index.js';
import { createRawSigner } from './sigv4.js';

const up = fork(new URL('./callcost.upstream.ts', import.meta.url).pathname, [], {
  execArgv: ['--import', 'tsx'],
});
const url: string = await new Promise((r) => up.on('message', (m: any) => m.type === 'ready' && r(m.url)));
const { host, hostname, port } = new URL(url);
const I = '08ff49b6-f772-4632-a716-c43069c43a8c';
const EV = 'd3c347f8-c3d7-44fd-b04a-215c82de46bf';
const EVENTS = `/api-data/data-integration/instance/${I}/data-integration-events`;
const agent = new Agent({ keepAlive: true, maxSockets: 50 });
const sign = createRawSigner({ ...EMULATOR_CREDENTIALS, region: 'us-east-1', service: 'scn' } as any);
const raw = (path: string, query: string) => () =>
  new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        hostname,
        port,
        method: 'GET',
        path: query ? `${path}?${query}` : path,
        headers: sign(host, path, query),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
const config = loadConfig({ LOADGRAPH_EMULATOR: '1', NODE_ENV: 'production', LOG_LEVEL: 'silent' });
const build = (old: boolean) => {
  const c = createUpstreamClients({
    aws: { ...config.aws, maxSockets: 50, supplyChainEndpoint: url, dataZoneEndpoint: url },
    credentials: EMULATOR_CREDENTIALS,
  });
  if (old)
    for (const client of [c.supplyChain, c.dataZone] as any[]) {
      client.config.protocol = new AwsRestJsonProtocol(client.config.protocolSettings);
      client.middlewareStack.use(getSchemaSerdePlugin(client.config));
      client.middlewareStack.use(getUserAgentPlugin(client.config));
    }
  return c;
};
const before = build(true);
const now = build(false);
const calls = (c: ReturnType<typeof build>) => ({
  'scn-get': () => c.supplyChain.send(new GetDataIntegrationEventCommand({ instanceId: I, eventId: EV })),
  'dz-get': () =>
    c.dataZone.send(new GetDataSourceRunCommand({ domainIdentifier: 'dzd_1', identifier: 'r1' })),
  'scn-list': () =>
    c.supplyChain.send(new ListDataIntegrationEventsCommand({ instanceId: I, maxResults: 20 })),
  'dz-list': () =>
    c.dataZone.send(
      new ListDataSourceRunsCommand({
        domainIdentifier: 'dzd_1',
        dataSourceIdentifier: 'ds',
        maxResults: 20,
      }),
    ),
});
const floors = { get: raw(`${EVENTS}/${EV}`, ''), list: raw(EVENTS, 'maxResults=20') };
async function run(call: () => Promise<unknown>, n: number) {
  let next = 0;
  const worker = async () => {
    while (next++ < n) await call();
  };
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: 16 }, worker));
  const u = process.cpuUsage(cpu);
  return (u.user + u.system) / n;
}
const cases: Record<string, () => Promise<unknown>> = { 'floor-get': floors.get, 'floor-list': floors.list };
for (const [id, f] of Object.entries(calls(before))) cases[`before ${id}`] = f;
for (const [id, f] of Object.entries(calls(now))) cases[`now ${id}`] = f;
const only = process.env.CASES?.split(',');
const ids = Object.keys(cases).filter((id) => !only || only.some((o) => id.includes(o)));
for (const id of ids) await run(cases[id]!, 1500);
const res: Record<string, number[]> = Object.fromEntries(ids.map((id) => [id, []]));
const rounds = Number(process.env.ROUNDS ?? 7);
for (let round = 0; round < rounds; round++)
  for (const id of ids) res[id]!.push(await run(cases[id]!, Number(process.env.N ?? 600)));
const med = (r: number[]) => [...r].sort((a, b) => a - b)[Math.floor(r.length / 2)]!;
for (const id of ids) {
  const floorId = id.includes('list') ? 'floor-list' : 'floor-get';
  const ratios = res[id]!.map((x, i) => x / res[floorId]![i]!);
  console.log(
    id.padEnd(16),
    med(res[id]!).toFixed(0).padStart(5),
    'µs  ×floor (median of paired rounds):',
    med(ratios).toFixed(2),
  );
}
for (const c of [before, now]) c.destroy();
agent.destroy();
up.kill();
