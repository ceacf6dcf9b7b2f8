/**
 * Authentication: bearer JWTs against a real JWKS server on loopback (keys from jose), a static public
 * key and an HMAC secret; API keys; anonymous access only when configured. Refusals are 401 with
 * `WWW-Authenticate` and UNAUTHENTICATED, and say nothing about why.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startApp } from '../../src/app.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { KEYS, apiKey, apiKeysJson, post } from './helpers.js';

const ISSUER = 'https://issuer.test';
const AUDIENCE = 'loadgraph-test';
const Q = '{ __typename }';

interface Signer {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly jwk: JWK;
}
async function signer(kid: string): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return {
    kid,
    privateKey,
    publicKey,
    jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' },
  };
}

/** A JWT signed by `s`, valid for an hour unless `claims`/`expSeconds` say otherwise. */
async function token(
  s: Signer,
  claims: Record<string, unknown> = {},
  opts: { iss?: string; aud?: string; expSeconds?: number; kid?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ scope: 'loads:read', loadgraph_instances: ['*'], loadgraph_domains: ['*'], ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: opts.kid ?? s.kid })
    .setSubject('user-1')
    .setIssuer(opts.iss ?? ISSUER)
    .setAudience(opts.aud ?? AUDIENCE)
    .setIssuedAt(now - 60)
    .setExpirationTime(now + (opts.expSeconds ?? 3_600))
    .sign(s.privateKey);
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

let jwks: Server;
let jwksKeys: JWK[] = [];
let jwksUrl: string;
let k1: Signer;
let k2: Signer;
let stranger: Signer;
let gw: TestGateway;

