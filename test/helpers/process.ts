/**
 * Runs the gateway as an operator does: a real child process (`node dist/main.js`, `npm start`), with an
 * environment that is not vitest's (no NODE_ENV=test, which changes what libraries do at run time), and
 * gives the test its output lines, its URLs, the emulator's control API, and a graceful-stop probe that
 * checks what SIGTERM must do: finish an in-flight request, close WebSocket clients with 1001, exit 0.
 */
import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface GatewayProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Every line written so far, per stream. */
  readonly lines: { readonly stdout: string[]; readonly stderr: string[] };
  readonly url: string;
  readonly emulator: string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** Resolves with the first JSON line (on either stream) that `match` accepts, past or future. */
  line(match: (json: any) => boolean): Promise<any>;
  query(query: string, variables?: Record<string, unknown>): Promise<{ status: number; body: any }>;
  control(method: string, path: string, body?: unknown): Promise<any>;
}

/** The test runner's environment without what it adds (NODE_ENV=test, VITEST*) and without AWS settings. */
export function operatorEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) => name !== 'NODE_ENV' && !name.startsWith('VITEST') && !/^(AWS_|LOADGRAPH_)/.test(name),
    ),
  );
  return { ...clean, PORT: '0', EMULATOR_PORT: '0', ...env };
}

/**
 * Starts `command args` in `cwd` and waits until it serves: the URLs come from stdout (development) or
 * from the JSON log lines (production, where every line is JSON).
 */
export async function startProcess(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env: Record<string, string>; readonly startTimeoutMs?: number },
): Promise<GatewayProcess> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: operatorEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  const waiters = new Set<{ match: (json: any) => boolean; resolve: (json: any) => void }>();
  let url: string | undefined;
  let emulator: string | undefined;
  let ready: () => void = () => {};
  const serving = new Promise<void>((resolve) => (ready = resolve));
  const collect = (stream: NodeJS.ReadableStream, into: string[]): void => {
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const parts = (rest + String(chunk)).split('\n');
      rest = parts.pop()!;
      for (const line of parts) {
        into.push(line);
        const json = parseJson(line);
        for (const waiter of waiters) {
          if (json && waiter.match(json)) {
            waiters.delete(waiter);
            waiter.resolve(json);
          }
        }
        if (json?.msg === 'gateway listening') url = json.url;
        if (json?.msg === 'embedded emulator started') emulator = json.endpoint;
        if (!json && /^http:\/\/\S+\/graphql$/.test(line)) url = line;
        else if (!json && /^http:\/\/\S+$/.test(line)) emulator = line;
        if (url && emulator) ready();
      }
    });
    stream.on('end', () => rest && into.push(rest));
  };
  collect(child.stdout, lines.stdout);
  collect(child.stderr, lines.stderr);
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    serving.then(() => 'serving' as const),
    exited.then((code) => `exited with ${code}` as const),
    new Promise<string>(
      (resolve) => (timer = setTimeout(() => resolve(`not serving after ${timeoutMs} ms`), timeoutMs)),
    ),
  ]);
  clearTimeout(timer);
  if (outcome !== 'serving') {
    child.kill('SIGKILL');
    throw new Error(
      `${command} ${args.join(' ')}: ${outcome}\n${[...lines.stdout, ...lines.stderr].join('\n')}`,
    );
  }
  const control = async (method: string, path: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${emulator}/_emulator/${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!res.ok) throw new Error(`control ${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  return {
    child,
    lines,
    url: url!,
    emulator: emulator!,
    exited,
    control,
    line(match) {
      const seen = [...lines.stderr, ...lines.stdout].map(parseJson).find((json) => json && match(json));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.add({ match, resolve }));
    },
    async query(query, variables) {
      const res = await fetch(url!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
      });
      return { status: res.status, body: await res.json() };
    },
  };
}

/** The line as a JSON object, or undefined when it is not one. */
export function parseJson(line: string): any {
  try {
    const value = JSON.parse(line);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The pids of `pid`'s children. */
export function childPids(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .map((s) => Number(s.trim()))
      .filter((n) => n > 0);
  } catch {
    return [];
  }
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface GracefulStop {
  /** The in-flight mutation's response, which must arrive whole. */
  readonly inFlight: { status: number; body: any };
  /** The close code the WebSocket client saw. */
  readonly closeCode: number;
  /** How the process (the one signalled) exited. */
  readonly exit: number | string;
}

/**
 * Puts a mutation in flight (behind `latencyMs` of emulator latency) and a WebSocket client on the
 * gateway, sends `signal` to the process started (the gateway, or the npm process in front of it), and
 * reports what the client and the request saw and how that process exited.
 */
export async function stopUnderLoad(
  gw: GatewayProcess,
  { latencyMs = 1_500, signal = 'SIGTERM' as NodeJS.Signals } = {},
): Promise<GracefulStop> {
  const world = await gw.control('GET', 'world');
  const instanceId = world.supplychain.instances[0].instanceId;
  let connected: () => void = () => {};
  const isConnected = new Promise<void>((resolve) => (connected = resolve));
  const closed = new Promise<number>((resolve) => {
    const client = createClient({
      url: gw.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      lazy: false,
      onNonLazyError: () => {},
      retryAttempts: 0,
      on: { connected: () => connected(), closed: (event) => resolve((event as { code: number }).code) },
    });
    client.subscribe(
      {
        query: `subscription($i: ID!) { dataIntegrationEventChanged(instanceId: $i, eventId: "00000000-0000-0000-0000-000000000000") { status } }`,
        variables: { i: instanceId },
      },
      { next: () => {}, error: () => {}, complete: () => {} },
    );
  });
  await isConnected;
  await gw.control('POST', 'faults', { operation: 'SendDataIntegrationEvent', kind: 'latency', latencyMs });
  const inFlight = gw.query(`mutation($input: SendEventInput!) { sendEvent(input: $input) { eventId } }`, {
    input: { instanceId, eventType: 'FORECAST', data: '{"product_id":"P1"}', eventGroupId: 'graceful-stop' },
  });
  // The mutation has reached the emulator: it is in flight inside the gateway.
  while (!(await gw.control('GET', 'calls')).SendDataIntegrationEvent)
    await new Promise((r) => setTimeout(r, 10));
  gw.child.kill(signal);
  const [response, closeCode, exit] = await Promise.all([inFlight, closed, gw.exited]);
  return { inFlight: response, closeCode, exit };
}
