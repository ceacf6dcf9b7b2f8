/**
 * Child process entry of the call-cost benchmark: a canned upstream on a loopback keep-alive HTTP server.
 * It answers GetDataIntegrationEvent, GetDataSourceRun, ListDataIntegrationEvents and ListDataSourceRuns
 * (by path, whatever the ids) with fixed bodies shaped as the emulator answers them (20 items per list
 * page), checks no signature, and sends `{ type: 'ready', url }` over IPC once it listens. It stops on
 * `stop` or when the orchestrator goes away. Internal to the benchmarks.
 */
import { createServer } from 'node:http';

const INSTANCE_ID = '08ff49b6-f772-4632-a716-c43069c43a8c';
const DOMAIN_ID = 'dzd_rr1akkazyawx9i';
const PAGE_SIZE = 20;

const event = (i: number): object => ({
  instanceId: INSTANCE_ID,
  eventId: `d3c347f8-c3d7-44fd-b04a-${String(215_000_000_000 + i).padStart(12, '0')}`,
  eventType: 'scn.data.dataset',
  eventGroupId: `live-demo-${i}`,
  eventTimestamp: 1_796_670_995.351 - i,
  datasetTargetDetails: {
    datasetIdentifier: `arn:aws:scn:us-east-1:123456789012:instance/${INSTANCE_ID}/namespaces/asc/datasets/inbound_order_line`,
    operationType: 'UPSERT',
    datasetLoadExecution: { status: 'IN_PROGRESS' },
  },
});

const runSummary = (i: number): object => ({
  id: `qbfx2hueqz9u${String(i).padStart(2, '0')}`,
  dataSourceId: 'jdovn5pogepyum',
  type: 'PRIORITIZED',
  status: 'FAILED',
  projectId: 'iuvgvs7kmjjjuy',
  runStatisticsForAssets: { added: 0, updated: 0, unchanged: 0, skipped: 0, failed: 3 },
  errorMessage: {
    errorType: 'ACCESS_DENIED_EXCEPTION',
    errorDetail:
      'Insufficient Lake Formation permissions: the data access role cannot DESCRIBE database clickstream',
  },
  createdAt: '2026-12-07T13:27:08.420Z',
  updatedAt: '2026-12-07T13:27:35.749Z',
  startedAt: '2026-12-07T13:27:17.749Z',
  stoppedAt: '2026-12-07T13:27:35.749Z',
  lineageSummary: { importStatus: 'FAILED' },
});

/** The fixed bodies, by route. */
export const CANNED_BODIES = {
  getEvent: JSON.stringify({ event: event(0) }),
  listEvents: JSON.stringify({
    events: Array.from({ length: PAGE_SIZE }, (_, i) => event(i)),
    nextToken: 'page-2',
  }),
  getRun: JSON.stringify({
    domainId: DOMAIN_ID,
    ...runSummary(0),
    dataSourceConfigurationSnapshot: JSON.stringify({
      glueRunConfiguration: {
        accountId: '123456789012',
        region: 'us-east-1',
        relationalFilterConfigurations: [
          { databaseName: 'clickstream', filterExpressions: [{ type: 'INCLUDE', expression: '*' }] },
        ],
        dataAccessRole: `arn:aws:iam::123456789012:role/service-role/AmazonDataZoneGlueAccess-us-east-1-${DOMAIN_ID}`,
      },
    }),
  }),
  listRuns: JSON.stringify({
    items: Array.from({ length: PAGE_SIZE }, (_, i) => runSummary(i)),
    nextToken: 'page-2',
  }),
} as const;

const ROUTES: readonly (readonly [RegExp, string])[] = [
  [
    /^\/api-data\/data-integration\/instance\/[^/]+\/data-integration-events\/[^/?]+(\?|$)/,
    CANNED_BODIES.getEvent,
  ],
  [/^\/api-data\/data-integration\/instance\/[^/]+\/data-integration-events(\?|$)/, CANNED_BODIES.listEvents],
  [/^\/v2\/domains\/[^/]+\/data-source-runs\/[^/?]+(\?|$)/, CANNED_BODIES.getRun],
  [/^\/v2\/domains\/[^/]+\/data-sources\/[^/]+\/runs(\?|$)/, CANNED_BODIES.listRuns],
];

if (process.send) {
  const server = createServer({ keepAlive: true, keepAliveTimeout: 60_000 }, (req, res) => {
    const body = ROUTES.find(([route]) => route.test(req.url ?? ''))?.[1];
    req.resume();
    if (req.method !== 'GET' || body === undefined) {
      res.writeHead(404, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'ResourceNotFoundException',
      });
      res.end('{"message":"no such route"}');
      return;
    }
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-amzn-requestid': '7b1c1a3e-5f7c-4f0e-9a51-6c2d0b1f9e42',
    });
    res.end(body);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    process.send!({ type: 'ready', url: `http://127.0.0.1:${address.port}` });
  });
  const stop = (): void => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.on('message', (message: { type?: string }) => {
    if (message.type === 'stop') stop();
  });
  process.on('disconnect', stop);
}
