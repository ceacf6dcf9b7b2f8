/**
 * Child process entry: runs one server under test (see {@link HostSpec}, passed JSON-encoded as the only
 * argument) and talks to the orchestrator over IPC: `ready` with its URLs (again after a `restart`),
 * `usage` on request, and it stops on `stop` or when the orchestrator goes away. Must run with NODE_ENV=production: graphql-js
 * checks more (and runs slower) otherwise. Internal to the benchmarks.
 */
import { loadConfig } from '../src/config.js';
import { startApp } from '../src/app.js';
import { createLogger } from '../src/server/logger.js';
import { startFloorServer } from './floor.server.js';
import { startNaiveServer } from './naive.server.js';
import {
  readUsage,
  type HostReply,
  type HostRequest,
  type HostSpec,
  type RunningServer,
} from './protocol.js';

/** When the live hub found changes (wall-clock ms), since the orchestrator last asked. */
let changes: number[] = [];

/** Heap in use after a full collection (needs `--expose-gc`; without it, the heap as it is). */
function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

async function start(spec: HostSpec): Promise<RunningServer> {
  switch (spec.kind) {
    case 'loadgraph': {
      const config = loadConfig({
        PORT: '0',
        EMULATOR_PORT: '0',
        LOADGRAPH_EMULATOR: '1',
        EMULATOR_SEED: '1',
        EMULATOR_CLOCK_SPEED: '0',
        NODE_ENV: 'production',
        LOG_LEVEL: 'silent',
        // The load comes from one address, which the per-principal limits would (rightly) hold back.
        AUTH_RATE_LIMIT_PER_SECOND: '0',
        AUTH_WS_MAX_CONNECTIONS_PER_PRINCIPAL: '0',
        WS_MAX_SUBSCRIPTIONS: '100000',
        ...spec.env,
      });
      const gateway = await startApp({ config, logger: createLogger(config) });
      // The hub reports each change it finds to this histogram, right before publishing it.
      const pollLag = gateway.metrics.pollLag;
      const observe = pollLag.observe.bind(pollLag);
      pollLag.observe = ((...args: Parameters<typeof observe>) => {
        changes.push(performance.timeOrigin + performance.now());
        return observe(...args);
      }) as typeof pollLag.observe;
      return { url: gateway.url, emulator: gateway.emulatorEndpoint, stop: () => gateway.stop() };
    }
    case 'naive':
      return startNaiveServer();
    case 'floor':
      return startFloorServer(spec.answers);
  }
}

function reply(message: HostReply): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('host.ts runs as a child of bench/run.ts (it needs an IPC channel)');
  if (process.env.NODE_ENV !== 'production') throw new Error('host.ts needs NODE_ENV=production');
  const spec = JSON.parse(process.argv[2] ?? 'null') as HostSpec;
  let server = await start(spec);
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  const restart = async (): Promise<void> => {
    await server.stop();
    server = await start(spec);
    reply({ type: 'ready', url: server.url, emulator: server.emulator });
  };
  process.on('message', (message: HostRequest) => {
    switch (message.type) {
      case 'usage':
        return reply({ type: 'usage', usage: readUsage() });
      case 'restart':
        return void restart().catch((err: unknown) => {
          reply({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
          process.exit(1);
        });
      case 'stop':
        return stop();
      case 'heap':
        return reply({ type: 'heap', heapUsedBytes: heapAfterGc() });
      case 'changes': {
        const atMs = changes;
        changes = [];
        return reply({ type: 'changes', atMs });
      }
    }
  });
  process.on('disconnect', stop);
  reply({ type: 'ready', url: server.url, emulator: server.emulator });
}

main().catch((err: unknown) => {
  reply({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exitCode = 1;
  process.disconnect?.();
});
