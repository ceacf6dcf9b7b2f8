/**
 * The emulator's HTTP server: AWS Supply Chain and Amazon DataZone on one loopback port (their paths do
 * not overlap: `/api/`, `/api-data/` and `/v2/`), plus the control API under `/_emulator/`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClock } from './clock.js';
import { handleControl } from './control.js';
import { FAULT_ERROR_NAMES, FaultInjector } from './faults.js';
import { SmithyModel } from './protocol/model.js';
import { RestJsonService, errorResponse, type WireResponse } from './protocol/restJson.js';
import { DEFAULT_EMULATOR_CREDENTIALS, verifySigV4, type SigV4Verifier } from './protocol/sigv4.js';
import { createDataZoneHandlers } from './services/datazone.js';
import { createSupplyChainHandlers } from './services/supplychain.js';
import type { ListOrder } from './services/pagination.js';

export { LIST_ORDERS, type ListOrder } from './services/pagination.js';
import type { Clock } from './types.js';
import { createWorld, DEFAULT_REGION, type Timing, type World } from './world/index.js';

/** The subset of a logger the emulator writes to (Apollo's logger shape). */
export interface EmulatorLogger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** How the emulator is started; every field is optional, with the defaults given per field. */
export interface EmulatorOptions {
  /** Port to listen on; `0` (the default) picks a free one. */
  readonly port?: number;
  /** Address to bind. Default `127.0.0.1`: the emulator is for loopback use only. */
  readonly host?: string;
  /** Seed of the demo world and of fault percentages. Default 1. */
  readonly seed?: number;
  /** Simulated ms per real ms. Default 1. */
  readonly clockSpeed?: number;
  /** Simulated time at start, epoch ms. Default: the real now. */
  readonly startMs?: number;
  /** Durations and outcome ratios of simulated loads. */
  readonly timing?: Partial<Timing>;
  /** The order lists of loads are answered in (AWS documents none). Default `newest`. */
  readonly listOrder?: ListOrder;
  /** Largest request body accepted, bytes (413 beyond). Default 10 MiB, API Gateway's limit. */
  readonly maxBodyBytes?: number;
  /**
   * Largest request line plus headers, bytes. Default 256 KiB: room for the longest `nextToken` the
   * models allow (65,535 characters, percent-encoded), so an over-long one is read and answered with a
   * ValidationException rather than cut off by Node's 16 KiB default.
   */
  readonly maxHeaderBytes?: number;
  /**
   * The key pairs whose signatures are accepted. Default: the documented emulator pair
   * ({@link DEFAULT_EMULATOR_CREDENTIALS}).
   */
  readonly credentials?: readonly EmulatorCredentials[];
  /** The one region served: requests must be signed for it, and ARNs carry it. Default `us-east-1`. */
  readonly region?: string;
  readonly logger?: EmulatorLogger;
}

/** An AWS key pair the emulator accepts; requests must be SigV4-signed with one of them. */
export interface EmulatorCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export { DEFAULT_EMULATOR_CREDENTIALS };

/**
 * A listening emulator. `close` stops listening, drops open connections, and resolves once the server has
 * closed.
 */
export interface RunningEmulator {
  /** Base URL to give an AWS SDK as `endpoint`, e.g. `http://127.0.0.1:4566`. */
  readonly endpoint: string;
  readonly port: number;
  readonly clock: Clock;
  /** The current world (replaced by a reset). */
  readonly world: World;
  close(): Promise<void>;
}

const noopLogger: EmulatorLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Mutable state of one emulator, shared with the control API. Internal. */
export interface EmulatorState {
  /** The seed of the current world. */
  seed: number;
  /** The seed the emulator started with: what a reset without a seed goes back to. */
  readonly initialSeed: number;
  world: World;
  services: RestJsonService[];
  readonly clock: Clock;
  readonly faults: FaultInjector;
  readonly calls: Map<string, number>;
  readonly timing: Partial<Timing> | undefined;
  readonly sigv4: SigV4Verifier;
  reset(seed?: number): void;
}

const models = { supplychain: SmithyModel.load('supplychain'), datazone: SmithyModel.load('datazone') };

function buildServices(world: World, listOrder: ListOrder): RestJsonService[] {
  return [
    new RestJsonService(models.supplychain, createSupplyChainHandlers(world, listOrder)),
    new RestJsonService(models.datazone, createDataZoneHandlers(world, listOrder)),
  ];
}

