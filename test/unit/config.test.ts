/**
 * `loadConfig(env)`: the one reader of the environment. Every test passes its own env map, so nothing
 * here depends on the process environment.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, SETTINGS, loadConfig, settingsHelp, type Config } from '../../src/config.js';

/** Runs `loadConfig` expecting a ConfigError, and returns it. */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig(${JSON.stringify(env)}) did not throw`);
}

describe('loadConfig defaults', () => {
  it('gives every setting its documented default from an empty environment', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      server: { host: '127.0.0.1', port: 4000, webUi: true },
      emulator: {
        enabled: true,
        awsChosenBy: undefined,
        port: 4010,
        seed: 1,
        clockSpeed: 10,
        listOrder: 'newest',
        credentials: [{ accessKeyId: 'AKIALOADGRAPHEMULATOR', secretAccessKey: 'loadgraph-emulator-secret' }],
        region: 'us-east-1',
      },
      aws: {
        region: 'us-east-1',
        supplyChainEndpoint: undefined,
        dataZoneEndpoint: undefined,
        requestTimeoutMs: 9_000,
        connectTimeoutMs: 3_000,
        maxAttempts: 3,
        maxSockets: 50,
        http: 'lean',
        credentialSource: 'default chain (shared config files, SSO, instance metadata)',
      },
      graph: {
        upstreamConcurrency: 16,
        terminalCacheMax: 10_000,
        terminalCacheTtlMs: 3_600_000,
        definitionCacheTtlMs: 30_000,
        maxBodyBytes: 5_000_000,
        bodyDrain: { maxBytes: 67_108_864, timeoutMs: 10_000 },
        jit: { hotAfter: 3, maxDocuments: 1_000 },
        loadsMaxIds: 100,
        sendEventsMaxItems: 100,
        sendEventsConcurrency: 4,
      },
      live: {
        intervalsMs: {
          DATA_INTEGRATION_EVENT: 2_000,
          FLOW_EXECUTION: 5_000,
          DATA_SOURCE_RUN: 5_000,
          STARTED: 10_000,
        },
        jitterRatio: 0.1,
        maxBackoffMs: 60_000,
        failureToleranceMs: 300_000,
        maxPollsPerSecond: 50,
        maxListPages: 20,
        started: { maxPages: 20, skewMs: 60_000, maxRemembered: 10_000 },
      },
      scaleOut: {
        redisUrl: undefined,
        keyPrefix: 'loadgraph:',
        commandTimeoutMs: 1_000,
        leaseTtlMs: 10_000,
        stateTtlMs: 3_600_000,
        fallbackMaxPollers: 1_000,
        ratePerSecond: 20,
        operationRates: {},
      },
      ws: { maxPayloadBytes: 65_536, connectionInitTimeoutMs: 3_000 },
      subgraph: { secretHeader: 'router-authorization', sharedSecrets: [], callbackUrlPrefixes: [] },
      log: { level: 'info', access: true },
      nodeEnv: 'development',
      shutdownGraceMs: 10_000,
      tracing: { otlpEndpoint: undefined, serviceName: 'loadgraph' },
      readinessCacheMs: 15_000,
      auth: {
        modeSet: false,
        modes: [],
        jwt: {
          jwksUrl: undefined,
          jwksCooldownMs: 30_000,
          publicKeyPem: undefined,
          secret: undefined,
          issuer: undefined,
          audience: undefined,
          algorithms: undefined,
          clockSkewMs: 30_000,
          subjectClaim: 'sub',
          scopeClaims: ['scope', 'scp'],
          instancesClaim: 'loadgraph_instances',
          domainsClaim: 'loadgraph_domains',
        },
        apiKeyHeader: 'x-api-key',
        apiKeys: [],
        rateLimit: { perSecond: 50, burst: 100 },
        wsMaxConnectionsPerPrincipal: 20,
      },
      hardening: {
        operation: {
          maxDepth: 10,
          maxAliases: 15,
          maxRootFields: 20,
          maxDirectives: 50,
          maxTokens: 5_000,
          maxQueryChars: 15_000,
          maxCost: 5_000,
        },
        requestTimeoutMs: 30_000,
        production: false,
        introspection: true,
        corsOrigins: [],
        corsAllowCredentials: false,
        wsRequireOrigin: false,
        wsMaxSubscriptions: 100,
        wsIdleTimeoutMs: 300_000,
        wsPingIntervalMs: 30_000,
        wsMaxBufferedBytes: 1_048_576,
      },
    } satisfies Config);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '', AWS_REGION: '' })).toEqual(loadConfig({}));
  });

  it('parses set values into their types', () => {
    const config = loadConfig({
      PORT: '0',
      HOST: '0.0.0.0',
      EMULATOR_CLOCK_SPEED: '60',
      TERMINAL_CACHE_MAX: '0',
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
    });
    expect(config.server).toEqual({ host: '0.0.0.0', port: 0, webUi: true });
    expect(config.emulator.clockSpeed).toBe(60);
    expect(config.graph.terminalCacheMax).toBe(0);
    expect(config.log.level).toBe('silent');
    expect(config.nodeEnv).toBe('test');
  });

  it('never reads a blank PORT as port 0 (a random port): it is rejected or left at the default', () => {
    let config: Config;
    try {
      config = loadConfig({ PORT: ' ' });
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toContain('PORT');
      return;
    }
    expect(config.server.port).toBe(4000);
  });
});

describe('loadConfig emulator switch', () => {
  it('turns the emulator on when no AWS setting is given', () => {
    const config = loadConfig({});
    expect(config.emulator.enabled).toBe(true);
    expect(config.aws.region).toBe('us-east-1');
  });

  it('stays on the emulator when only ambient AWS settings are given (AWS_REGION, AWS_PROFILE)', () => {
    const config = loadConfig({ AWS_REGION: 'eu-west-1', AWS_PROFILE: 'work' });
    expect(config.emulator.enabled).toBe(true);
    expect(config.emulator.awsChosenBy).toBeUndefined();
    expect(config.aws.region).toBe('eu-west-1');
  });

  it.each([
    [{ LOADGRAPH_EMULATOR: '0' }, 'LOADGRAPH_EMULATOR=0'],
    [{ SUPPLYCHAIN_ENDPOINT: 'https://scn.example.com' }, 'SUPPLYCHAIN_ENDPOINT'],
    [{ DATAZONE_ENDPOINT: 'https://dz.example.com' }, 'DATAZONE_ENDPOINT'],
  ])('records which setting chose AWS: %j', (env, chosenBy) => {
    const config = loadConfig({ AWS_REGION: 'eu-west-1', ...env });
    expect(config.emulator.enabled).toBe(false);
    expect(config.emulator.awsChosenBy).toBe(chosenBy);
  });

  it.each([
    [{}, 'default chain (shared config files, SSO, instance metadata)'],
    [{ AWS_PROFILE: 'work' }, 'profile work (AWS_PROFILE)'],
    [{ AWS_ACCESS_KEY_ID: 'AKIA', AWS_PROFILE: 'work' }, 'environment (AWS_ACCESS_KEY_ID)'],
    [{ AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token' }, 'web identity (AWS_WEB_IDENTITY_TOKEN_FILE)'],
    [{ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/creds' }, 'container (AWS_CONTAINER_CREDENTIALS_*)'],
  ])('describes where the credential chain looks first: %j', (env, source) => {
    expect(loadConfig(env).aws.credentialSource).toBe(source);
  });

  it.each([
    ['SUPPLYCHAIN_ENDPOINT', 'supplyChainEndpoint'],
    ['DATAZONE_ENDPOINT', 'dataZoneEndpoint'],
  ] as const)('turns the emulator off when %s is given', (name, field) => {
    const config = loadConfig({ AWS_REGION: 'us-west-2', [name]: 'http://127.0.0.1:9000' });
    expect(config.emulator.enabled).toBe(false);
    expect(config.aws[field]).toBe('http://127.0.0.1:9000');
  });

  it('requires AWS_REGION when only an endpoint turns the emulator off', () => {
    const error = configError({ SUPPLYCHAIN_ENDPOINT: 'https://scn.example.com' });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain('AWS_REGION');
  });

  it('forces the emulator on with LOADGRAPH_EMULATOR=1 even when AWS settings are given', () => {
    const config = loadConfig({
      LOADGRAPH_EMULATOR: '1',
      AWS_REGION: 'eu-central-1',
      DATAZONE_ENDPOINT: 'https://dz.example.com',
    });
    expect(config.emulator.enabled).toBe(true);
    expect(config.aws.region).toBe('eu-central-1');
  });

  it('keeps the emulator off with LOADGRAPH_EMULATOR=0 and a region', () => {
    expect(loadConfig({ LOADGRAPH_EMULATOR: '0', AWS_REGION: 'us-east-2' }).emulator.enabled).toBe(false);
  });

  it('rejects LOADGRAPH_EMULATOR=0 without AWS_REGION, naming AWS_REGION', () => {
    const error = configError({ LOADGRAPH_EMULATOR: '0' });
    expect(error.message).toContain('AWS_REGION');
    expect(error.message).toContain('LOADGRAPH_EMULATOR=0');
  });
});

describe('loadConfig emulator keys and region', () => {
  it('reads EMULATOR_CREDENTIALS as key pairs (a secret may hold colons) and EMULATOR_REGION', () => {
    const config = loadConfig({
      EMULATOR_CREDENTIALS: 'AKIAONE:s3cr:et,AKIA_TWO:other',
      EMULATOR_REGION: 'eu-central-1',
    });
    expect(config.emulator.credentials).toEqual([
      { accessKeyId: 'AKIAONE', secretAccessKey: 's3cr:et' },
      { accessKeyId: 'AKIA_TWO', secretAccessKey: 'other' },
    ]);
    expect(config.emulator.region).toBe('eu-central-1');
    expect(config.aws.region).toBe('eu-central-1');
  });

  it('rejects malformed pairs without echoing the secrets', () => {
    const error = configError({ EMULATOR_CREDENTIALS: 'AKIAONE-no-secret,AKIA:my secret' });
    expect(error.problems[0]).toMatch(/^EMULATOR_CREDENTIALS=<\d+ characters, not shown> is not valid: /);
    expect(error.message).not.toContain('my secret');
    expect(configError({ EMULATOR_REGION: 'Europe' }).problems[0]).toMatch(/^EMULATOR_REGION="Europe"/);
  });
});

describe('loadConfig rejects bad values', () => {
  // [variable, value, what the message must say is allowed]
  const cases: [string, string, RegExp][] = [
    ['PORT', 'abc', /number/],
    ['PORT', '70000', /65535/],
    ['LOG_LEVEL', 'loud', /fatal.*error.*warn.*info.*debug.*trace.*silent/],
    ['SUPPLYCHAIN_ENDPOINT', 'ftp://x', /https?\b|http or https/i],
    ['UPSTREAM_MAX_ATTEMPTS', '0', />\s*0|positive|at least 1|>=\s*1/],
    ['TERMINAL_CACHE_MAX', '-1', />=\s*0|at least 0|non-negative/],
    // Beyond what a Node.js timer takes (it would fire at once).
    ['REQUEST_TIMEOUT_MS', '3000000000', /at most 2147483647/],
    ['WS_PING_INTERVAL_MS', '2147483648', /at most 2147483647/],
    // Each item of a list whole, not just its first and last alternatives.
    ['AUTH_JWT_ALGORITHMS', 'RS256,bogus', /comma-separated JWS algorithms/],
    ['AUTH_JWT_ALGORITHMS', 'HS2560', /comma-separated JWS algorithms/],
    // An operation live polling never calls would be ignored without a word.
    ['LIVE_SHARED_RATE_BY_OPERATION', 'GetDataSourceRuns=5', /GetDataIntegrationEvent, .*ListDataSourceRuns/],
  ];

  it.each(cases)(
    '%s=%s names the variable, shows the value and says what is allowed',
    (name, value, allowed) => {
      const env: Record<string, string> = { AWS_REGION: 'us-east-1', LOADGRAPH_EMULATOR: '1', [name]: value };
      const error = configError(env);
      expect(error.problems).toHaveLength(1);
      const problem = error.problems[0]!;
      expect(problem).toContain(name);
      expect(problem).toContain(JSON.stringify(value));
      expect(problem).toMatch(allowed);
      expect(error.message).toContain(problem);
      expect(error.message).toContain('--help');
    },
  );

  it('reports several bad variables together, in one error', () => {
    const error = configError({ PORT: 'abc', LOG_LEVEL: 'loud', TERMINAL_CACHE_MAX: '-1' });
    expect(error.problems).toHaveLength(3);
    for (const name of ['PORT', 'LOG_LEVEL', 'TERMINAL_CACHE_MAX']) {
      expect(error.problems.some((p) => p.startsWith(`${name}=`))).toBe(true);
      expect(error.message).toContain(name);
    }
  });

  it('reports a bad variable and a missing region together', () => {
    const error = configError({ LOADGRAPH_EMULATOR: '0', PORT: '70000' });
    expect(error.problems).toHaveLength(2);
    expect(error.message).toMatch(/PORT="70000"/);
    expect(error.message).toMatch(/AWS_REGION is required/);
  });

  it('rejects a malformed region and an unknown emulator flag', () => {
    const error = configError({ AWS_REGION: 'mars', LOADGRAPH_EMULATOR: 'yes' });
    expect(error.problems.map((p) => p.split('=')[0])).toEqual(
      expect.arrayContaining(['AWS_REGION', 'LOADGRAPH_EMULATOR']),
    );
  });

  it('is named ConfigError', () => {
    expect(configError({ PORT: 'abc' }).name).toBe('ConfigError');
  });
});

describe('loadConfig result', () => {
  it('is deeply frozen', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    for (const section of [config.server, config.emulator, config.aws, config.graph, config.log]) {
      expect(Object.isFrozen(section)).toBe(true);
    }
    expect(() => {
      (config.server as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (config as { nodeEnv: string }).nodeEnv = 'production';
    }).toThrow(TypeError);
    expect(config.server.port).toBe(4000);
  });

  it('is a fresh object per call, so one test cannot leak settings into another', () => {
    expect(loadConfig({})).not.toBe(loadConfig({}));
  });
});

describe('settingsHelp', () => {
  const help = settingsHelp();
  const lines = help.split('\n');

  it('lists every setting once, in SETTINGS order', () => {
    expect(lines).toHaveLength(SETTINGS.length);
    SETTINGS.forEach((s, i) => expect(lines[i]!.trim().split(/\s+/)[0]).toBe(s.name));
  });

  it.each(SETTINGS.map((s) => [s.name, s] as const))('shows the default of %s', (name, s) => {
    const line = lines.find((l) => l.trim().split(/\s+/)[0] === name)!;
    expect(line).toContain(s.help);
    const shown = s.defaultHelp ?? s.default;
    if (shown) expect(line).toContain(`(default: ${shown})`);
    else expect(line).not.toContain('(default:');
  });

  it('every raw default is itself a valid value of its setting', () => {
    for (const s of SETTINGS) {
      if (s.default !== '') expect(s.schema.safeParse(s.default).success, s.name).toBe(true);
    }
  });
});

describe('WEB_UI', () => {
  it('is on by default, off in production, and on in production when set', () => {
    expect(loadConfig({}).server.webUi).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production' }).server.webUi).toBe(false);
    expect(loadConfig({ PRODUCTION_MODE: '1' }).server.webUi).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', WEB_UI: '1' }).server.webUi).toBe(true);
    expect(loadConfig({ WEB_UI: '0' }).server.webUi).toBe(false);
  });
});
