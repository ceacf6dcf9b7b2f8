/**
 * A small harness for the emulator's end-to-end tests: starts the real emulator on port 0 with a frozen
 * clock, builds the real AWS clients against it, and drives the control API over HTTP (never the
 * emulator's internals), so a test sees exactly what a consumer of the emulator sees.
 *
 * Also: raw requests signed with SigV4 (the emulator verifies signatures as AWS does) for wire-level
 * checks, and a disposer list so every resource a suite opens is closed in `afterAll`.
 */
import { randomUUID } from 'node:crypto';
import { Sha256 } from '@aws-crypto/sha256-js';
import { DataZoneClient } from '@aws-sdk/client-datazone';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { DEFAULT_EMULATOR_CREDENTIALS, startEmulator } from '../../src/emulator/server.js';
import type { Timing, WorldSummary } from '../../src/emulator/world/index.js';
import { SupplyChainClient } from '../../src/upstream/supplychain/index.js';

export const REGION = 'us-east-1';
/** An RFC 3339 date-time as restJson1 sends `date-time` timestamps. */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** The documented key pair the emulator accepts by default. */
export const credentials = { ...DEFAULT_EMULATOR_CREDENTIALS };

/** A fault as the control API takes it (`POST /_emulator/faults`). */
export interface FaultInput {
  readonly operation?: string;
  readonly kind: 'throttle' | 'error' | 'latency' | 'drop';
  readonly count?: number;
  readonly percent?: number;
  readonly status?: 500 | 502 | 503 | 504;
  readonly latencyMs?: number;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON, or `undefined` when it is not JSON. */
  readonly json: any;
}

export interface ControlApi {
  /** Calls per AWS operation since the last reset (`GET /_emulator/calls`). */
  calls(): Promise<Record<string, number>>;
  resetCalls(): Promise<void>;
  /** Moves simulated time forward; resolves to the new simulated now, epoch ms. */
  advance(ms: number): Promise<number>;
  /** Simulated now, epoch ms. */
  now(): Promise<number>;
  addFault(spec: FaultInput): Promise<{ id: number }>;
  clearFaults(): Promise<void>;
  /** A new world from `seed` (default: the one the emulator started with); clears calls and faults. */
  reset(seed?: number): Promise<WorldSummary>;
  /** The current world summary (`GET /_emulator/world`). */
  world(): Promise<WorldSummary>;
  /** Any control route, raw, for tests of the control API's own errors. */
  request(method: string, path: string, body?: unknown): Promise<RawResponse>;
}

export interface ClientOptions {
  /** Attempts per call including the first; the backoff is 1 ms. Default 3. */
  readonly maxAttempts?: number;
}

export interface TestEmulator {
  readonly endpoint: string;
  readonly supplyChain: SupplyChainClient;
  readonly dataZone: DataZoneClient;
  /** The world summary, as served when the emulator started or was last reset through `control`. */
  readonly world: WorldSummary;
  readonly control: ControlApi;
  /** Extra clients (closed with the emulator), e.g. with another retry budget. */
  clients(options?: ClientOptions): { supplyChain: SupplyChainClient; dataZone: DataZoneClient };
  close(): Promise<void>;
}

export interface TestEmulatorOptions {
  /** Seed of the world and of percentage faults. Default 42. */
  readonly seed?: number;
  readonly timing?: Partial<Timing>;
  /** For the default clients. Default 3. */
  readonly maxAttempts?: number;
}