/**
 * Starts the emulator (both services, the control API) on `host`:`port` with a world seeded from `seed`,
 * and resolves once it listens; rejects when it cannot bind. Requests without a valid signature of one of
 * `credentials` get AWS's signature errors.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const {
    port = 0,
    host = '127.0.0.1',
    seed = 1,
    clockSpeed = 1,
    startMs,
    timing,
    maxBodyBytes = 10 * 1024 * 1024,
    maxHeaderBytes = 256 * 1024,
    credentials = [DEFAULT_EMULATOR_CREDENTIALS],
    region = DEFAULT_REGION,
    listOrder = 'newest',
  } = options;
  const logger = options.logger ?? noopLogger;
  const clock = createClock({ speed: clockSpeed, ...(startMs !== undefined ? { startMs } : {}) });
  // Every id handed out at run time, across resets: AWS never reuses one, so a new world never does.
  const issuedIds = new Set<string>();
  let generation = 0;
  const newWorld = (worldSeed: number): World =>
    createWorld({ seed: worldSeed, clock, region, generation, issuedIds, ...(timing ? { timing } : {}) });
  const world = newWorld(seed);
  const state: EmulatorState = {
    seed,
    initialSeed: seed,
    world,
    services: buildServices(world, listOrder),
    clock,
    faults: new FaultInjector(seed),
    calls: new Map(),
    timing,
    sigv4: { secrets: new Map(credentials.map((c) => [c.accessKeyId, c.secretAccessKey])), region },
    reset(next = state.initialSeed) {
      state.seed = next;
      generation++;
      state.world = newWorld(next);
      state.services = buildServices(state.world, listOrder);
      state.faults.clear(next);
      state.calls.clear();
    },
  };

  const server = createServer({ maxHeaderSize: maxHeaderBytes }, (req, res) => {
    void serve(state, req, res, maxBodyBytes, logger).catch((err: unknown) => {
      logger.error(
        `emulator: ${req.method} ${req.url} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      if (!res.headersSent)
        send(res, errorResponse('InternalServerException', 500, 'Internal server error', randomUUID()));
      else res.destroy();
    });
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (err.code !== 'HPE_HEADER_OVERFLOW' || !socket.writable) {
      // Node's own answer: a bare 400 for what it cannot parse, nothing for a reset connection.
      if (socket.writable && err.code?.startsWith('HPE_'))
        socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
      else socket.destroy();
      return;
    }
    // Beyond even the raised limit: answer in AWS's error encoding rather than Node's bare 431.
    const reply = errorResponse(
      'RequestHeaderSectionTooLarge',
      431,
      `The request line and headers exceed ${maxHeaderBytes} bytes`,
      randomUUID(),
    );
    const head = Object.entries({ ...reply.headers, 'content-length': String(Buffer.byteLength(reply.body)) })
      .map(([name, value]) => `${name}: ${value}\r\n`)
      .join('');
    socket.end(
      `HTTP/1.1 431 Request Header Fields Too Large\r\n${head}connection: close\r\n\r\n${reply.body}`,
    );
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  return {
    endpoint,
    port: address.port,
    clock,
    get world() {
      return state.world;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function send(res: ServerResponse, reply: WireResponse): void {
  res.writeHead(reply.status, { ...reply.headers, 'content-length': Buffer.byteLength(reply.body) });
  res.end(reply.body);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return 'too-large';
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

async function serve(
  state: EmulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  maxBodyBytes: number,
  logger: EmulatorLogger,
): Promise<void> {
  const requestId = randomUUID();
  const url = new URL(req.url ?? '/', 'http://emulator');
  const method = req.method ?? 'GET';
  const path = (req.url ?? '/').split('?')[0]!;
  const body = await readBody(req, maxBodyBytes);
  if (body === 'too-large') {
    send(
      res,
      errorResponse(
        'RequestEntityTooLargeException',
        413,
        `Request body exceeds ${maxBodyBytes} bytes`,
        requestId,
      ),
    );
    return;
  }
  if (path.startsWith('/_emulator/') || path === '/_emulator') {
    send(res, handleControl(state, method, url, body));
    return;
  }
  for (const service of state.services) {
    const routed = service.model.route(method, path);
    if (routed === 'path') continue;
    const auth = verifySigV4(
      { method, target: req.url ?? '/', headers: req.headers, rawHeaders: req.rawHeaders, body },
      service.model.signingName,
      state.sigv4,
    );
    if (!auth.ok) {
      send(res, errorResponse(auth.name, auth.status, auth.message, requestId));
      return;
    }
    if (routed === 'method') {
      send(
        res,
        errorResponse('UnknownOperationException', 404, `No operation matches ${method} ${path}`, requestId),
      );
      return;
    }
    const { op, labels } = routed;
    state.calls.set(op.name, (state.calls.get(op.name) ?? 0) + 1);
    const decision = state.faults.decide(op.name);
    if (decision.latencyMs > 0) await sleep(decision.latencyMs);
    switch (decision.failure?.kind) {
      case 'drop':
        logger.debug(`emulator: dropping ${op.name}`);
        req.socket.destroy();
        return;
      case 'throttle':
        send(res, service.error('ThrottlingException', 'Rate exceeded', requestId));
        return;
      case 'error': {
        const status = decision.failure.status;
        const name = FAULT_ERROR_NAMES[status];
        send(
          res,
          errorResponse(
            name,
            status,
            status === 500 ? 'Internal server error' : 'Service unavailable, try again',
            requestId,
          ),
        );
        return;
      }
      case undefined:
        break;
    }
    send(
      res,
      service.handle(
        op,
        labels,
        { method, path, query: url.searchParams, headers: req.headers, body },
        {
          service: service.model.service,
          operation: op.name,
          requestId,
          accountId: state.world.accountId,
          region: auth.scope.region,
        },
      ),
    );
    return;
  }
  send(
    res,
    errorResponse('UnknownOperationException', 404, `No operation matches ${method} ${path}`, requestId),
  );
}