beforeAll(async () => {
  [k1, k2, stranger] = await Promise.all([signer('k1'), signer('k2'), signer('k1')]);
  jwksKeys = [k1.jwk];
  jwks = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: jwksKeys }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks.json`;
  gw = await startTestGateway({
    AUTH_MODE: 'jwt',
    AUTH_JWKS_URL: jwksUrl,
    AUTH_JWKS_COOLDOWN_MS: '0',
    AUTH_JWT_ISSUER: ISSUER,
    AUTH_JWT_AUDIENCE: AUDIENCE,
    AUTH_JWT_CLOCK_SKEW_MS: '60000',
  });
});

afterAll(async () => {
  await gw?.stop();
  await new Promise((resolve) => jwks?.close(resolve));
});

/** Expects a 401 UNAUTHENTICATED with a Bearer challenge and no detail. */
function expectRefused(reply: Awaited<ReturnType<typeof post>>, challengeError?: string): void {
  expect(reply.status).toBe(401);
  expect(reply.body.errors).toHaveLength(1);
  expect(reply.body.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
  expect(reply.body.errors[0].message).not.toMatch(/exp|iss|aud|signature|kid|JWS|JWT/i);
  const challenge = reply.headers.get('www-authenticate') ?? '';
  expect(challenge).toMatch(/^Bearer realm="loadgraph"/);
  if (challengeError) expect(challenge).toContain(`error="${challengeError}"`);
  else expect(challenge).not.toContain('error=');
}

describe('JWT with a JWKS', () => {
  it('lets in a valid token', async () => {
    const reply = await post(gw, Q, {}, bearer(await token(k1)));
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ data: { __typename: 'Query' } });
  });

  it('refuses a request without credentials with 401 and a challenge', async () => {
    expectRefused(await post(gw, Q));
  });

  it('refuses an expired token, a wrong issuer, a wrong audience and a wrong key alike', async () => {
    for (const t of [
      await token(k1, {}, { expSeconds: -3_600 }),
      await token(k1, {}, { iss: 'https://evil.test' }),
      await token(k1, {}, { aud: 'another-api' }),
      await token(stranger),
      'not.a.jwt',
    ]) {
      expectRefused(await post(gw, Q, {}, bearer(t)), 'invalid_token');
    }
  });

  it('accepts a token expired by less than the clock skew', async () => {
    const reply = await post(gw, Q, {}, bearer(await token(k1, {}, { expSeconds: -30 })));
    expect(reply.status).toBe(200);
  });

  it('follows a key rotation, and refuses a kid the JWKS does not hold', async () => {
    expectRefused(await post(gw, Q, {}, bearer(await token(k2))), 'invalid_token');
    jwksKeys = [k1.jwk, k2.jwk];
    expect((await post(gw, Q, {}, bearer(await token(k2)))).status).toBe(200);
    expectRefused(await post(gw, Q, {}, bearer(await token(k2, {}, { kid: 'k9' }))), 'invalid_token');
  });

  it('reads scopes from scp when scope is absent, and ignores unknown scopes', async () => {
    const world = await gw.world();
    const q = `query($i: ID!) { instance(instanceId: $i) { instanceId } }`;
    const i = world.supplychain.instances[0].instanceId;
    const ok = await post(gw, q, { i }, bearer(await token(k1, { scope: undefined, scp: ['loads:read'] })));
    expect(ok.body.errors).toBeUndefined();
    const no = await post(gw, q, { i }, bearer(await token(k1, { scope: 'admin loads:write' })));
    expect(no.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe('JWT with a static key', () => {
  it('verifies against a PEM public key', async () => {
    const pem = await exportSPKI(k1.publicKey);
    const g = await startTestGateway({
      AUTH_MODE: 'jwt',
      AUTH_JWT_PUBLIC_KEY: pem.replaceAll('\n', '\\n'),
      AUTH_JWT_ISSUER: ISSUER,
      AUTH_JWT_AUDIENCE: AUDIENCE,
    });
    try {
      expect((await post(g, Q, {}, bearer(await token(k1)))).status).toBe(200);
      expectRefused(await post(g, Q, {}, bearer(await token(stranger))), 'invalid_token');
    } finally {
      await g.stop();
    }
  });

  it('verifies against an HMAC secret, and refuses another algorithm', async () => {
    const secret = 'a-test-secret-that-is-long-enough-0123456789';
    const g = await startTestGateway({
      AUTH_MODE: 'jwt',
      AUTH_JWT_SECRET: secret,
      AUTH_JWT_ISSUER: ISSUER,
      AUTH_JWT_AUDIENCE: AUDIENCE,
    });
    try {
      const now = Math.floor(Date.now() / 1000);
      const hs = await new SignJWT({ scope: 'loads:read' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('svc')
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setExpirationTime(now + 60)
        .sign(new TextEncoder().encode(secret));
      expect((await post(g, Q, {}, bearer(hs))).status).toBe(200);
      expectRefused(await post(g, Q, {}, bearer(await token(k1))), 'invalid_token');
    } finally {
      await g.stop();
    }
  });
});

describe('API keys and anonymous access', () => {
  it('lets in a configured key (header or Authorization: ApiKey) and refuses another', async () => {
    const g = await startTestGateway({ AUTH_MODE: 'apikey', AUTH_API_KEYS: apiKeysJson('*', '*') });
    try {
      expect((await post(g, Q, {}, apiKey(KEYS.reader))).status).toBe(200);
      expect((await post(g, Q, {}, { authorization: `ApiKey ${KEYS.reader}` })).status).toBe(200);
      const bad = await post(g, Q, {}, apiKey('key-wrong-0123456789abcdef'));
      expect(bad.status).toBe(401);
      expect(bad.body.errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
      expect(bad.headers.get('www-authenticate')).toBe('ApiKey realm="loadgraph"');
      expect((await post(g, Q)).status).toBe(401);
    } finally {
      await g.stop();
    }
  });

  it('lets everyone in with no AUTH_MODE on the emulator (the default)', async () => {
    const g = await startTestGateway();
    try {
      expect((await post(g, Q)).status).toBe(200);
    } finally {
      await g.stop();
    }
  });

  it.each([
    [{ LOADGRAPH_EMULATOR: '0' }, 'LOADGRAPH_EMULATOR=0'],
    [{ DATAZONE_ENDPOINT: 'http://127.0.0.1:1' }, 'DATAZONE_ENDPOINT'],
  ])(
    'refuses to start against AWS without AUTH_MODE, naming it and what chose AWS: %j',
    async (env, chosenBy) => {
      const config = loadConfig({ AWS_REGION: 'us-east-1', PORT: '0', LOG_LEVEL: 'silent', ...env });
      await expect(startApp({ config, logger: pino({ level: 'silent' }) })).rejects.toThrow(
        `AUTH_MODE is required when the gateway talks to AWS (chosen by ${chosenBy})`,
      );
    },
  );
});
