/**
 * The naive baseline of the call-count benchmark: the same SDL and the same field resolvers as
 * Loadgraph, but `loads` and the links (`dataset`, `flow`, `dataSource`, `instance`) call the AWS
 * clients directly, once per field occurrence: no DataLoader, no sharing, no cache. Only `Query.loads`
 * is implemented. It runs on its own emulator, seeded like the gateway's, so it sees the same world.
 * Internal to the benchmarks.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { GetDataSourceCommand, GetDataSourceRunCommand } from '@aws-sdk/client-datazone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { loadConfig } from '../src/config.js';
import { startEmulator } from '../src/emulator/server.js';
import { fromGlobalId, type LoadRef } from '../src/graph/ids.js';
import { loadTypeDefs, resolvers } from '../src/graph/schema.js';
import {
  EMULATOR_CREDENTIALS,
  createUpstreamClients,
  type UpstreamClients,
} from '../src/upstream/clients.js';
import { markKind } from '../src/upstream/loadKinds.js';
import type { DataSourceRunModel, EventModel, FlowExecutionModel } from '../src/upstream/models.js';
import {
  GetDataIntegrationEventCommand,
  GetDataIntegrationFlowCommand,
  GetDataIntegrationFlowExecutionCommand,
  GetDataLakeDatasetCommand,
  GetInstanceCommand,
} from '../src/upstream/supplychain/index.js';
import type { RunningServer } from './protocol.js';

interface NaiveContext {
  readonly clients: UpstreamClients;
}

type Resolver<P> = (parent: P, args: Record<string, unknown>, context: NaiveContext) => unknown;

const DATASET_ARN =
  /^arn:aws:scn:[a-z0-9-]+:[0-9]+:instance\/([a-f0-9-]{36})\/namespaces\/([^/]+)\/datasets\/([^/]+)$/;

const stripMetadata = <T extends { $metadata?: unknown }>(output: T): Omit<T, '$metadata'> => {
  const { $metadata: _, ...rest } = output;
  return rest;
};

/** One upstream call per load id, repeats included. */
async function readLoad(ref: LoadRef, { clients }: NaiveContext): Promise<object> {
  switch (ref.kind) {
    case 'DATA_INTEGRATION_EVENT':
      return (await clients.supplyChain.send(new GetDataIntegrationEventCommand(ref.key))).event!;
    case 'FLOW_EXECUTION':
      return (await clients.supplyChain.send(new GetDataIntegrationFlowExecutionCommand(ref.key)))
        .flowExecution!;
    case 'DATA_SOURCE_RUN':
      return stripMetadata(
        await clients.dataZone.send(
          new GetDataSourceRunCommand({ domainIdentifier: ref.key.domainId, identifier: ref.key.runId }),
        ),
      );
  }
}

/** Marked with its kind, as Loadgraph's `loads` does (the `Load` interface resolves its type by it). */
const loads: Resolver<unknown> = (_, args, context) =>
  (args.ids as string[]).map((id, i) =>
    Promise.resolve()
      .then(async () => {
        const ref = fromGlobalId(id, `ids[${i}]`);
        return markKind(await readLoad(ref, context), ref.kind);
      })
      .catch((err: unknown) => err as Error),
  );

const dataset: Resolver<EventModel> = async (e, _, { clients }) => {
  const m = DATASET_ARN.exec(e.datasetTargetDetails?.datasetIdentifier ?? '');
  if (!m) return null;
  const out = await clients.supplyChain.send(
    new GetDataLakeDatasetCommand({ instanceId: m[1]!, namespace: m[2]!, name: m[3]! }),
  );
  return out.dataset;
};

const instance: Resolver<EventModel> = async (e, _, { clients }) =>
  (await clients.supplyChain.send(new GetInstanceCommand({ instanceId: e.instanceId! }))).instance;

const flow: Resolver<FlowExecutionModel> = async (x, _, { clients }) =>
  (
    await clients.supplyChain.send(
      new GetDataIntegrationFlowCommand({ instanceId: x.instanceId!, name: x.flowName! }),
    )
  ).flow;

const dataSource: Resolver<DataSourceRunModel> = async (r, _, { clients }) =>
  stripMetadata(
    await clients.dataZone.send(
      new GetDataSourceCommand({ domainIdentifier: r.domainId!, identifier: r.dataSourceId! }),
    ),
  );

/** Loadgraph's field resolvers with the reading ones replaced by direct client calls. */
function naiveResolvers(): Record<string, object> {
  // The reused resolvers never touch the context (only the replaced reading ones do).
  const shared = resolvers as Record<string, object>;
  return {
    ...shared,
    Query: { loads },
    Mutation: {},
    DataIntegrationEvent: { ...shared.DataIntegrationEvent, dataset, instance },
    FlowExecution: { ...shared.FlowExecution, flow },
    DataSourceRun: { ...shared.DataSourceRun, dataSource },
  };
}

/** Starts the naive server and its emulator (seed 1, frozen clock) on free loopback ports. */
export async function startNaiveServer(): Promise<RunningServer> {
  const emulator = await startEmulator({ port: 0, seed: 1, clockSpeed: 0 });
  const config = loadConfig({ LOADGRAPH_EMULATOR: '1', NODE_ENV: 'production', LOG_LEVEL: 'silent' });
  const clients = createUpstreamClients({
    aws: { ...config.aws, supplyChainEndpoint: emulator.endpoint, dataZoneEndpoint: emulator.endpoint },
    credentials: EMULATOR_CREDENTIALS,
  });
  const schema = buildSubgraphSchema({
    typeDefs: parse(loadTypeDefs()),
    resolvers: naiveResolvers() as never,
  });
  const apollo = new ApolloServer<NaiveContext>({ schema, introspection: false });
  const { url } = await startStandaloneServer(apollo, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async () => ({ clients }),
  });
  return {
    url,
    emulator: emulator.endpoint,
    async stop() {
      await apollo.stop();
      clients.destroy();
      await emulator.close();
    },
  };
}
