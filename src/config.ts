/**
 * The one reader of the environment. Turns raw variables into a frozen, typed {@link Config}, or fails at
 * start with every bad variable named, its value, and what is allowed. `--help` prints {@link SETTINGS}.
 */
import { z } from 'zod';
import { AUTH_SETTINGS, readAuthConfig } from './config.auth.js';
import type { Setting, SettingReader } from './config.setting.js';

export type { Setting } from './config.setting.js';

/**
 * The AWS operations live polling calls: the names `LIVE_SHARED_RATE_BY_OPERATION` may set a rate for
 * (declared with the setting; live/operations.ts re-exports them).
 */
export const POLLED_OPERATIONS = [
  'GetDataIntegrationEvent',
  'GetDataIntegrationFlowExecution',
  'GetDataSourceRun',
  'ListDataIntegrationEvents',
  'ListDataIntegrationFlowExecutions',
  'ListDataSourceRuns',
] as const;
/** One of {@link POLLED_OPERATIONS}. */
export type PolledOperation = (typeof POLLED_OPERATIONS)[number];

/** A whole number in [min, max], written in plain digits (no `0x`, `1e3` or blanks). */
const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(
      /^\d+$/,
      `a whole number of at least ${min}${max < Number.MAX_SAFE_INTEGER ? ` and at most ${max}` : ''}`,
    )
    .transform(Number)
    .pipe(z.number().min(min, `at least ${min}`).max(max, `at most ${max}`));
/** A decimal number in [0, max]. */
const decimal = (max: number) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, `a non-negative decimal number of at most ${max}`)
    .transform(Number)
    .pipe(z.number().max(max, `at most ${max}`));
const port = wholeNumber(0, 65_535);
const positiveInt = wholeNumber(1);
const url = z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' });
const flag = z.enum(['0', '1']);
const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
/** One secret, or several separated by commas while a rotation is under way. */
const sharedSecrets = z
  .string()
  .regex(
    /^[\x21-\x2b\x2d-\x7e]{16,}(,[\x21-\x2b\x2d-\x7e]{16,})*$/,
    'one or more comma-separated secrets, each at least 16 visible ASCII characters (no blanks or commas)',
  )
  .transform((v) => v.split(','));
/** Comma-separated http(s) URL prefixes. */
const urlPrefixes = z
  .string()
  .transform((v) => v.split(','))
  .pipe(z.array(z.url({ protocol: /^https?$/, error: 'comma-separated http:// or https:// URLs' })));
/** `*`, or comma-separated browser origins (scheme://host[:port], no path). */
const origins = z
  .string()
  .regex(
    /^(\*|https?:\/\/[^/,\s]+(,https?:\/\/[^/,\s]+)*)$/,
    '* or comma-separated origins such as https://app.example.com,http://localhost:3000 (no paths)',
  )
  .transform((v) => (v === '*' ? ['*'] : v.toLowerCase().split(',')));
/**
 * The emulator's documented key pair: the default of `EMULATOR_CREDENTIALS`, and what clients sign with on
 * the embedded emulator. (The emulator keeps its own record of it, as AWS keeps its own of real keys.)
 */
export const EMULATOR_KEY_PAIR = {
  accessKeyId: 'AKIALOADGRAPHEMULATOR',
  secretAccessKey: 'loadgraph-emulator-secret',
} as const;
/** `ACCESS_KEY_ID:SECRET` pairs, comma-separated (the emulator's known keys). */
const emulatorCredentials = z
  .string()
  .regex(
    /^\w{1,128}:[\x21-\x2b\x2d-\x7e]+(,\w{1,128}:[\x21-\x2b\x2d-\x7e]+)*$/,
    'comma-separated ACCESS_KEY_ID:SECRET pairs, each key id letters, digits or _ (at most 128), each secret visible ASCII without commas',
  )
  .transform((v) =>
    v.split(',').map((pair) => {
      const colon = pair.indexOf(':');
      return { accessKeyId: pair.slice(0, colon), secretAccessKey: pair.slice(colon + 1) };
    }),
  );
/** A Redis URL. */
const redisUrl = z.url({ protocol: /^rediss?$/, error: 'a redis:// or rediss:// URL' });
/** `Operation=rate` pairs, comma-separated, rates in whole requests per second. */
const operationRates = z
  .string()
  .regex(
    /^[A-Z][A-Za-z]+=\d+(,[A-Z][A-Za-z]+=\d+)*$/,
    'comma-separated AWS operation=requests-per-second pairs, such as GetDataSourceRun=10',
  )
  .transform((v) =>
    Object.fromEntries(v.split(',').map((pair) => [pair.split('=')[0]!, Number(pair.split('=')[1])])),
  )
  .refine(
    (rates) => Object.keys(rates).every((name) => (POLLED_OPERATIONS as readonly string[]).includes(name)),
    `only operations live polling calls may be named: ${POLLED_OPERATIONS.join(', ')}`,
  )
  .pipe(z.record(z.string(), z.number().min(1, 'each rate at least 1')));
