/**
 * The authentication and per-principal limit settings (`AUTH_*`), part of {@link SETTINGS} in config.ts:
 * their schemas, and the typed {@link AuthConfig} built from them. Internal to config.ts.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Setting, SettingReader } from './config.setting.js';

const sha256Hex = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');
const API_KEYS_FORMAT = '[{"sha256" or "key", "id", "scopes", "instances", "domains"}]';
const SCOPE = z.enum(['loads:read', 'events:send']);
const ids = z.array(z.string().regex(/^(\*|[\w.-]{1,128})$/, 'an id or *')).max(10_000);

/** One API key: the key itself (or its SHA-256, hex) and the principal it stands for. */
const apiKeyEntry = z
  .strictObject({
    key: z.string().min(16, 'at least 16 characters').optional(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits')
      .optional(),
    id: z.string().regex(/^[\w.@:-]{1,128}$/, 'a principal id of letters, digits and ._@:-'),
    scopes: z.array(SCOPE),
    instances: ids.default([]),
    domains: ids.default([]),
  })
  .refine((e) => (e.key === undefined) !== (e.sha256 === undefined), 'exactly one of key and sha256');
const apiKeyList = z.array(apiKeyEntry).min(1, 'at least one key');

const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .regex(/^\d+$/, `a whole number of at least ${min}`)
    .transform(Number)
    .pipe(z.number().min(min, `at least ${min}`).max(max, `at most ${max}`));
const list = (what: string, item: RegExp) =>
  z
    .string()
    .regex(new RegExp(`^(?:${item.source})(?:,(?:${item.source}))*$`), `comma-separated ${what}`)
    .transform((v) => v.split(','));
const claimName = z.string().regex(/^[\w.:/-]{1,128}$/, 'a claim name');

const MODES = ['none', 'jwt', 'apikey', 'jwt,apikey', 'apikey,jwt'] as const;

/** The `AUTH_*` rows of the settings table, in `--help` order. */
export const AUTH_SETTINGS = [
  {
    name: 'AUTH_MODE',
    default: '',
    defaultHelp: 'none with the emulator; required with AWS',
    schema: z.enum(MODES),
    help: 'how callers authenticate: jwt (bearer JWTs), apikey, jwt,apikey (either), or none (everyone is the anonymous principal with every right; with AWS only when set explicitly)',
  },
  {
    name: 'AUTH_JWKS_URL',
    default: '',
    schema: z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' }),
    help: 'JWT mode: the JWKS the signing keys are fetched from (keys are picked by kid; an unknown kid refetches it, at most once per AUTH_JWKS_COOLDOWN_MS)',
  },
  {
    name: 'AUTH_JWKS_COOLDOWN_MS',
    default: '30000',
    schema: wholeNumber(0, 3_600_000),
    help: 'JWT mode: least time between two fetches of the JWKS (a token with an unknown kid refetches it)',
  },
  {
    name: 'AUTH_JWT_PUBLIC_KEY',
    default: '',
    schema: z
      .string()
      .transform((v) => v.replaceAll('\\n', '\n'))
      .pipe(z.string().regex(/-----BEGIN PUBLIC KEY-----/, 'a PEM public key (SPKI)')),
    help: 'JWT mode: a static PEM public key (RSA, EC or Ed25519) instead of a JWKS; \\n stands for a newline',
  },
  {
    name: 'AUTH_JWT_SECRET',
    default: '',
    sensitive: true,
    schema: z.string().min(32, 'at least 32 characters'),
    help: 'JWT mode: a shared HMAC secret (HS256/384/512) instead of a JWKS or public key',
  },
  {
    name: 'AUTH_JWT_ISSUER',
    default: '',
    schema: z.string().min(1),
    help: 'JWT mode: the required iss claim',
  },
  {
    name: 'AUTH_JWT_AUDIENCE',
    default: '',
    schema: z.string().min(1),
    help: 'JWT mode: the required aud claim (this gateway)',
  },
  {
    name: 'AUTH_JWT_ALGORITHMS',
    default: '',
    defaultHelp: 'HS256,HS384,HS512 with a secret, else RS*, PS*, ES* and EdDSA',
    schema: list('JWS algorithms', /(HS|RS|PS|ES)(256|384|512)|EdDSA|Ed25519/),
    help: 'JWT mode: the accepted signature algorithms (none is never accepted)',
  },
  {
    name: 'AUTH_JWT_CLOCK_SKEW_MS',
    default: '30000',
    schema: wholeNumber(0, 600_000),
    help: 'JWT mode: clock skew tolerated on exp and nbf',
  },
  {
    name: 'AUTH_JWT_SUBJECT_CLAIM',
    default: 'sub',
    schema: claimName,
    help: 'JWT mode: the claim holding the principal id',
  },
  {
    name: 'AUTH_JWT_SCOPE_CLAIMS',
    default: 'scope,scp',
    schema: list('claim names', /[\w.:/-]{1,128}/),
    help: 'JWT mode: the claims holding the scopes (a space-separated string or a list); the first present is used',
  },
  {
    name: 'AUTH_JWT_INSTANCES_CLAIM',
    default: 'loadgraph_instances',
    schema: claimName,
    help: 'JWT mode: the claim listing the Supply Chain instance ids the caller may touch (* for all; absent: none)',
  },
  {
    name: 'AUTH_JWT_DOMAINS_CLAIM',
    default: 'loadgraph_domains',
    schema: claimName,
    help: 'JWT mode: the claim listing the DataZone domain ids the caller may touch (* for all; absent: none)',
  },
  {
    name: 'AUTH_API_KEYS',
    default: '',
    sensitive: true,
    schema: z.string().min(2),
    help: `apikey mode: the keys, as JSON: ${API_KEYS_FORMAT}`,
  },
  {
    name: 'AUTH_API_KEYS_FILE',
    default: '',
    schema: z.string().min(1),
    help: 'apikey mode: a file holding the same JSON as AUTH_API_KEYS (read at start)',
  },
  {
    name: 'AUTH_API_KEY_HEADER',
    default: 'x-api-key',
    schema: z
      .string()
      .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'an HTTP header name')
      .transform((v) => v.toLowerCase()),
    help: 'apikey mode: the request header carrying the key (or Authorization: ApiKey <key>)',
  },
  {
    name: 'AUTH_RATE_LIMIT_PER_SECOND',
    default: '50',
    schema: wholeNumber(0, 1_000_000),
    help: 'GraphQL HTTP requests per second per principal (anonymous callers: per client address), token bucket; 429 with Retry-After beyond; 0 turns it off',
  },
  {
    name: 'AUTH_RATE_LIMIT_BURST',
    default: '100',
    schema: wholeNumber(1, 1_000_000),
    help: 'requests a principal may make at once before AUTH_RATE_LIMIT_PER_SECOND applies (bucket size)',
  },
  {
    name: 'AUTH_WS_MAX_CONNECTIONS_PER_PRINCIPAL',
    default: '20',
    schema: wholeNumber(0, 1_000_000),
    help: 'open WebSocket connections per principal (anonymous: per client address); one more is closed with 4429; 0 turns it off',
  },
] as const satisfies readonly Setting[];

