/**
 * The shared-secret guard of the subgraph endpoint and its two settings, on their own (the e2e test
 * drives them through real HTTP, SSE and WebSocket requests).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { createSubgraphSecretGuard } from '../../src/server/subgraphSecret.js';

const OLD = 'old-secret-0123456789abcdef';
const NEW = 'new-secret-fedcba9876543210';
const header = 'router-authorization';

describe('createSubgraphSecretGuard', () => {
  it('is off without secrets', () => {
    expect(createSubgraphSecretGuard({ secretHeader: header, sharedSecrets: [] })).toBeUndefined();
  });

  const guard = createSubgraphSecretGuard({ secretHeader: header, sharedSecrets: [OLD, NEW] })!;

  it('lets a request with any of the secrets through (a rotation accepts old and new)', () => {
    expect(guard({ [header]: OLD })).toBeUndefined();
    expect(guard({ [header]: NEW })).toBeUndefined();
  });

  it.each([
    ['no header', {}],
    ['an empty header', { [header]: '' }],
  ])('refuses %s with 401 UNAUTHENTICATED, naming the header', (_, headers) => {
    expect(guard(headers)).toEqual({
      status: 401,
      code: 'UNAUTHENTICATED',
      message: expect.stringContaining(header),
    });
  });

  it.each([
    ['another value', { [header]: `${NEW}!` }],
    ['a prefix of a secret', { [header]: NEW.slice(0, -1) }],
    ['the secret under another header', { authorization: NEW, [header]: 'x' }],
    ['the header twice', { [header]: [NEW, NEW] }],
    ['both secrets joined', { [header]: `${OLD}, ${NEW}` }],
  ])('refuses %s with 403 FORBIDDEN', (_, headers) => {
    expect(guard(headers)).toMatchObject({ status: 403, code: 'FORBIDDEN' });
  });

  it('never puts a secret in its message', () => {
    const refusal = guard({ [header]: 'wrong' })!;
    expect(refusal.message).not.toContain(OLD);
    expect(refusal.message).not.toContain(NEW);
  });
});

describe('the SUBGRAPH_* settings', () => {
  it('default to no secret and the router-authorization header', () => {
    expect(loadConfig({}).subgraph).toEqual({
      secretHeader: 'router-authorization',
      sharedSecrets: [],
      callbackUrlPrefixes: [],
    });
  });

  it('read a comma-separated list of secrets and lower-case the header name', () => {
    const config = loadConfig({
      SUBGRAPH_SHARED_SECRET: `${OLD},${NEW}`,
      SUBGRAPH_SECRET_HEADER: 'X-Router-Secret',
    });
    expect(config.subgraph).toMatchObject({ secretHeader: 'x-router-secret', sharedSecrets: [OLD, NEW] });
  });

  it.each([
    ['too short', 'short-secret'],
    ['with a blank', 'a secret with blanks in it'],
    ['with an empty item', `${OLD},`],
  ])('reject a secret %s without echoing it', (_, value) => {
    let error: unknown;
    try {
      loadConfig({ SUBGRAPH_SHARED_SECRET: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('SUBGRAPH_SHARED_SECRET');
    expect(message).toContain(`<${value.length} characters, not shown>`);
    expect(message).not.toContain(value);
  });

  it('reject a header name that is not an HTTP token', () => {
    expect(() => loadConfig({ SUBGRAPH_SECRET_HEADER: 'router authorization' })).toThrow(
      /SUBGRAPH_SECRET_HEADER="router authorization" is not valid: an HTTP header name/,
    );
  });
});