/** An HTTP header name (an RFC 9110 token), lower-cased as Node presents request headers. */
const headerName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'an HTTP header name such as router-authorization')
  .transform((v) => v.toLowerCase());

/** The longest delay a Node.js timer takes (a longer one fires at once, with a warning). */
const TIMER_MAX_MS = 2_147_483_647;
/** A duration in ms that ends up in a timer. */
const timer = (min: number) => wholeNumber(min, TIMER_MAX_MS);

/**
 * Every setting, declared once (see config.setting.ts): name, default (raw text, parsed like a set value;
 * '' for none), schema, and its `--help` line. The order is the `--help` order. To add a setting: one entry
 * here, one line in {@link configFrom} placing it in the {@link Config}, one row in README's table.
 */
const DECLARED_SETTINGS = [
  { name: 'PORT', default: '4000', schema: port, help: 'gateway port (HTTP); 0 picks a free one' },
  { name: 'HOST', default: '127.0.0.1', schema: z.string().min(1), help: 'address the gateway binds' },
  {
    name: 'AWS_REGION',
    default: '',
    defaultHelp: 'EMULATOR_REGION with the emulator',
    schema: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a region name such as us-east-1'),
    help: 'region of both services when the gateway talks to AWS; on its own it never turns the emulator off',
  },
  {
    name: 'SUPPLYCHAIN_ENDPOINT',
    default: '',
    schema: url,
    help: 'Supply Chain endpoint override (a proxy, an emulator)',
  },
  { name: 'DATAZONE_ENDPOINT', default: '', schema: url, help: 'DataZone endpoint override' },
  {
    name: 'LOADGRAPH_EMULATOR',
    default: '',
    defaultHelp: '1 unless SUPPLYCHAIN_ENDPOINT or DATAZONE_ENDPOINT is given',
    schema: flag,
    help: '1: start the embedded emulator in-process and point both clients at it; 0: talk to AWS (AWS_REGION, AUTH_MODE required)',
  },
  {
    name: 'EMULATOR_PORT',
    default: '4010',
    schema: port,
    help: 'port of the standalone or embedded emulator; 0 picks a free one',
  },
  {
    name: 'EMULATOR_SEED',
    default: '1',
    schema: wholeNumber(0, 2 ** 32 - 1),
    help: 'seed of the emulator demo world',
  },
  {
    name: 'EMULATOR_CLOCK_SPEED',
    default: '10',
    schema: decimal(1_000_000),
    help: "simulated ms per real ms in the emulator: 10 (the demo pace) finishes an event in ~2.5 s and a run in ~5 s; 1: AWS's own pace",
  },
  {
    name: 'EMULATOR_CREDENTIALS',
    default: `${EMULATOR_KEY_PAIR.accessKeyId}:${EMULATOR_KEY_PAIR.secretAccessKey}`,
    schema: emulatorCredentials,
    help: 'key pairs the emulator accepts signatures from, as comma-separated ACCESS_KEY_ID:SECRET pairs; the embedded gateway signs with the first',
    sensitive: true,
  },
  {
    name: 'EMULATOR_LIST_ORDER',
    default: 'newest',
    // The emulator's list orders (emulator/services/pagination.ts); config is a leaf, so named here.
    schema: z.enum(['newest', 'oldest', 'shuffled']),
    help: 'order of the emulator lists of loads (newest, oldest, shuffled); AWS documents none',
  },
  {
    name: 'EMULATOR_REGION',
    default: 'us-east-1',
    schema: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'a region name such as us-east-1'),
    help: 'the one region the emulator serves: requests must be signed for it, and its ARNs carry it',
  },
  {
    name: 'UPSTREAM_TIMEOUT_MS',
    default: '9000',
    schema: timer(1),
    help: 'cut of one upstream HTTP attempt (connecting, waiting for the answer, a stalled body); retried, then UPSTREAM_TIMEOUT. With the defaults, 3 attempts stay within REQUEST_TIMEOUT_MS',
  },
  {
    name: 'UPSTREAM_CONNECT_TIMEOUT_MS',
    default: '3000',
    schema: timer(1),
    help: 'timeout to open an upstream connection',
  },
  {
    name: 'UPSTREAM_MAX_ATTEMPTS',
    default: '3',
    schema: wholeNumber(1, 10),
    help: 'attempts per upstream call (standard retry mode)',
  },
  {
    name: 'UPSTREAM_MAX_SOCKETS',
    default: '50',
    schema: wholeNumber(1, 10_000),
    help: 'keep-alive sockets per upstream service',
  },
  {
    name: 'UPSTREAM_HTTP',
    default: 'lean',
    schema: z.enum(['lean', 'sdk']),
    help: "how upstream calls are signed and sent: lean (the gateway's SigV4 signer and HTTP handler, a third of the CPU per call) or sdk (the AWS SDK's own SignatureV4 and NodeHttpHandler)",
  },
  {
    name: 'UPSTREAM_CONCURRENCY',
    default: '16',
    schema: wholeNumber(1, 1_000),
    help: 'concurrent upstream calls per AWS operation',
  },
  {
    name: 'TERMINAL_CACHE_MAX',
    default: '10000',
    schema: wholeNumber(0, 10_000_000),
    help: 'entries of the cross-request cache (LRU) of terminal loads and definitions; 0 turns it off',
  },
  {
    name: 'TERMINAL_CACHE_TTL_MS',
    default: '3600000',
    schema: positiveInt,
    help: 'how long a cached terminal load is kept',
  },
  {
    name: 'DEFINITION_CACHE_TTL_MS',
    default: '30000',
    schema: wholeNumber(0),
    help: 'how long datasets, flows, instances and domains are kept across requests (in the same LRU); 0: re-read every request',
  },
  {
    name: 'GRAPHQL_MAX_BODY_BYTES',
    default: '5000000',
    schema: positiveInt,
    help: 'largest GraphQL request body (413 beyond)',
  },
  {
    name: 'GRAPHQL_BODY_DRAIN_MAX_BYTES',
    default: '67108864',
    schema: wholeNumber(0),
    help: 'a body refused with 413 is read and discarded to its end up to this size, so the client (a browser, fetch) reads the 413 instead of a reset; larger: 413 and the socket closed',
  },
  {
    name: 'GRAPHQL_BODY_DRAIN_TIMEOUT_MS',
    default: '10000',
    schema: timer(1),
    help: 'longest time spent discarding a refused body before the 413 is sent and the socket closed',
  },
  {
    name: 'GRAPHQL_JIT_HOT_AFTER',
    default: '3',
    schema: wholeNumber(0, 1_000_000),
    help: 'a query document is compiled (graphql-jit) after this many executions; 0: never, graphql-js only',
  },
  {
    name: 'GRAPHQL_JIT_MAX_DOCUMENTS',
    default: '1000',
    schema: wholeNumber(1, 1_000_000),
    help: 'query documents whose compiled form (or use count) is kept, least recently used dropped first',
  },
  {
    name: 'LOADS_MAX_IDS',
    default: '100',
    schema: wholeNumber(1, 10_000),
    help: 'ids one loads(ids:) query may ask for',
  },
  {
    name: 'SEND_EVENTS_MAX_ITEMS',
    default: '100',
    schema: wholeNumber(1, 10_000),
    help: 'events one sendEvents call may carry',
  },
  {
    name: 'SEND_EVENTS_CONCURRENCY',
    default: '4',
    schema: wholeNumber(1, 100),
    help: 'events of one sendEvents call sent at once',
  },
  {
    name: 'LIVE_POLL_EVENT_MS',
    default: '2000',
    schema: timer(10),
    help: 'poll interval of a watched data integration event',
  },
  {
    name: 'LIVE_POLL_FLOW_EXECUTION_MS',
    default: '5000',
    schema: timer(10),
    help: 'poll interval of a watched flow execution',
  },
  {
    name: 'LIVE_POLL_DATA_SOURCE_RUN_MS',
    default: '5000',
    schema: timer(10),
    help: 'poll interval of a watched data source run',
  },
  {
    name: 'LIVE_POLL_STARTED_MS',
    default: '10000',
    schema: timer(10),
    help: 'poll interval of the list behind flowExecutionsStarted / dataSourceRunsStarted',
  },
  {
    name: 'LIVE_POLL_JITTER',
    default: '0.1',
    schema: decimal(0.9),
    help: 'share of random jitter on each poll interval (0.1 = ±10%)',
  },
  {
    name: 'LIVE_MAX_BACKOFF_MS',
    default: '60000',
    schema: timer(10),
    help: 'ceiling of the poll backoff on throttling and upstream errors',
  },
  {
    name: 'LIVE_FAILURE_TOLERANCE_MS',
    default: '300000',
    schema: wholeNumber(0),
    help: 'upstream failures lasting longer than this end the watching subscriptions with the error',
  },
  {
    name: 'LIVE_MAX_POLLS_PER_SECOND',
    default: '50',
    schema: wholeNumber(1, 100_000),
    help: 'upstream calls made by live polling per second, all watched loads together (a list page is one call)',
  },
  {
    name: 'LIVE_LIST_MAX_PAGES',
    default: '20',
    schema: wholeNumber(1, 100),
    help: 'list pages read at most per refresh of a parent of watched loads',
  },
  {
    name: 'LIVE_STARTED_MAX_PAGES',
    default: '20',
    schema: wholeNumber(1, 100),
    help: 'list pages read at most per poll of a flowExecutionsStarted / dataSourceRunsStarted watch (fewer once the list proves newest first)',
  },
  {
    name: 'LIVE_STARTED_SKEW_MS',
    default: '60000',
    schema: wholeNumber(0, 86_400_000),
    help: 'a started watch announces an unseen item that started up to this long before the newest start time it read earlier (listing lag); older unseen items count as already there',
  },
  {
    name: 'LIVE_STARTED_MAX_REMEMBERED',
    default: '10000',
    schema: wholeNumber(100, 10_000_000),
    help: 'ids a started watch remembers at most (it keeps those within LIVE_STARTED_SKEW_MS of the newest start time)',
  },
  {
    name: 'REDIS_URL',
    default: '',
    sensitive: true,
    schema: redisUrl,
    help: 'redis:// or rediss:// URL; set: replicas share one poller per watched load (leases), fan out changes over Redis pub/sub, keep the last state in Redis and share the poll rate; unset: one process alone, in memory',
  },
  {
    name: 'REDIS_KEY_PREFIX',
    default: 'loadgraph:',
    schema: z.string().regex(/^[\w:.-]{1,64}$/, 'up to 64 letters, digits, _ : . or -'),
    help: 'prefix of every Redis key and channel (one per deployment sharing a Redis)',
  },
  {
    name: 'REDIS_COMMAND_TIMEOUT_MS',
    default: '1000',
    schema: wholeNumber(10, 60_000),
    help: 'a Redis command not answered within this fails (and the replica falls back to local work); nothing is queued while Redis is unreachable',
  },
  {
    name: 'LIVE_LEASE_TTL_MS',
    default: '10000',
    schema: wholeNumber(100, 3_600_000),
    help: 'with REDIS_URL: lifetime of the lease that makes one replica the poller of a load (or of a list parent and its watched loads), renewed every third of it; a dead holder is replaced within this plus one poll interval',
  },
  {
    name: 'LIVE_STATE_TTL_MS',
    default: '3600000',
    schema: wholeNumber(1_000),
    help: 'with REDIS_URL: how long the last state of a load is kept in Redis after its last change or renewal (late subscribers get it with no upstream call)',
  },
  {
    name: 'LIVE_FALLBACK_MAX_POLLERS',
    default: '1000',
    schema: wholeNumber(0, 1_000_000),
    help: 'with REDIS_URL, while Redis is unreachable: loads this replica polls on its own to keep its subscriptions moving; the others wait for Redis',
  },
  {
    name: 'LIVE_SHARED_RATE_PER_SECOND',
    default: '20',
    schema: wholeNumber(1, 100_000),
    help: 'with REDIS_URL: polls per second of each AWS operation, all replicas together (the same rate per replica while Redis is unreachable)',
  },
  {
    name: 'LIVE_SHARED_RATE_BY_OPERATION',
    default: '',
    schema: operationRates,
    help: 'per-operation overrides of LIVE_SHARED_RATE_PER_SECOND, e.g. GetDataSourceRun=10,ListDataSourceRuns=5',
  },
  {
    name: 'WS_MAX_PAYLOAD_BYTES',
    default: '65536',
    schema: wholeNumber(1024),
    help: 'largest WebSocket message accepted',
  },
  {
    name: 'WS_CONNECTION_INIT_TIMEOUT_MS',
    default: '3000',
    schema: timer(100),
    help: 'time a WebSocket client has to send connection_init',
  },
  {
    name: 'GRAPHQL_MAX_DEPTH',
    default: '10',
    schema: wholeNumber(1, 1_000),
    help: 'deepest field nesting an operation may have (fragments expanded)',
  },
  {
    name: 'GRAPHQL_MAX_ALIASES',
    default: '15',
    schema: wholeNumber(0, 10_000),
    help: 'aliases one operation may use',
  },
  {
    name: 'GRAPHQL_MAX_ROOT_FIELDS',
    default: '20',
    schema: wholeNumber(1, 10_000),
    help: 'root fields one operation may select',
  },
  {
    name: 'GRAPHQL_MAX_DIRECTIVES',
    default: '50',
    schema: wholeNumber(0, 10_000),
    help: 'directives one operation may use',
  },
  {
    name: 'GRAPHQL_MAX_TOKENS',
    default: '5000',
    schema: wholeNumber(100, 1_000_000),
    help: 'tokens a query may have (parsing stops past it)',
  },
  {
    name: 'GRAPHQL_MAX_QUERY_CHARS',
    default: '15000',
    schema: wholeNumber(100, 10_000_000),
    help: 'characters a query may have (checked before parsing)',
  },
  {
    name: 'GRAPHQL_MAX_COST',
    default: '5000',
    schema: wholeNumber(1, 100_000_000),
    help: 'cost an operation may have: each field counts once per item of the lists it is under (first, or 20 when omitted; ids; inputs), each mutation item 10',
  },
  {
    name: 'REQUEST_TIMEOUT_MS',
    default: '30000',
    schema: timer(100),
    help: 'an HTTP GraphQL request still running after this gets 504 REQUEST_TIMEOUT and starts no further upstream calls',
  },
  {
    name: 'PRODUCTION_MODE',
    default: '',
    defaultHelp: '1 when NODE_ENV=production',
    schema: flag,
    help: '1: the production security defaults (no introspection, no field suggestions, internal errors masked) even when NODE_ENV is not production',
  },
  {
    name: 'GRAPHQL_INTROSPECTION',
    default: '',
    defaultHelp: '1, or 0 in production mode',
    schema: flag,
    help: '1: the schema may be introspected (__schema, __type), 0: introspection is refused with GRAPHQL_VALIDATION_FAILED naming this setting',
  },
  {
    name: 'CORS_ORIGINS',
    default: '',
    schema: origins,
    help: 'comma-separated origins (https://app.example.com) browsers may call from, over HTTP and WebSocket; * for any (without credentials); empty: same origin only',
  },
  {
    name: 'WEB_UI',
    default: '',
    defaultHelp: '1, except 0 in production',
    schema: flag,
    help: '1: serve the GraphQL IDE (to browsers at the GraphQL path) and the live board of loads (at /); 0: neither',
  },
  {
    name: 'CORS_ALLOW_CREDENTIALS',
    default: '0',
    schema: flag,
    help: '1: browsers from CORS_ORIGINS may send cookies and authorization (not with *)',
  },
  {
    name: 'WS_REQUIRE_ORIGIN',
    default: '0',
    schema: flag,
    help: '1: refuse WebSocket handshakes without an Origin header (non-browser clients must send one)',
  },
  {
    name: 'WS_MAX_SUBSCRIPTIONS',
    default: '100',
    schema: wholeNumber(1, 100_000),
    help: 'subscriptions one WebSocket connection may hold at once',
  },
  {
    name: 'WS_IDLE_TIMEOUT_MS',
    default: '300000',
    schema: timer(1_000),
    help: 'a WebSocket connection with no subscription and no message for this long is closed (1000)',
  },
  {
    name: 'WS_PING_INTERVAL_MS',
    default: '30000',
    schema: timer(100),
    help: 'the server pings every WebSocket client this often; one that has not answered the previous ping is dropped',
  },
  {
    name: 'WS_MAX_BUFFERED_BYTES',
    default: '1048576',
    schema: wholeNumber(1_024),
    help: 'bytes waiting to be sent to one WebSocket client; a slower consumer is closed with 1013',
  },
  {
    name: 'READINESS_CACHE_MS',
    default: '15000',
    schema: wholeNumber(0),
    help: '/readyz checks upstream reachability at most once per this period',
  },
  {
    name: 'SHUTDOWN_GRACE_MS',
    default: '10000',
    schema: timer(0),
    help: 'on SIGTERM/SIGINT, how long in-flight requests may take before the process exits anyway',
  },
  {
    name: 'SUBGRAPH_SHARED_SECRET',
    default: '',
    sensitive: true,
    schema: sharedSecrets,
    help: 'when set, every GraphQL request (HTTP, SSE, WebSocket upgrade) must carry it in SUBGRAPH_SECRET_HEADER, as the federation router does: 401 without the header, 403 with another value; comma-separate an old and a new secret during a rotation',
  },
  {
    name: 'SUBGRAPH_SECRET_HEADER',
    default: 'router-authorization',
    schema: headerName,
    help: 'the request header that carries SUBGRAPH_SHARED_SECRET',
  },
  {
    name: 'SUBSCRIPTION_CALLBACK_URLS',
    default: '',
    schema: urlPrefixes,
    help: "turns on subscriptions over the router's HTTP callback protocol: the URL prefixes a callback URL must start with (the router's callback public_url)",
  },
  ...AUTH_SETTINGS,
  {
    name: 'TRACING_OTLP_ENDPOINT',
    default: '',
    schema: url,
    help: 'OTLP/HTTP traces endpoint (e.g. http://collector:4318/v1/traces); set: spans for GraphQL operations and upstream calls are exported; unset: tracing is off',
  },
  {
    name: 'TRACING_SERVICE_NAME',
    default: 'loadgraph',
    schema: z.string().min(1).max(128),
    help: 'service.name of the exported spans',
  },
  {
    name: 'LOG_LEVEL',
    default: 'info',
    schema: logLevel,
    help: 'fatal, error, warn, info, debug, trace or silent',
  },
  {
    name: 'LOG_ACCESS',
    default: '1',
    schema: flag,
    help: '1: one info line per completed GraphQL operation (name, type, transport, duration, outcome, request id, principal, upstream calls); 0: off',
  },
  {
    name: 'NODE_ENV',
    default: 'development',
    schema: z.enum(['development', 'production', 'test']),
    help: 'production turns on the production defaults',
  },
] as const satisfies readonly Setting[];

