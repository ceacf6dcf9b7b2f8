/**
 * Child process entry of the call-cost benchmark: makes upstream calls of one case (argument 1,
 * JSON-encoded {@link CallCostChildSpec}) against the canned upstream and measures its own CPU. On
 * `{ type: 'measure', calls, concurrency }` it makes `calls` calls, `concurrency` in flight, and answers
 * `{ type: 'measured', cpuUs, wallMs }` (`process.cpuUsage()` of the whole process over the calls: every
 * thread, garbage collection included). It checks the first answer of each case (a wrong body or status
 * fails the case) and stops on `stop` or when the orchestrator goes away. Internal to the benchmarks.
 */
import { Agent, request } from 'node:http';
import { GetDataSourceRunCommand, ListDataSourceRunsCommand } from '@aws-sdk/client-datazone';
import { loadConfig } from '../src/config.js';
import { createUpstreamClients, EMULATOR_CREDENTIALS } from '../src/upstream/clients.js';
import { observeClient } from '../src/upstream/observe.js';
import { createReaders } from '../src/upstream/readers.js';
import {
  GetDataIntegrationEventCommand,
  ListDataIntegrationEventsCommand,
} from '../src/upstream/supplychain/index.js';
import { createRawSigner } from './sigv4.js';

/** The cases: two raw floors (a GET of one resource, a GET of a list page) and what they are the floor of. */
export const CALL_COST_CASES = [
  'raw-get',
  'scn-get',
  'dz-get',
  'reader-get',
  'raw-list',
  'scn-list',
  'dz-list',
] as const;
export type CallCostCaseId = (typeof CALL_COST_CASES)[number];

export interface CallCostChildSpec {
  readonly caseId: CallCostCaseId;
  /** The canned upstream's base URL. */
  readonly url: string;
}

export type CallCostChildRequest =
  | { readonly type: 'measure'; readonly calls: number; readonly concurrency: number }
  | { readonly type: 'stop' };
export type CallCostChildReply =
  | { readonly type: 'ready' }
  | { readonly type: 'measured'; readonly cpuUs: number; readonly wallMs: number }
  | { readonly type: 'failed'; readonly message: string };

const INSTANCE_ID = '08ff49b6-f772-4632-a716-c43069c43a8c';
const DOMAIN_ID = 'dzd_rr1akkazyawx9i';
const DATA_SOURCE_ID = 'jdovn5pogepyum';
const EVENT_ID = 'd3c347f8-c3d7-44fd-b04a-215c82de46bf';
const RUN_ID = 'qbfx2hueqz9uxr';
const EVENTS_PATH = `/api-data/data-integration/instance/${INSTANCE_ID}/data-integration-events`;
const MAX_SOCKETS = 50;
/** The region the gateway's clients sign for on the emulator (its default). */
const REGION = 'us-east-1';

/** One call of the case; `i` numbers the calls (the reader case reads a distinct key each time). */
type Call = (i: number) => Promise<unknown>;

