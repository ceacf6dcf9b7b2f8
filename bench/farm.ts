/**
 * Child process entry: the WebSocket client farm. Opens many real `graphql-transport-ws` connections to
 * the gateway (plain `ws` sockets speaking the protocol, so the farm's own cost per message stays small),
 * starts subscriptions on them, and records the arrival time of every `next` (wall clock, ms with
 * sub-millisecond resolution, comparable across processes of one machine). Driven by the orchestrator
 * over IPC, one request at a time. Internal to the benchmarks.
 */
import WebSocket from 'ws';
import type { FarmReply, FarmRequest } from './protocol.js';

const wallMs = (): number => performance.timeOrigin + performance.now();

interface Subscription {
  readonly id: string;
  /** Arrival time of each `next`, in order. */
  readonly arrivals: number[];
  errors: number;
  completed: boolean;
}

let sockets: WebSocket[] = [];
let subscriptions = new Map<string, Subscription>();
let nextId = 0;
/** Called after every message, to let a waiting request check its condition. */
let onProgress: (() => void) | undefined;
/**
 * Results per subscription a waiting request wants, and how many subscriptions have that many: counted as
 * messages arrive, so a check costs O(1) however many subscriptions there are (a scan per message would
 * cost the farm O(K²) and delay the arrival times it records).
 */
let wanted = 0;
let reached = 0;

/** Starts counting subscriptions with at least `count` results. */
function want(count: number): void {
  wanted = count;
  reached = [...subscriptions.values()].filter((s) => s.arrivals.length >= count).length;
}

function open(url: string | readonly string[], count: number): Promise<void> {
  const wsUrls = (typeof url === 'string' ? [url] : url).map((u) => u.replace(/^http/, 'ws'));
  const one = (wsUrl: string): Promise<WebSocket> =>
    new Promise((resolve, reject) => {
      const socket = new WebSocket(wsUrl, 'graphql-transport-ws', { perMessageDeflate: false });
      socket.once('error', reject);
      socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
      socket.on('message', (raw: Buffer) => {
        const arrivedAt = wallMs();
        const message = JSON.parse(raw.toString('utf8')) as { type: string; id?: string; payload?: any };
        switch (message.type) {
          case 'connection_ack':
            socket.off('error', reject);
            socket.on('error', () => {});
            resolve(socket);
            return;
          case 'ping':
            socket.send(JSON.stringify({ type: 'pong' }));
            return;
          case 'next': {
            const s = subscriptions.get(message.id!);
            if (!s) return;
            s.arrivals.push(arrivedAt);
            if (message.payload?.errors) s.errors++;
            if (s.arrivals.length === wanted) reached++;
            break;
          }
          case 'error':
          case 'complete': {
            const s = subscriptions.get(message.id!);
            if (!s) return;
            if (message.type === 'error') s.errors++;
            s.completed = true;
            break;
          }
        }
        onProgress?.();
      });
    });
  return (async () => {
    // In waves, so the server's accept queue is never the bottleneck being measured.
    for (let i = 0; i < count; i += 200) {
      const wave = await Promise.all(
        Array.from({ length: Math.min(200, count - i) }, (_, j) => one(wsUrls[(i + j) % wsUrls.length]!)),
      );
      sockets.push(...wave);
    }
  })();
}

/** Resolves when `done()` holds, checked after every message; rejects after `timeoutMs`. */
function until(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (done()) return resolve();
    const timer = setTimeout(() => {
      onProgress = undefined;
      reject(new Error(`farm: timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    onProgress = () => {
      if (!done()) return;
      clearTimeout(timer);
      onProgress = undefined;
      resolve();
    };
  });
}

async function handle(request: FarmRequest): Promise<FarmReply> {
  switch (request.type) {
    case 'connect':
      await open(request.url, request.connections);
      return { type: 'ok', value: sockets.length };
    case 'subscribe': {
      subscriptions = new Map();
      want(1);
      request.variables.forEach((variables, i) => {
        const id = `s${nextId++}`;
        subscriptions.set(id, { id, arrivals: [], errors: 0, completed: false });
        sockets[i % sockets.length]!.send(
          JSON.stringify({ id, type: 'subscribe', payload: { query: request.query, variables } }),
        );
      });
      const all = [...subscriptions.values()];
      await until(() => reached === all.length, request.timeoutMs, 'first results').catch((err: Error) => {
        throw new Error(`${err.message} (${reached} of ${all.length} have one)`);
      });
      // The next burst of arrivals starts with an empty young generation (see FARM_SEMI_SPACE_MB).
      (globalThis as { gc?: () => void }).gc?.();
      return { type: 'ok', value: all.length };
    }
    case 'await': {
      const all = [...subscriptions.values()];
      want(request.messages);
      await until(
        () => reached === all.length,
        request.timeoutMs,
        `${request.messages} results per subscription`,
      );
      return {
        type: 'arrivals',
        arrivals: all.map((s) => s.arrivals[request.messages - 1]!),
        errors: all.reduce((n, s) => n + s.errors, 0),
      };
    }
    case 'unsubscribe': {
      for (const [i, s] of [...subscriptions.values()].entries()) {
        if (!s.completed) sockets[i % sockets.length]!.send(JSON.stringify({ id: s.id, type: 'complete' }));
      }
      subscriptions = new Map();
      return { type: 'ok', value: 0 };
    }
    case 'close': {
      await Promise.all(
        sockets.map(
          (socket) =>
            new Promise<void>((resolve) => {
              if (socket.readyState === WebSocket.CLOSED) return resolve();
              socket.once('close', () => resolve());
              socket.close(1000);
            }),
        ),
      );
      sockets = [];
      return { type: 'ok', value: 0 };
    }
    case 'stop':
      process.exit(0);
  }
}

if (!process.send) throw new Error('farm.ts runs as a child of bench/run.ts (it needs an IPC channel)');
process.on('message', (request: FarmRequest) => {
  handle(request).then(
    (reply) => process.send?.(reply),
    (err: unknown) =>
      process.send?.({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send({ type: 'ready' } satisfies FarmReply);
