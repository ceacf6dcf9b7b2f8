/**
 * Authentication: turns a request's credentials into a {@link Principal}, or a refusal that says only
 * that the credentials are missing or not valid (the reason goes to the log, never to the caller).
 *
 * - `jwt`: `Authorization: Bearer <jwt>`, verified with jose against the JWKS (keys picked by `kid`), the
 *   static public key or the HMAC secret; `iss`, `aud` and `exp` are required, `exp`/`nbf` allow the
 *   configured clock skew. The subject, scopes, instances and domains come from configurable claims.
 * - `apikey`: the key in the API key header or `Authorization: ApiKey <key>`, compared as SHA-256
 *   digests in constant time against every configured key.
 * - no mode: every caller is {@link ANONYMOUS}.
 *
 * graphql-ws clients send the same credentials in their `connection_init` payload (`authorization`,
 * `apiKey`), or in the upgrade request's headers.
 */
import { createHash, createPublicKey, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { AuthConfig } from '../../config.auth.js';
import type { AppLogger } from '../logger.js';
import { ANONYMOUS, SCOPES, type Principal, type Scope } from './principal.js';
import { ErrorCode } from '../../errors.js';

/** Why a caller was not let in: always 401 UNAUTHENTICATED, with the challenge to send back. */
export interface AuthRefusal {
  readonly status: 401;
  readonly code: typeof ErrorCode.UNAUTHENTICATED;
  readonly message: string;
  /** The `WWW-Authenticate` header value. */
  readonly challenge: string;
}

/**
 * Exactly one of: the principal the credentials prove, or the refusal to answer (401 UNAUTHENTICATED with
 * its `WWW-Authenticate` challenge).
 */
export type AuthOutcome =
  | { readonly principal: Principal; readonly refusal?: undefined }
  | { readonly principal?: undefined; readonly refusal: AuthRefusal };

/**
 * Turns the credentials of a request or WebSocket connection into a principal or a refusal. Never rejects:
 * every bad or missing credential is an {@link AuthOutcome} refusal.
 */
export interface Authenticator {
  /** From request headers (HTTP, SSE). */
  fromHeaders(headers: IncomingHttpHeaders): Promise<AuthOutcome>;
  /** From a graphql-ws `connection_init` payload, falling back to the upgrade request's headers. */
  fromConnectionParams(
    params: Readonly<Record<string, unknown>> | undefined,
    headers: IncomingHttpHeaders,
  ): Promise<AuthOutcome>;
}

const ASYMMETRIC = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
];
const SYMMETRIC = ['HS256', 'HS384', 'HS512'];
const REALM = 'realm="loadgraph"';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/** A claim as a list of strings: a JSON array of strings, or one string of space- or comma-separated items. */
function claimList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(/[\s,]+/).filter((s) => s.length > 0);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v.length > 0);
  return [];
}

const knownScopes = (values: readonly string[]): Scope[] => SCOPES.filter((scope) => values.includes(scope));

/**
 * The authenticator of the modes `config` turns on (JWT bearer tokens, API keys): only scopes the gateway
 * knows are kept from a credential, and refusals name the challenges of the enabled modes only.
 */