/** One accepted API key: its hash (the key itself is never kept), id, scopes, instances and domains. */
export type ApiKeyEntry = Readonly<{
  /** SHA-256 of the key, hex. */
  sha256: string;
  id: string;
  scopes: readonly ('loads:read' | 'events:send')[];
  instances: readonly string[];
  domains: readonly string[];
}>;

/** The `auth` section of the config: how callers authenticate, and the per-principal limits. */
export interface AuthConfig {
  /** Whether AUTH_MODE was set: with AWS, the gateway refuses to start on the anonymous default. */
  readonly modeSet: boolean;
  /** How callers authenticate; empty: nobody does, everyone is the anonymous principal. */
  readonly modes: readonly ('jwt' | 'apikey')[];
  readonly jwt: {
    readonly jwksUrl: string | undefined;
    readonly jwksCooldownMs: number;
    readonly publicKeyPem: string | undefined;
    readonly secret: string | undefined;
    readonly issuer: string | undefined;
    readonly audience: string | undefined;
    /** undefined: the default set for the key kind. */
    readonly algorithms: readonly string[] | undefined;
    readonly clockSkewMs: number;
    readonly subjectClaim: string;
    readonly scopeClaims: readonly string[];
    readonly instancesClaim: string;
    readonly domainsClaim: string;
  };
  readonly apiKeyHeader: string;
  readonly apiKeys: readonly ApiKeyEntry[];
  /** Token bucket per principal over GraphQL HTTP requests; `perSecond` 0: off. */
  readonly rateLimit: { readonly perSecond: number; readonly burst: number };
  /** 0: no limit. */
  readonly wsMaxConnectionsPerPrincipal: number;
}