async function readResponse(res: Response): Promise<RawResponse> {
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** Starts the emulator with a frozen clock (only `control.advance` moves time) and real clients. */
export async function startTestEmulator(options: TestEmulatorOptions = {}): Promise<TestEmulator> {
  const { seed = 42, timing, maxAttempts = 3 } = options;
  const emulator = await startEmulator({ port: 0, seed, clockSpeed: 0, ...(timing ? { timing } : {}) });
  const { endpoint } = emulator;
  const opened: { destroy(): void }[] = [];

  const controlRequest = async (method: string, path: string, body?: unknown): Promise<RawResponse> =>
    readResponse(
      await fetch(`${endpoint}${path}`, {
        method,
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      }),
    );
  const ok = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await controlRequest(method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${res.text}`);
    return res.json;
  };

  const clients = ({ maxAttempts: attempts = maxAttempts }: ClientOptions = {}) => {
    const config = {
      region: REGION,
      endpoint,
      credentials,
      retryStrategy: new ConfiguredRetryStrategy(attempts, 1),
    };
    const supplyChain = new SupplyChainClient(config);
    const dataZone = new DataZoneClient(config);
    opened.push(supplyChain, dataZone);
    return { supplyChain, dataZone };
  };

  let world: WorldSummary = await ok('GET', '/_emulator/world');
  const control: ControlApi = {
    calls: () => ok('GET', '/_emulator/calls'),
    resetCalls: async () => void (await ok('DELETE', '/_emulator/calls')),
    advance: async (ms) => (await ok('POST', '/_emulator/clock', { advanceMs: ms })).nowMs,
    now: async () => (await ok('GET', '/_emulator/clock')).nowMs,
    addFault: (spec) => ok('POST', '/_emulator/faults', spec),
    clearFaults: async () => void (await ok('DELETE', '/_emulator/faults')),
    reset: async (next) => {
      world = (await ok('POST', '/_emulator/reset', next === undefined ? {} : { seed: next })).world;
      return world;
    },
    world: () => ok('GET', '/_emulator/world'),
    request: controlRequest,
  };
  const defaults = clients();
  return {
    endpoint,
    supplyChain: defaults.supplyChain,
    dataZone: defaults.dataZone,
    get world() {
      return world;
    },
    control,
    clients,
    async close() {
      for (const client of opened) client.destroy();
      await emulator.close();
    },
  };
}

/** Resources to close after a suite: `afterAll(() => disposers.dispose())`, last opened closed first. */
export function createDisposers() {
  const closers: (() => Promise<void> | void)[] = [];
  return {
    track<T extends { close(): Promise<void> | void }>(resource: T): T {
      closers.push(() => resource.close());
      return resource;
    },
    async dispose(): Promise<void> {
      for (const close of closers.splice(0).reverse()) await close();
    },
  };
}

/**
 * Signs one request with SigV4 as the AWS SDK does (`@smithy/signature-v4`): `service` is the signing
 * name (`scn` or `datazone`). Returns the headers to send, the signed ones included.
 */
export async function signRequest(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  service: string,
  options: {
    region?: string;
    credentials?: typeof credentials;
    signingDate?: Date;
    /** Send (and sign) `x-amz-content-sha256`, as the JS SDK does. Default true; boto3 does not. */
    applyChecksum?: boolean;
  } = {},
): Promise<Record<string, string>> {
  const signer = new SignatureV4({
    service,
    region: options.region ?? REGION,
    credentials: options.credentials ?? credentials,
    sha256: Sha256,
    applyChecksum: options.applyChecksum ?? true,
  });
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const prior = query[key];
    query[key] = prior === undefined ? value : [...(Array.isArray(prior) ? prior : [prior]), value];
  }
  const signed = await signer.sign(
    new HttpRequest({
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: Number(url.port),
      path: url.pathname,
      query,
      headers: { host: url.host, ...headers },
      ...(body === undefined ? {} : { body }),
    }),
    options.signingDate ? { signingDate: options.signingDate } : {},
  );
  return signed.headers;
}

export interface RawRequest {
  readonly method: string;
  /** The path, labels already percent-encoded (see {@link expandUri}). */
  readonly path: string;
  readonly query?: Record<string, string | readonly string[]>;
  /** A JSON value (stringified) or a raw string. */
  readonly body?: unknown;
  /** The SigV4 signing name to sign for; `null` sends no Authorization at all. */
  readonly signAs: string | null;
  readonly headers?: Record<string, string>;
}

/** One HTTP request to the emulator, outside any AWS client. */
export async function rawRequest(endpoint: string, req: RawRequest): Promise<RawResponse> {
  // Percent-encoded as the SDKs send it (a blank is %20, never `+`).
  const qs = Object.entries(req.query ?? {})
    .flatMap(([key, value]) =>
      (typeof value === 'string' ? [value] : value).map(
        (v) => `${encodeURIComponent(key)}=${encodeURIComponent(v)}`,
      ),
    )
    .join('&');
  const body =
    req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
  const url = new URL(`${endpoint}${req.path}${qs ? `?${qs}` : ''}`);
  const headers = { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...req.headers };
  const res = await fetch(url, {
    method: req.method,
    headers: req.signAs === null ? headers : await signRequest(url, req.method, headers, body, req.signAs),
    ...(body === undefined ? {} : { body }),
  });
  return readResponse(res);
}

/** Fills a URI template's `{labels}`, fully percent-encoded as restJson1 requires. */
export function expandUri(template: string, labels: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = labels[name];
    if (value === undefined) throw new Error(`no value for label ${name} of ${template}`);
    return encodeURIComponent(value);
  });
}

/** Every item of a paginator, with the number of pages it took. */
export async function collect<P, T>(
  pages: AsyncIterable<P>,
  itemsOf: (page: P) => readonly T[] | undefined,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let count = 0;
  for await (const page of pages) {
    count++;
    items.push(...(itemsOf(page) ?? []));
  }
  return { items, pages: count };
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

/** A random lowercase UUID v4 that names nothing in the world. */
export const unknownUuid = (): string => randomUUID();