/** Every setting as a plain {@link Setting}, in `--help` order (what `--help` and the README test read). */
export const SETTINGS: readonly Setting[] = DECLARED_SETTINGS;

/** Thrown by {@link loadConfig}: every problem found, each naming the variable, its value and what is allowed. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly problems: readonly string[],
    /** NODE_ENV=production: the message is to be written as one JSON line, like every other line. */
    readonly json = false,
  ) {
    super(
      `invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}\nRun with --help to list every setting.`,
    );
  }
}

/**
 * The config: every setting parsed and placed, frozen. Its type is inferred from {@link configFrom},
 * each value's type from its setting's schema.
 */
export type Config = DeepReadonly<ReturnType<typeof configFrom>>;

type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** Builds the config from an environment map (tests pass their own; the process passes `process.env`). */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const problems: string[] = [];
  /** The parsed value of a setting: the variable if set, else its default (undefined if none). */
  const read = ((name: string): unknown => {
    const setting = SETTINGS.find((s) => s.name === name);
    if (!setting) throw new Error(`unknown setting ${name}`);
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '')
      return setting.default === '' ? undefined : setting.schema.parse(setting.default);
    const parsed = setting.schema.safeParse(raw);
    if (!parsed.success) {
      const shown = setting.sensitive ? `<${raw.length} characters, not shown>` : JSON.stringify(raw);
      problems.push(
        `${name}=${shown} is not valid: ${parsed.error.issues[0]?.message ?? 'invalid'} (allowed: ${setting.help})`,
      );
      return setting.default === '' ? undefined : setting.schema.parse(setting.default);
    }
    return parsed.data;
  }) as SettingReader<typeof DECLARED_SETTINGS>;
  const config = configFrom(read, problems, env);
  if (config.hardening.corsAllowCredentials && config.hardening.corsOrigins.includes('*')) {
    problems.push(
      'CORS_ALLOW_CREDENTIALS=1 cannot be used with CORS_ORIGINS=*: list the origins that may send credentials',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems, env['NODE_ENV']?.trim() === 'production');
  return deepFreeze(config);
}

