/**
 * The process entry: parses the command line, reads the config, hands it to the composition root
 * (app.ts), and owns the process: its signals, its exit code, and what it writes outside the logger.
 *
 *   npm start                 the gateway (on the embedded emulator unless AWS is chosen explicitly)
 *   npm run emulator          the emulator alone
 *   node dist/main.js [emulator]   the same, from the production build
 *   ... --help                every setting with its default
 */
import { ConfigError, readConfig, settingsHelp, type Config } from './config.js';
import type { WorldSummary } from './emulator/world/index.js';
import { createLogger, routeProcessOutput, type AppLogger } from './server/logger.js';

const USAGE = `Usage: npm start [-- --help]         run the Loadgraph gateway (development)
       npm run emulator [-- --help]  run the AWS Supply Chain + DataZone emulator alone
       node dist/main.js [emulator]  the same from the production build (npm run build)

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
  processLogger = logger;
  jsonOnly = config.nodeEnv === 'production';
  // Node's warnings (the AWS SDK's Node version notice among them) and libraries' console output go
  // through the logger, so every line the process writes is one JSON object.
  routeProcessOutput(logger);
  const development = config.nodeEnv === 'development';
  const { startApp, startStandaloneEmulator } = await import('./app.js');
  if (argv[0] === 'emulator') {
    const { emulator, stop } = await startStandaloneEmulator({ config, logger });
    if (!jsonOnly) process.stdout.write(`${emulator.endpoint}\n`);
    onSignal(stop, config, logger);
    return;
  }
  const app = await startApp({ config, logger });
  // The URLs a script reads, one per line (in production, only JSON lines: they are in the log).
  if (!jsonOnly) {
    process.stdout.write(`${app.url}\n`);
    if (app.emulatorEndpoint) process.stdout.write(`${app.emulatorEndpoint}\n`);
  }
  if (development && app.emulator)
    process.stderr.write(firstQuery(app.url, app.emulator.world.summary(), config.emulator.clockSpeed));
  onSignal(() => app.stop(), config, logger);
}

/** A first query to paste, with ids from the emulator's demo world (development only). */
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
 * SIGTERM / SIGINT: one graceful stop, then exit 0 (1 if the stop failed). The stop is bounded: past
 * SHUTDOWN_GRACE_MS plus a second for closing, the process exits 1. A repeated signal does not cut the
 * stop short: a terminal's Ctrl-C reaches both `npm start` and the gateway, and npm forwards it again.
 */
function onSignal(stop: () => Promise<void>, config: Config, logger: AppLogger): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.info(
        { signal },
        `${signal} again: already stopping (at most SHUTDOWN_GRACE_MS=${config.shutdownGraceMs})`,
      );
      return;
    }
    stopping = true;
    logger.info({ signal }, `${signal}: stopping gracefully`);
    setTimeout(() => {
      logger.error(`still stopping after SHUTDOWN_GRACE_MS=${config.shutdownGraceMs} and 1 s: exiting`);
      process.exit(1);
    }, config.shutdownGraceMs + 1_000).unref();
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'stop failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}

const argv0 = process.argv[2];
let configuredEmulatorPort: number | undefined;
/** Set once the config is read: start failures are then logged like every other line. */
let processLogger: AppLogger | undefined;
let jsonOnly = false;

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof ConfigError) {
    if (err.json)
      process.stderr.write(
        `${JSON.stringify({ level: 60, time: Date.now(), msg: err.message, problems: err.problems })}\n`,
      );
    else process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const e = err as NodeJS.ErrnoException & { port?: number };
  let message = `loadgraph failed to start: ${err instanceof Error ? err.message : String(err)}`;
  if (e?.code === 'EADDRINUSE') {
    const setting = argv0 === 'emulator' || e.port === configuredEmulatorPort ? 'EMULATOR_PORT' : 'PORT';
    message = `loadgraph failed to start: port ${e.port} is already in use. Stop what uses it, or set ${setting} to another port (0 picks a free one).`;
  }
  if (processLogger && jsonOnly) processLogger.fatal(message);
  else process.stderr.write(`${message}\n`);
  process.exit(1);
});
