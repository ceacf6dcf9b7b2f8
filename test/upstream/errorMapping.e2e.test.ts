/**
 * The error mapping is complete: every error shape the Smithy models list for the operations the gateway
 * calls (the official models in ../shared/aws-models and the emulator's copies), and the errors AWS's
 * front door answers for any service, is sent over HTTP by a stub upstream, parsed by the real client
 * (our Supply Chain client, the DataZone SDK), and mapped by name to a code the README documents.
 */
import { readFileSync, readdirSync } from 'node:fs';
import * as DataZone from '@aws-sdk/client-datazone';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_CREDENTIALS } from '../../src/upstream/clients.js';
import { AWS_ERROR_CODES, ErrorCode, codeOf, upstreamError } from '../../src/upstream/errors.js';
import * as SupplyChain from '../../src/upstream/supplychain/index.js';
import {
  startStubbedGateway,
  startStubUpstream,
  type StubbedGateway,
  type StubUpstream,
} from '../helpers/stubUpstream.js';

const ROOT = new URL('../../', import.meta.url);
const MODELS = [new URL('../shared/aws-models/', ROOT), new URL('src/emulator/model/', ROOT)];

/** Operations the gateway calls: every Supply Chain command we have, and these DataZone ones. */
const OPERATIONS = {
  supplychain: readdirSync(new URL('src/upstream/supplychain/commands/', ROOT))
    .filter((f) => f.endsWith('Command.ts'))
    .map((f) => f.replace(/Command\.ts$/, '')),
  datazone: [
    'GetDataSource',
    'GetDataSourceRun',
    'GetDomain',
    'ListDataSourceRunActivities',
    'ListDataSourceRuns',
    'ListDomains',
    'StartDataSourceRun',
  ],
} as const;
type Service = keyof typeof OPERATIONS;

/** What AWS's front door (signature, token, throttling, availability) may answer for any operation. */
const FRONT_DOOR: readonly ErrorShape[] = [
  { name: 'IncompleteSignatureException', status: 403, fault: 'client' },
  { name: 'InvalidSignatureException', status: 403, fault: 'client' },
  { name: 'UnrecognizedClientException', status: 403, fault: 'client' },
  { name: 'MissingAuthenticationTokenException', status: 403, fault: 'client' },
  { name: 'ExpiredTokenException', status: 403, fault: 'client' },
  { name: 'AccessDeniedException', status: 403, fault: 'client' },
  { name: 'ThrottlingException', status: 429, fault: 'client' },
  { name: 'InternalFailure', status: 500, fault: 'server' },
  { name: 'ServiceUnavailable', status: 503, fault: 'server' },
];

interface ErrorShape {
  readonly name: string;
  readonly status: number;
  readonly fault: 'client' | 'server';
}
interface Case extends ErrorShape {
  readonly service: Service;
  readonly operation: string;
  /** Required input members, to build a request the client will serialize. */
  readonly required: readonly string[];
}

/** Every (service, operation, error) the models list for our operations, plus the front-door errors. */
function cases(): Case[] {
  const out = new Map<string, Case>();
  for (const dir of MODELS) {
    for (const service of Object.keys(OPERATIONS) as Service[]) {
      const shapes: Record<string, any> = JSON.parse(
        readFileSync(new URL(`${service}.json`, dir), 'utf8'),
      ).shapes;
      const ns = `com.amazonaws.${service}#`;
      const serviceShape = Object.values(shapes).find((s) => s.type === 'service');
      for (const operation of OPERATIONS[service]) {
        const op = shapes[`${ns}${operation}`];
        expect(op, `${service} ${operation} in ${dir.pathname}`).toBeDefined();
        const input = op.input ? shapes[op.input.target] : { members: {} };
        const required = Object.entries<any>(input.members ?? {})
          .filter(([, m]) => m.traits?.['smithy.api#required'] !== undefined)
          .map(([name]) => name);
        const targets = [...(op.errors ?? []), ...(serviceShape.errors ?? [])].map((e: any) => e.target);
        const listed = targets.map((t: string): ErrorShape => {
          const traits = shapes[t].traits;
          return {
            name: t.split('#')[1]!,
            status: traits['smithy.api#httpError'] ?? (traits['smithy.api#error'] === 'server' ? 500 : 400),
            fault: traits['smithy.api#error'],
          };
        });
        for (const shape of [...listed, ...FRONT_DOOR])
          out.set(`${service} ${operation} ${shape.name}`, { ...shape, service, operation, required });
      }
    }
  }
  return [...out.values()];
}