/** Places every setting in the config (its one line per setting); rules across settings add `problems`. */
function configFrom(
  read: SettingReader<typeof DECLARED_SETTINGS>,
  problems: string[],
  env: Readonly<Record<string, string | undefined>>,
) {
  const region = read('AWS_REGION');
  const supplyChainEndpoint = read('SUPPLYCHAIN_ENDPOINT');
  const dataZoneEndpoint = read('DATAZONE_ENDPOINT');
  const emulatorFlag = read('LOADGRAPH_EMULATOR');
  // Only an explicit choice leaves the emulator: an ambient AWS_REGION or AWS_PROFILE never does.
  const awsChosenBy: string | undefined =
    emulatorFlag === '1'
      ? undefined
      : emulatorFlag === '0'
        ? 'LOADGRAPH_EMULATOR=0'
        : supplyChainEndpoint !== undefined
          ? 'SUPPLYCHAIN_ENDPOINT'
          : dataZoneEndpoint !== undefined
            ? 'DATAZONE_ENDPOINT'
            : undefined;
  const emulatorEnabled = awsChosenBy === undefined;
  if (awsChosenBy !== undefined && region === undefined) {
    problems.push(
      `AWS_REGION is required when the gateway talks to AWS (chosen by ${awsChosenBy}); set it to the region of your Supply Chain instance and DataZone domain, or unset ${awsChosenBy.split('=')[0]} to run on the embedded emulator`,
    );
  }
  return {
    server: {
      host: read('HOST'),
      port: read('PORT'),
      /** Serve the browser pages: the GraphQL IDE and the live board of loads. */
      webUi:
        read('WEB_UI') === '1' ||
        (read('WEB_UI') === undefined &&
          read('PRODUCTION_MODE') !== '1' &&
          read('NODE_ENV') !== 'production'),
    },
    /** The embedded emulator; `enabled: false` means the clients talk to `aws` as configured. */
    emulator: {
      enabled: emulatorEnabled,
      /** The setting that chose AWS (`LOADGRAPH_EMULATOR=0`, an endpoint variable); undefined on the emulator. */
      awsChosenBy,
      port: read('EMULATOR_PORT'),
      seed: read('EMULATOR_SEED'),
      clockSpeed: read('EMULATOR_CLOCK_SPEED'),
      listOrder: read('EMULATOR_LIST_ORDER'),
      /** Key pairs whose signatures it accepts; the embedded gateway signs with the first. */
      credentials: read('EMULATOR_CREDENTIALS'),
      /** The one region it serves. */
      region: read('EMULATOR_REGION'),
    },
    aws: {
      region: region ?? read('EMULATOR_REGION'),
      supplyChainEndpoint,
      dataZoneEndpoint,
      requestTimeoutMs: read('UPSTREAM_TIMEOUT_MS'),
      connectTimeoutMs: read('UPSTREAM_CONNECT_TIMEOUT_MS'),
      maxAttempts: read('UPSTREAM_MAX_ATTEMPTS'),
      maxSockets: read('UPSTREAM_MAX_SOCKETS'),
      http: read('UPSTREAM_HTTP'),
      /**
       * Where the default credential chain will find credentials, from the variables it reads (for the
       * start-up line; the chain itself decides).
       */
      credentialSource: credentialSource(env),
    },
    graph: {
      upstreamConcurrency: read('UPSTREAM_CONCURRENCY'),
      terminalCacheMax: read('TERMINAL_CACHE_MAX'),
      terminalCacheTtlMs: read('TERMINAL_CACHE_TTL_MS'),
      definitionCacheTtlMs: read('DEFINITION_CACHE_TTL_MS'),
      maxBodyBytes: read('GRAPHQL_MAX_BODY_BYTES'),
      /** How much of a body refused with 413 is read and discarded first (server/http.ts). */
      bodyDrain: {
        maxBytes: read('GRAPHQL_BODY_DRAIN_MAX_BYTES'),
        timeoutMs: read('GRAPHQL_BODY_DRAIN_TIMEOUT_MS'),
      },
      /** Compiled execution of hot queries (server/jit.ts). */
      jit: { hotAfter: read('GRAPHQL_JIT_HOT_AFTER'), maxDocuments: read('GRAPHQL_JIT_MAX_DOCUMENTS') },
      loadsMaxIds: read('LOADS_MAX_IDS'),
      sendEventsMaxItems: read('SEND_EVENTS_MAX_ITEMS'),
      sendEventsConcurrency: read('SEND_EVENTS_CONCURRENCY'),
    },
    live: {
      intervalsMs: {
        DATA_INTEGRATION_EVENT: read('LIVE_POLL_EVENT_MS'),
        FLOW_EXECUTION: read('LIVE_POLL_FLOW_EXECUTION_MS'),
        DATA_SOURCE_RUN: read('LIVE_POLL_DATA_SOURCE_RUN_MS'),
        STARTED: read('LIVE_POLL_STARTED_MS'),
      },
      jitterRatio: read('LIVE_POLL_JITTER'),
      maxBackoffMs: read('LIVE_MAX_BACKOFF_MS'),
      failureToleranceMs: read('LIVE_FAILURE_TOLERANCE_MS'),
      maxPollsPerSecond: read('LIVE_MAX_POLLS_PER_SECOND'),
      maxListPages: read('LIVE_LIST_MAX_PAGES'),
      /** The flowExecutionsStarted / dataSourceRunsStarted watches (live/started.ts). */
      started: {
        maxPages: read('LIVE_STARTED_MAX_PAGES'),
        skewMs: read('LIVE_STARTED_SKEW_MS'),
        maxRemembered: read('LIVE_STARTED_MAX_REMEMBERED'),
      },
    },
    /** Scale-out over Redis; `redisUrl` undefined: one process alone (in-memory pub/sub, no leases). */
    scaleOut: {
      redisUrl: read('REDIS_URL'),
      keyPrefix: read('REDIS_KEY_PREFIX'),
      commandTimeoutMs: read('REDIS_COMMAND_TIMEOUT_MS'),
      leaseTtlMs: read('LIVE_LEASE_TTL_MS'),
      stateTtlMs: read('LIVE_STATE_TTL_MS'),
      fallbackMaxPollers: read('LIVE_FALLBACK_MAX_POLLERS'),
      /** Polls per second per AWS operation, all replicas together; `operationRates` overrides by name. */
      ratePerSecond: read('LIVE_SHARED_RATE_PER_SECOND'),
      operationRates: read('LIVE_SHARED_RATE_BY_OPERATION') ?? ({} as Record<string, number>),
    },
    ws: {
      maxPayloadBytes: read('WS_MAX_PAYLOAD_BYTES'),
      connectionInitTimeoutMs: read('WS_CONNECTION_INIT_TIMEOUT_MS'),
    },
    /**
     * The federation subgraph endpoint. `sharedSecrets` empty: no check; else every GraphQL request must
     * carry one of them in `secretHeader` (lower case).
     */
    subgraph: {
      secretHeader: read('SUBGRAPH_SECRET_HEADER'),
      sharedSecrets: read('SUBGRAPH_SHARED_SECRET') ?? ([] as string[]),
      /** Subscriptions over the router's HTTP callback protocol: allowed callback URL prefixes; empty: off. */
      callbackUrlPrefixes: read('SUBSCRIPTION_CALLBACK_URLS') ?? ([] as string[]),
    },
    log: { level: read('LOG_LEVEL'), access: read('LOG_ACCESS') === '1' },
    nodeEnv: read('NODE_ENV'),
    shutdownGraceMs: read('SHUTDOWN_GRACE_MS'),
    /** OpenTelemetry tracing; `otlpEndpoint` undefined means off. */
    tracing: { otlpEndpoint: read('TRACING_OTLP_ENDPOINT'), serviceName: read('TRACING_SERVICE_NAME') },
    readinessCacheMs: read('READINESS_CACHE_MS'),
    /** Authentication, and the per-principal rate and connection limits (config.auth.ts). */
    auth: readAuthConfig(read, problems),
    /** What no input can do: operation limits, production mode, CORS and WebSocket hardening. */
    hardening: {
      operation: {
        maxDepth: read('GRAPHQL_MAX_DEPTH'),
        maxAliases: read('GRAPHQL_MAX_ALIASES'),
        maxRootFields: read('GRAPHQL_MAX_ROOT_FIELDS'),
        maxDirectives: read('GRAPHQL_MAX_DIRECTIVES'),
        maxTokens: read('GRAPHQL_MAX_TOKENS'),
        maxQueryChars: read('GRAPHQL_MAX_QUERY_CHARS'),
        maxCost: read('GRAPHQL_MAX_COST'),
      },
      requestTimeoutMs: read('REQUEST_TIMEOUT_MS'),
      /** No introspection, no field suggestions, internal errors masked. */
      production: read('PRODUCTION_MODE') === '1' || read('NODE_ENV') === 'production',
      /** `__schema` and `__type` may be queried. */
      introspection:
        read('GRAPHQL_INTROSPECTION') === undefined
          ? !(read('PRODUCTION_MODE') === '1' || read('NODE_ENV') === 'production')
          : read('GRAPHQL_INTROSPECTION') === '1',
      /** Allowed browser origins (`['*']`: any); empty: same origin only. */
      corsOrigins: read('CORS_ORIGINS') ?? ([] as string[]),
      corsAllowCredentials: read('CORS_ALLOW_CREDENTIALS') === '1',
      wsRequireOrigin: read('WS_REQUIRE_ORIGIN') === '1',
      wsMaxSubscriptions: read('WS_MAX_SUBSCRIPTIONS'),
      wsIdleTimeoutMs: read('WS_IDLE_TIMEOUT_MS'),
      wsPingIntervalMs: read('WS_PING_INTERVAL_MS'),
      wsMaxBufferedBytes: read('WS_MAX_BUFFERED_BYTES'),
    },
  };
}