/**
 * Why the gateway must not start with this auth config against real AWS (`awsChosenBy`: the setting
 * that chose AWS), if it must
 * not: anonymous access to real data is never a default, only an explicit `AUTH_MODE=none`.
 */
export function authStartProblem(auth: AuthConfig, awsChosenBy: string | undefined): string | undefined {
  if (awsChosenBy === undefined || auth.modeSet) return undefined;
  return `AUTH_MODE is required when the gateway talks to AWS (chosen by ${awsChosenBy}): set jwt or apikey (see the README, Security), or none to allow anonymous access explicitly`;
}

/**
 * Builds the auth section. `read` parses a setting (recording a problem if it is invalid), `problems`
 * collects what is wrong across settings.
 */
export function readAuthConfig(read: SettingReader<typeof AUTH_SETTINGS>, problems: string[]): AuthConfig {
  const mode = read('AUTH_MODE');
  const modes = mode === undefined || mode === 'none' ? [] : (mode.split(',') as ('jwt' | 'apikey')[]);
  const jwt = {
    jwksUrl: read('AUTH_JWKS_URL'),
    jwksCooldownMs: read('AUTH_JWKS_COOLDOWN_MS'),
    publicKeyPem: read('AUTH_JWT_PUBLIC_KEY'),
    secret: read('AUTH_JWT_SECRET'),
    issuer: read('AUTH_JWT_ISSUER'),
    audience: read('AUTH_JWT_AUDIENCE'),
    algorithms: read('AUTH_JWT_ALGORITHMS'),
    clockSkewMs: read('AUTH_JWT_CLOCK_SKEW_MS'),
    subjectClaim: read('AUTH_JWT_SUBJECT_CLAIM'),
    scopeClaims: read('AUTH_JWT_SCOPE_CLAIMS'),
    instancesClaim: read('AUTH_JWT_INSTANCES_CLAIM'),
    domainsClaim: read('AUTH_JWT_DOMAINS_CLAIM'),
  };
  if (modes.includes('jwt')) {
    const keys = [jwt.jwksUrl, jwt.publicKeyPem, jwt.secret].filter((k) => k !== undefined).length;
    if (keys !== 1)
      problems.push(
        'AUTH_MODE=jwt needs exactly one of AUTH_JWKS_URL, AUTH_JWT_PUBLIC_KEY and AUTH_JWT_SECRET',
      );
    if (jwt.issuer === undefined) problems.push('AUTH_MODE=jwt needs AUTH_JWT_ISSUER');
    if (jwt.audience === undefined) problems.push('AUTH_MODE=jwt needs AUTH_JWT_AUDIENCE');
  }
  const apiKeys: ApiKeyEntry[] = [];
  const inline = read('AUTH_API_KEYS');
  const file = read('AUTH_API_KEYS_FILE');
  const addKeys = (name: string, text: string, shown: string) => {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      problems.push(`${name}${shown} is not valid JSON (expected ${API_KEYS_FORMAT})`);
      return;
    }
    const parsed = apiKeyList.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      problems.push(
        `${name}${shown} is not valid: ${issue?.path.join('.') || 'keys'}: ${issue?.message ?? 'invalid'}`,
      );
      return;
    }
    for (const { key, sha256, id, scopes, instances, domains } of parsed.data)
      apiKeys.push({ sha256: sha256 ?? sha256Hex(key!), id, scopes, instances, domains });
  };
  if (inline !== undefined) addKeys('AUTH_API_KEYS', inline, '');
  if (file !== undefined) {
    let text: string | undefined;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      problems.push(`AUTH_API_KEYS_FILE=${JSON.stringify(file)} cannot be read: ${(err as Error).message}`);
    }
    if (text !== undefined) addKeys('AUTH_API_KEYS_FILE', text, ` (${file})`);
  }
  if (modes.includes('apikey') && apiKeys.length === 0 && inline === undefined && file === undefined)
    problems.push('AUTH_MODE=apikey needs AUTH_API_KEYS or AUTH_API_KEYS_FILE');
  return {
    modeSet: mode !== undefined,
    modes,
    jwt,
    apiKeyHeader: read('AUTH_API_KEY_HEADER'),
    apiKeys,
    rateLimit: { perSecond: read('AUTH_RATE_LIMIT_PER_SECOND'), burst: read('AUTH_RATE_LIMIT_BURST') },
    wsMaxConnectionsPerPrincipal: read('AUTH_WS_MAX_CONNECTIONS_PER_PRINCIPAL'),
  };
}