const README = readFileSync(new URL('README.md', ROOT), 'utf8');
const ERRORS_SECTION = README.slice(README.indexOf('### Errors'), README.indexOf('## Examples'));

let stub: StubUpstream;
let clients: Record<Service, { send(command: unknown): Promise<unknown>; destroy(): void }>;
const all = cases();

beforeAll(async () => {
  stub = await startStubUpstream('http://127.0.0.1:9');
  const common = {
    region: 'us-east-1',
    endpoint: stub.endpoint,
    credentials: EMULATOR_CREDENTIALS,
    maxAttempts: 1,
  };
  clients = {
    supplychain: new SupplyChain.SupplyChainClient(common) as never,
    datazone: new DataZone.DataZoneClient(common) as never,
  };
});
afterAll(async () => {
  clients.supplychain.destroy();
  clients.datazone.destroy();
  await stub.close();
});

describe('every error the models list for the operations we call', () => {
  it('covers both services, every operation, in both model copies', () => {
    expect(new Set(all.map((c) => c.operation)).size).toBe(
      OPERATIONS.supplychain.length + OPERATIONS.datazone.length,
    );
    expect(new Set(all.map((c) => c.name))).toContain('UnauthorizedException');
    expect(new Set(all.map((c) => c.name))).toContain('ServiceQuotaExceededException');
  });

  it.each(all.map((c) => [`${c.service} ${c.operation}: ${c.name} (${c.status})`, c] as const))(
    '%s maps by name to a documented code',
    async (_title, c) => {
      const remove = stub.use({
        respond: () => ({
          status: c.status,
          headers: {
            'x-amzn-errortype': `${c.name}:http://internal.amazon.com/coral/com.amazonaws/`,
            'x-amzn-requestid': 'req-1',
          },
          body: { message: `${c.name} from the stub` },
        }),
      });
      try {
        const modules: Record<Service, any> = { supplychain: SupplyChain, datazone: DataZone };
        const Command = modules[c.service][`${c.operation}Command`];
        const input = Object.fromEntries(c.required.map((m) => [m, m === 'data' ? '{}' : 'x1']));
        const err: any = await clients[c.service].send(new Command(input)).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err?.name).toBe(c.name);
        const code = codeOf(err);
        expect(AWS_ERROR_CODES[c.name], `${c.name} has its own entry`).toBe(code);
        expect(code).not.toBe(ErrorCode.INTERNAL_SERVER_ERROR);
        expect(ERRORS_SECTION).toContain(`\`${code}\``);
        expect(upstreamError(err, c.operation).extensions).toMatchObject({
          code,
          awsErrorName: c.name,
          awsOperation: c.operation,
          awsRequestId: 'req-1',
        });
      } finally {
        remove();
      }
    },
  );
});

describe('through the gateway', () => {
  let gw: StubbedGateway;
  beforeAll(async () => {
    gw = await startStubbedGateway({ TERMINAL_CACHE_MAX: '0' });
  });
  afterAll(() => gw?.stop());

  it('answers UNAUTHENTICATED for an IncompleteSignatureException', async () => {
    gw.stub.use({
      respond: () => ({
        status: 403,
        headers: { 'x-amzn-errortype': 'IncompleteSignatureException' },
        body: { message: "Authorization header requires 'Signature' parameter." },
      }),
    });
    const res = await gw.query(`{ dataSourceRun(domainIdentifier: "dzd_x1", identifier: "run1") { runId } }`);
    expect(res.data).toEqual({ dataSourceRun: null });
    expect(res.errors![0]!.message).toBe('the gateway could not authenticate to the upstream service');
    expect(res.errors![0]!.extensions).toMatchObject({
      code: 'UNAUTHENTICATED',
      awsErrorName: 'IncompleteSignatureException',
      awsOperation: 'GetDataSourceRun',
    });
  });
});
