/**
 * The process entry: reads the config, starts the emulator if asked, starts the gateway. Nothing else.
 *
 *   npm start            the gateway (on the embedded emulator when no AWS setting is given)
 *   npm run emulator     the emulator alone
 *   ... --help           every setting with its default
 */
import { ConfigError, readConfig, settingsHelp } from './config.js';
import { startEmulator } from './emulator/server.js';
import type { WorldSummary } from './emulator/world/index.js';
import { createLogger } from './server/logger.js';

const USAGE = `Usage: npm start [-- --help]         run the Loadgraph gateway
       npm run emulator [-- --help]  run the AWS Supply Chain + DataZone emulator alone

Settings (environment variables):
${settingsHelp()}
`;

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  const config = readConfig();
  configuredEmulatorPort = config.emulator.port;
  const logger = createLogger(config);
  if (argv[0] === 'emulator') {
    const emulator = await startEmulator({
      port: config.emulator.port,
      seed: config.emulator.seed,
      clockSpeed: config.emulator.clockSpeed,
      logger,
    });
    process.stdout.write(`${emulator.endpoint}\n`);
    logger.info(
      `emulator listening at ${emulator.endpoint} (control API at ${emulator.endpoint}/_emulator/world)`,
    );
    onSignal(() => emulator.close(), config.shutdownGraceMs);
    return;
  }
  const { startGateway } = await import('./server/gateway.js');
  const gateway = await startGateway({ config, logger });
  process.stdout.write(`${gateway.url}\n`);
  if (gateway.emulatorEndpoint) process.stdout.write(`${gateway.emulatorEndpoint}\n`);
  if (gateway.emulator)
    process.stderr.write(
      firstQuery(gateway.url, gateway.emulator.world.summary(), config.emulator.clockSpeed),
    );
  onSignal(() => gateway.stop(), config.shutdownGraceMs);
}

/** A first query to paste, with ids from the emulator's demo world. */
function firstQuery(url: string, world: WorldSummary, speed: number): string {
  const instanceId = world.supplychain.instances[0]?.instanceId ?? '<instanceId>';
  const query = `{ dataIntegrationEvents(instanceId: "${instanceId}", first: 5) { nodes { id eventType status terminal startedAt dataset { name } } } }`;
  return [
    '',
    `Loadgraph is running on the embedded AWS emulator, at ${speed}x AWS's pace (EMULATOR_CLOCK_SPEED).`,
    `Open ${new URL('/', url).href} for the live board of loads, ${url} for the GraphQL IDE, or paste:`,
    '',
    `  curl -s ${url} -H 'content-type: application/json' \\`,
    `    --data '${JSON.stringify({ query })}'`,
    '',
  ].join('\n');
}

/**
 * SIGTERM / SIGINT: a graceful stop, bounded by the grace period (plus a second for closing); a second
 * signal exits at once.
 */
function onSignal(stop: () => Promise<void>, graceMs: number): void {
  let stopping = false;
  const handler = (): void => {
    if (stopping) process.exit(1);
    stopping = true;
    setTimeout(() => process.exit(1), graceMs + 1_000).unref();
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

const argv0 = process.argv[2];
let configuredEmulatorPort: number | undefined;

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const e = err as NodeJS.ErrnoException & { port?: number };
  if (e?.code === 'EADDRINUSE') {
    const setting = argv0 === 'emulator' || e.port === configuredEmulatorPort ? 'EMULATOR_PORT' : 'PORT';
    process.stderr.write(
      `loadgraph failed to start: port ${e.port} is already in use. Stop what uses it, or set ${setting} to another port (0 picks a free one).\n`,
    );
    process.exit(1);
  }
  process.stderr.write(`loadgraph failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
