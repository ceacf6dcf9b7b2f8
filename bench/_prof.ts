import { writeFileSync } from 'node:fs';
import { loadConfig } from '../src/config.js';
import { startGateway } from '../src/server/gateway.js';
import { createLogger } from '../src/server/logger.js';
import { findBenchLoads, LOADS_QUERY, requestBody } from './queries.js';
const config = loadConfig({
  PORT: '0',
  EMULATOR_PORT: '0',
  LOADGRAPH_EMULATOR: '1',
  EMULATOR_CLOCK_SPEED: '0',
  NODE_ENV: 'production',
  LOG_LEVEL: 'silent',
  ...JSON.parse(process.argv[2] ?? '{}'),
});
const gw = await startGateway({ config, logger: createLogger(config) });
const loads = await findBenchLoads(gw.url, gw.emulatorEndpoint!);
writeFileSync('/tmp/prof-body-1.json', requestBody(LOADS_QUERY, { ids: [loads.single] }));
writeFileSync('/tmp/prof-body-50.json', requestBody(LOADS_QUERY, { ids: loads.fifty }));
writeFileSync('/tmp/prof-url', gw.url);
process.on('SIGINT', () => {
  gw.stop().then(() => process.exit(0));
});