export function createAuthenticator(config: AuthConfig, logger: AppLogger): Authenticator {
  const jwtOn = config.modes.includes('jwt');
  const apiKeyOn = config.modes.includes('apikey');
  const challenges = [...(jwtOn ? [`Bearer ${REALM}`] : []), ...(apiKeyOn ? [`ApiKey ${REALM}`] : [])];
  const refuse = (message: string, error?: string): AuthOutcome => ({
    refusal: {
      status: 401,
      code: ErrorCode.UNAUTHENTICATED,
      message,
      challenge: challenges
        .map((c) => (error && c.startsWith('Bearer') ? `${c}, error="${error}"` : c))
        .join(', '),
    },
  });
  const missing = (): AuthOutcome =>
    refuse(
      `Authentication required: send ${[...(jwtOn ? ['Authorization: Bearer <token>'] : []), ...(apiKeyOn ? [`${config.apiKeyHeader}: <key>`] : [])].join(' or ')}.`,
    );

  const { jwt } = config;
  let key: KeyObject | JWTVerifyGetKey | undefined;
  let algorithms: string[] = jwt.algorithms ? [...jwt.algorithms] : ASYMMETRIC;
  if (jwtOn) {
    if (jwt.jwksUrl) {
      key = createRemoteJWKSet(new URL(jwt.jwksUrl), {
        timeoutDuration: 5_000,
        cooldownDuration: jwt.jwksCooldownMs,
      });
    } else if (jwt.publicKeyPem) {
      key = createPublicKey(jwt.publicKeyPem);
    } else if (jwt.secret) {
      key = createSecretKey(Buffer.from(jwt.secret, 'utf8'));
      algorithms = jwt.algorithms ? [...jwt.algorithms] : SYMMETRIC;
    }
  }

  const principalOfClaims = (claims: JWTPayload): Principal | undefined => {
    const id = claims[jwt.subjectClaim];
    if (typeof id !== 'string' || id.length === 0 || id.length > 256) return undefined;
    const scopeClaim = jwt.scopeClaims.find((name) => claims[name] !== undefined);
    return {
      id,
      method: 'jwt',
      scopes: knownScopes(scopeClaim ? claimList(claims[scopeClaim]) : []),
      instances: claimList(claims[jwt.instancesClaim]),
      domains: claimList(claims[jwt.domainsClaim]),
      expiresAtMs: (claims.exp as number) * 1000 + jwt.clockSkewMs,
    };
  };

  const verifyJwt = async (token: string): Promise<AuthOutcome> => {
    try {
      const options = {
        issuer: jwt.issuer!,
        audience: jwt.audience!,
        algorithms,
        clockTolerance: jwt.clockSkewMs / 1000,
        requiredClaims: ['exp'],
      };
      const { payload } =
        typeof key === 'function'
          ? await jwtVerify(token, key, options)
          : await jwtVerify(token, key!, options);
      const principal = principalOfClaims(payload);
      if (principal) return { principal };
      logger.info({ auth: 'jwt' }, `token refused: no ${jwt.subjectClaim} claim`);
    } catch (err) {
      const e = err as { code?: string; message?: string };
      logger.info({ auth: 'jwt', reason: e.code ?? 'ERR', detail: e.message }, 'token refused');
    }
    return refuse('The bearer token is not valid.', 'invalid_token');
  };

  // One principal per key, made once: the per-principal caches (access rules, scope keys) then hold.
  const keyDigests = config.apiKeys.map((entry) => ({
    digest: Buffer.from(entry.sha256, 'hex'),
    principal: Object.freeze<Principal>({
      id: entry.id,
      method: 'apikey',
      scopes: Object.freeze([...entry.scopes]),
      instances: Object.freeze([...entry.instances]),
      domains: Object.freeze([...entry.domains]),
    }),
  }));
  const verifyApiKey = (presented: string): AuthOutcome => {
    const given = digest(presented);
    let found: Principal | undefined;
    // Every key is compared, so the time taken does not say which one (if any) matched.
    for (const { digest: d, principal } of keyDigests) if (timingSafeEqual(given, d)) found = principal;
    if (!found) {
      logger.info({ auth: 'apikey' }, 'API key refused');
      return refuse('The API key is not valid.');
    }
    return { principal: found };
  };

  const fromCredentials = async (authorization: unknown, apiKey: unknown): Promise<AuthOutcome> => {
    if (config.modes.length === 0) return { principal: ANONYMOUS };
    if (authorization !== undefined) {
      if (typeof authorization !== 'string') return refuse('The Authorization header is malformed.');
      const match = /^(Bearer|ApiKey)\s+(\S+)$/i.exec(authorization.trim());
      const scheme = match?.[1]?.toLowerCase();
      if (match && scheme === 'bearer' && jwtOn) return verifyJwt(match[2]!);
      if (match && scheme === 'apikey' && apiKeyOn) return verifyApiKey(match[2]!);
      return refuse(
        'The Authorization header is malformed or uses an unsupported scheme.',
        'invalid_request',
      );
    }
    if (apiKey !== undefined && apiKeyOn) {
      if (typeof apiKey !== 'string' || apiKey.length === 0) return refuse('The API key is not valid.');
      return verifyApiKey(apiKey);
    }
    return missing();
  };

  return {
    fromHeaders: (headers) => fromCredentials(headers.authorization, headers[config.apiKeyHeader]),
    fromConnectionParams: (params, headers) => {
      const authorization = params?.['authorization'] ?? params?.['Authorization'];
      const apiKey = params?.['apiKey'];
      if (authorization !== undefined || apiKey !== undefined) return fromCredentials(authorization, apiKey);
      return fromCredentials(headers.authorization, headers[config.apiKeyHeader]);
    },
  };
}