function rawCall(url: string, path: string, query: string): { call: Call; close: () => void } {
  const { host, hostname, port } = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const { accessKeyId, secretAccessKey } = EMULATOR_CREDENTIALS;
  const sign = createRawSigner({ accessKeyId, secretAccessKey, region: REGION, service: 'scn' });
  const target = query ? `${path}?${query}` : path;
  const call: Call = () =>
    new Promise((resolve, reject) => {
      const req = request(
        { agent, hostname, port, method: 'GET', path: target, headers: sign(host, path, query) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}`));
            else resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    });
  return { call, close: () => agent.destroy() };
}

function caseCall(spec: CallCostChildSpec): {
  call: Call;
  check: (value: any) => boolean;
  close: () => void;
} {
  const gatewayClients = () => {
    const config = loadConfig({ LOADGRAPH_EMULATOR: '1', NODE_ENV: 'production', LOG_LEVEL: 'silent' });
    const clients = createUpstreamClients({
      aws: {
        ...config.aws,
        maxSockets: MAX_SOCKETS,
        supplyChainEndpoint: spec.url,
        dataZoneEndpoint: spec.url,
      },
      credentials: EMULATOR_CREDENTIALS,
    });
    return { clients, close: () => clients.destroy() };
  };
  switch (spec.caseId) {
    case 'raw-get': {
      const raw = rawCall(spec.url, `${EVENTS_PATH}/${EVENT_ID}`, '');
      return { ...raw, check: (v) => typeof v.event?.eventId === 'string' };
    }
    case 'raw-list': {
      const raw = rawCall(spec.url, EVENTS_PATH, 'maxResults=20');
      return { ...raw, check: (v) => v.events?.length === 20 };
    }
    case 'scn-get': {
      const { clients, close } = gatewayClients();
      return {
        call: () =>
          clients.supplyChain.send(
            new GetDataIntegrationEventCommand({ instanceId: INSTANCE_ID, eventId: EVENT_ID }),
          ),
        check: (v) => v.event?.eventTimestamp instanceof Date,
        close,
      };
    }
    case 'dz-get': {
      const { clients, close } = gatewayClients();
      return {
        call: () =>
          clients.dataZone.send(
            new GetDataSourceRunCommand({ domainIdentifier: DOMAIN_ID, identifier: RUN_ID }),
          ),
        check: (v) => v.createdAt instanceof Date && v.status === 'FAILED',
        close,
      };
    }
    case 'scn-list': {
      const { clients, close } = gatewayClients();
      return {
        call: () =>
          clients.supplyChain.send(
            new ListDataIntegrationEventsCommand({ instanceId: INSTANCE_ID, maxResults: 20 }),
          ),
        check: (v) => v.events?.length === 20,
        close,
      };
    }
    case 'dz-list': {
      const { clients, close } = gatewayClients();
      return {
        call: () =>
          clients.dataZone.send(
            new ListDataSourceRunsCommand({
              domainIdentifier: DOMAIN_ID,
              dataSourceIdentifier: DATA_SOURCE_ID,
              maxResults: 20,
            }),
          ),
        check: (v) => v.items?.length === 20,
        close,
      };
    }
    case 'reader-get': {
      // As the gateway reads: the observing middleware on the client, a SharedReader per operation, a
      // distinct key per call (identical reads in flight would be coalesced).
      const { clients, close } = gatewayClients();
      let observed = 0;
      observeClient(clients.supplyChain, 'SupplyChain', () => void observed++);
      const readers = createReaders(clients, undefined, { concurrency: 64, definitionTtlMs: 0 });
      return {
        call: (i) =>
          readers.event.read({ instanceId: INSTANCE_ID, eventId: `${EVENT_ID}-${i}` }, performance.now()),
        check: (v) => typeof v.eventId === 'string' && observed === 1,
        close,
      };
    }
    default:
      return spec.caseId satisfies never;
  }
}

/** `calls` calls, `concurrency` in flight; resolves to the process's CPU over them, µs, and the wall time. */
async function measure(
  call: Call,
  calls: number,
  concurrency: number,
): Promise<{ cpuUs: number; wallMs: number }> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < calls) await call(next++);
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: Math.min(concurrency, calls) }, worker));
  const used = process.cpuUsage(cpu);
  return { cpuUs: used.user + used.system, wallMs: performance.now() - started };
}

if (process.send) {
  const send = (reply: CallCostChildReply): void => void process.send!(reply);
  const spec = JSON.parse(process.argv[2] ?? '{}') as CallCostChildSpec;
  const { call, check, close } = caseCall(spec);
  let checked = false;
  const stop = (): void => {
    close();
    process.exit(0);
  };
  process.on('disconnect', stop);
  process.on('message', (message: CallCostChildRequest) => {
    if (message.type === 'stop') return stop();
    void (async () => {
      try {
        if (!checked) {
          const first = await call(-1);
          if (!check(first))
            throw new Error(`${spec.caseId}: unexpected answer ${JSON.stringify(first).slice(0, 300)}`);
          checked = true;
        }
        send({ type: 'measured', ...(await measure(call, message.calls, message.concurrency)) });
      } catch (err) {
        send({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
      }
    })();
  });
  send({ type: 'ready' });
}