/** The config of this process. The only place `process.env` is read. */
export function readConfig(): Config {
  return loadConfig(process.env);
}

/** The `--help` text: every setting with its default. */
export function settingsHelp(): string {
  const width = Math.max(...SETTINGS.map((s) => s.name.length));
  return SETTINGS.map(
    (s) =>
      `  ${s.name.padEnd(width)}  ${s.help}${(s.defaultHelp ?? s.default) ? ` (default: ${s.defaultHelp ?? s.default})` : ''}`,
  ).join('\n');
}

/**
 * Names where the AWS SDK's default credential chain will look first, from the variables it reads. Only
 * described here (for the start-up line); the chain itself is the SDK's.
 */
function credentialSource(env: Readonly<Record<string, string | undefined>>): string {
  const set = (name: string): boolean => Boolean(env[name]?.trim());
  if (set('AWS_ACCESS_KEY_ID')) return 'environment (AWS_ACCESS_KEY_ID)';
  if (set('AWS_WEB_IDENTITY_TOKEN_FILE')) return 'web identity (AWS_WEB_IDENTITY_TOKEN_FILE)';
  if (set('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI') || set('AWS_CONTAINER_CREDENTIALS_FULL_URI'))
    return 'container (AWS_CONTAINER_CREDENTIALS_*)';
  if (set('AWS_PROFILE')) return `profile ${env['AWS_PROFILE']!.trim()} (AWS_PROFILE)`;
  return 'default chain (shared config files, SSO, instance metadata)';
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
