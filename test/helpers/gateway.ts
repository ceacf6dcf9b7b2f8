/**
 * Starts a real gateway (with its embedded emulator, frozen clock) on free ports for a test file, and
 * gives the test a GraphQL client over real HTTP and the emulator's control API.
 */
import { pino } from 'pino';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startApp, type RunningApp } from '../../src/app.js';
import type { AppLogger } from '../../src/server/logger.js';

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

export interface TestGateway {
  readonly gateway: RunningApp;
  readonly url: string;
  readonly emulator: string;
  /** POSTs a GraphQL operation; never throws on GraphQL errors. */
  query<T = any>(query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** POSTs a GraphQL operation, expects it to have no errors, and returns its `data`. */
  data<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
  world(): Promise<any>;
  calls(): Promise<Record<string, number>>;
  resetCalls(): Promise<void>;
  advance(ms: number): Promise<void>;
  addFault(spec: Record<string, unknown>): Promise<void>;
  clearFaults(): Promise<void>;
  stop(): Promise<void>;
}

/** `env` overrides settings (e.g. `{ TERMINAL_CACHE_MAX: '0' }`); `logger` receives the gateway's log (silent by default). */
export async function startTestGateway(
  env: Record<string, string> = {},
  { logger = pino({ level: 'silent' }) }: { logger?: AppLogger } = {},
): Promise<TestGateway> {
  const config = loadConfig({
    PORT: '0',
    EMULATOR_PORT: '0',
    LOADGRAPH_EMULATOR: '1',
    EMULATOR_CLOCK_SPEED: '0',
    UPSTREAM_MAX_ATTEMPTS: '1',
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    // Suites send bursts of requests from one address; the rate-limit tests turn it back on.
    AUTH_RATE_LIMIT_PER_SECOND: '0',
    ...env,
  });
  const gateway = await startApp({ config, logger });
  return testGatewayFor(gateway, gateway.emulatorEndpoint!);
}

/** The test client of a running gateway whose upstream is the emulator at `emulator`. */
export function testGatewayFor(gateway: RunningApp, emulator: string): TestGateway {
  const control = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${emulator}/_emulator/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`control ${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const query = async (query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> => {
    const res = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
    return { status: res.status, ...((await res.json()) as object) };
  };
  return {
    gateway,
    url: gateway.url,
    emulator,
    query,
    async data(text, variables) {
      const res = await query(text, variables);
      expect(res.errors ?? []).toEqual([]);
      return res.data;
    },
    world: () => control('GET', 'world'),
    calls: () => control('GET', 'calls'),
    resetCalls: async () => void (await control('DELETE', 'calls')),
    advance: async (ms) => void (await control('POST', 'clock', { advanceMs: ms })),
    addFault: async (spec) => void (await control('POST', 'faults', spec)),
    clearFaults: async () => void (await control('DELETE', 'faults')),
    stop: () => gateway.stop(),
  };
}
