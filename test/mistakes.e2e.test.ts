/**
 * The README's "Common mistakes" table, row by row: each mistake is sent to a real gateway (or emulator,
 * or the AWS CLI) and its answer must carry the code and the words of the hint the table shows. A row
 * without a sender here, or a sender without its row, fails: the table cannot drift from the gateway.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.js';
import { createCleanup, rawSocket } from './helpers/live.js';
import { awsCli, readmeTable } from './helpers/readme.js';

/** What a mistake got back: the code (extensions.code, else the HTTP status, close code or exit code) and its text. */
interface Answer {
  readonly code: string;
  readonly text: string;
}

let gw: TestGateway;
let production: TestGateway;
let world: any;
const cleanup = createCleanup();

beforeAll(async () => {
  [gw, production] = await Promise.all([startTestGateway(), startTestGateway({ NODE_ENV: 'production' })]);
  world = await gw.world();
});
afterAll(async () => {
  await cleanup.run();
  await Promise.all([gw?.stop(), production?.stop()]);
});

const instanceId = (): string => world.supplychain.instances[0].instanceId;
const domain = (): any => world.datazone.domains[0];

/** The first error of a GraphQL answer, with every problem's message in the text. */
async function graphql(
  target: TestGateway,
  query: string,
  variables?: Record<string, unknown>,
): Promise<Answer> {
  const res = await target.query(query, variables);
  const error = res.errors?.[0];
  expect(error, JSON.stringify(res)).toBeDefined();
  const problems = (error!.extensions?.['problems'] ?? []) as { field: string; message: string }[];
  return {
    code: String(error!.extensions?.['code']),
    text: [error!.message, ...problems.map((p) => `${p.field} ${p.message}`)].join('\n'),
  };
}

async function http(url: string, init?: RequestInit): Promise<Answer> {
  const res = await fetch(url, init);
  const text = await res.text();
  const code = (JSON.parse(text) as any).errors?.[0]?.extensions?.code;
  return { code: code === undefined ? String(res.status) : `${code} (${res.status})`, text };
}

const SEND_EVENT = `mutation ($input: SendEventInput!) { sendEvent(input: $input) { eventId } }`;

async function aRun(): Promise<{ id: string; runId: string }> {
  const source = domain().dataSources[0].id;
  const res = await gw.data(
    `query ($d: ID!, $s: ID!) { dataSourceRuns(domainIdentifier: $d, dataSourceIdentifier: $s, first: 1) { nodes { id runId } } }`,
    { d: domain().domainId, s: source },
  );
  return res.dataSourceRuns.nodes[0];
}

function runAwsCli(args: string[]): Promise<Answer> {
  // A clean environment: no credentials from this machine's variables or files.
  const home = mkdtempSync(join(tmpdir(), 'loadgraph-aws-'));
  return new Promise((resolve) => {
    execFile('aws', args, { env: { PATH: process.env['PATH'], HOME: home } }, (err, stdout, stderr) => {
      resolve({ code: String(err ? (err as { code?: number }).code : 0), text: `${stdout}${stderr}` });
    });
  });
}

const cli = awsCli();

/** The table's mistake text → how to make it. */
const SENDERS: Record<string, () => Promise<Answer>> = {
  'the global `id` of a run passed to `dataSourceRun(identifier:)`': async () =>
    graphql(
      gw,
      `
        query ($d: ID!, $r: ID!) {
          dataSourceRun(domainIdentifier: $d, identifier: $r) {
            id
          }
        }
      `,
      {
        d: domain().domainId,
        r: (await aRun()).id,
      },
    ),
  'an AWS id (a `runId`, an instance or event UUID) passed to `node(id:)` or `loads(ids:)`': async () =>
    graphql(
      gw,
      `
        query ($id: ID!) {
          node(id: $id) {
            id
          }
        }
      `,
      { id: (await aRun()).runId },
    ),
  '`eventType: "scn.data.inboundorder"` (the AWS spelling)': () =>
    graphql(
      gw,
      `
        query ($i: ID!, $t: DataIntegrationEventType) {
          dataIntegrationEvents(instanceId: $i, eventType: $t) {
            nodes {
              id
            }
          }
        }
      `,
      {
        i: instanceId(),
        t: 'scn.data.inboundorder',
      },
    ),
  '`data` given as a JSON object': () =>
    graphql(gw, SEND_EVENT, {
      input: { instanceId: instanceId(), eventType: 'FORECAST', eventGroupId: 'g-1', data: { id: 'PO-1' } },
    }),
  'a `DATASET` event without `eventGroupId` and `datasetTarget`': async () => {
    const answer = await graphql(gw, SEND_EVENT, {
      input: { instanceId: instanceId(), eventType: 'DATASET', data: '{"id":"PO-1"}' },
    });
    // Both fields named at once.
    expect(answer.text).toContain('input.eventGroupId is required');
    return answer;
  },
  'an SSE request without `accept: text/event-stream`': () =>
    http(`${gw.url}/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'subscription { loadsChanged(ids: []) { id } }' }),
    }),
  'a wrong path, such as `/graphq` or `/api`': () => http(gw.url.replace(/\/graphql$/, '/graphq')),
  'a WebSocket client speaking the legacy `graphql-ws` subprotocol (subscriptions-transport-ws)':
    async () => {
      const { code, reason } = await rawSocket(gw, cleanup, 'graphql-ws').closed;
      return { code: String(code), text: reason };
    },
  'an introspection query in production mode': () =>
    graphql(
      production,
      `
        {
          __schema {
            queryType {
              name
            }
          }
        }
      `,
    ),
  'the AWS CLI against the emulator with no credentials configured': () =>
    runAwsCli(['supplychain', 'list-instances', '--endpoint-url', gw.emulator, '--region', 'us-east-1']),
  'an emulator throttle fault given a 5xx `status`': () =>
    http(`${gw.emulator}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operation: 'GetDataSourceRun', kind: 'throttle', status: 503 }),
    }),
};

const rows = readmeTable('### Common mistakes').map(([mistake = '', answer = '', fix = '']) => ({
  mistake,
  answer,
  fix,
}));

describe('README "Common mistakes"', () => {
  it('has a test for every row, and a row for every test', () => {
    expect(rows.map((r) => r.mistake).sort()).toEqual(Object.keys(SENDERS).sort());
    for (const row of rows) expect(row.fix, row.mistake).not.toBe('');
  });

  for (const row of rows) {
    const skipped = row.mistake.startsWith('the AWS CLI') && !cli.available;
    (skipped ? it.skip : it)(
      skipped ? `${row.mistake}: skipped, ${cli.why}` : `${row.mistake}: answers as the table says`,
      async () => {
        const code = /^`([^`]+)`/.exec(row.answer)?.[1];
        const hint = /"([^"]+)"/.exec(row.answer)?.[1];
        expect(code, `the answer cell of "${row.mistake}" starts with a code`).toBeDefined();
        expect(hint, `the answer cell of "${row.mistake}" quotes the hint`).toBeDefined();
        const answer = await SENDERS[row.mistake]!();
        // A second code the cell allows, such as another major version's exit code: "(CLI v2: 253)".
        const alternative = /\(CLI v\d: (\d+)\)/.exec(row.answer)?.[1];
        expect([code, alternative]).toContain(answer.code.split(' ')[0]);
        const status = /\((\d{3})\)/.exec(row.answer)?.[1];
        if (status) expect(answer.code).toContain(`(${status})`);
        expect(answer.text).toContain(hint);
      },
      // The AWS CLI takes seconds to start on a busy machine.
      120_000,
    );
  }
});
