/**
 * The emulator's canonical request, held to what `@smithy/signature-v4` signs: paths normalized and
 * encoded once more (every AWS service but S3), query pairs decoded, re-encoded and sorted. A request
 * signed by the SDK's signer verifies; the same request with any signed part changed does not. (The
 * end-to-end cases, through real clients over HTTP, are in test/emulator/sigv4.e2e.test.ts.)
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  canonicalUri,
  DEFAULT_EMULATOR_CREDENTIALS as KEYS,
  verifySigV4,
  type ReceivedRequest,
} from '../../src/emulator/protocol/sigv4.js';

const NOW = Date.UTC(2026, 4, 1, 10, 0, 0);
const verifier = {
  secrets: new Map([[KEYS.accessKeyId, KEYS.secretAccessKey]]),
  region: 'us-east-1',
  now: () => NOW,
};

/** Signs `path?query` with the SDK's signer, and returns it as the emulator receives it. */
async function signed(
  path: string,
  query: Record<string, string | string[]> = {},
  body = '',
): Promise<ReceivedRequest> {
  const signer = new SignatureV4({ service: 'scn', region: 'us-east-1', credentials: KEYS, sha256: Sha256 });
  const request = await signer.sign(
    new HttpRequest({
      method: body ? 'POST' : 'GET',
      hostname: '127.0.0.1',
      port: 4010,
      path,
      query,
      headers: { host: '127.0.0.1:4010', ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body } : {}),
    }),
    { signingDate: new Date(NOW) },
  );
  const qs = Object.entries(query)
    .flatMap(([k, v]) =>
      (Array.isArray(v) ? v : [v]).map((x) => `${encodeURIComponent(k)}=${encodeURIComponent(x)}`),
    )
    .join('&');
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    method: request.method,
    target: `${path}${qs ? `?${qs}` : ''}`,
    headers,
    rawHeaders: Object.entries(request.headers).flat(),
    body: Buffer.from(body),
  };
}

describe('canonicalUri', () => {
  it.each([
    ['/api/instance', '/api/instance'],
    ['/a/./b/../c', '/a/c'],
    ['//a//b/', '/a/b/'],
    ['/', '/'],
    ['/v2/domains/', '/v2/domains/'],
    ['/e/arn%3Aaws%3Ascn%2Fx%20y', '/e/arn%253Aaws%253Ascn%252Fx%2520y'],
    ["/e/it's(1)*!", '/e/it%27s%281%29%2A%21'],
  ])('%s → %s', (raw, canonical) => expect(canonicalUri(raw)).toBe(canonical));
});

describe('canonicalQuery', () => {
  it('decodes, re-encodes and sorts by key then value; a bare key has an empty value', () => {
    expect(canonicalQuery('b=2&a=z&a=y%20x&c&d=%2B+')).toBe('a=y%20x&a=z&b=2&c=&d=%2B%2B');
  });
});

describe('verifySigV4', () => {
  it('verifies what the SDK signs, with encoded labels, repeated query keys and a body', async () => {
    const request = await signed(
      '/api-data/x/arn%3Aaws%3Ascn%3Aus-east-1%3A1%3Ainstance%2Fa%20b',
      { f: ['b c', 'a:d&e'], g: '1' },
      '{"a":"ü"}',
    );
    expect(verifySigV4(request, 'scn', verifier)).toMatchObject({ ok: true, scope: { region: 'us-east-1' } });
  });

  it.each([
    ['the path', (r: ReceivedRequest) => ({ ...r, target: r.target.replace('/x/', '/y/') })],
    ['the query', (r: ReceivedRequest) => ({ ...r, target: r.target.replace('g=1', 'g=2') })],
    ['the method', (r: ReceivedRequest) => ({ ...r, method: 'PUT' })],
    [
      'a signed header',
      (r: ReceivedRequest) => ({
        ...r,
        rawHeaders: r.rawHeaders.map((v) => (v === '127.0.0.1:4010' ? 'other:1' : v)),
      }),
    ],
  ])('refuses a signed request whose %s changed', async (_, change) => {
    const request = await signed('/api-data/x/1', { g: '1' });
    expect(verifySigV4(change(request), 'scn', verifier)).toMatchObject({
      ok: false,
      name: 'InvalidSignatureException',
      status: 403,
    });
  });

  it('allows 15 minutes of skew either way from the wall clock it is given, not more', async () => {
    const request = await signed('/api/instance');
    const at = (ms: number) => verifySigV4(request, 'scn', { ...verifier, now: () => ms });
    expect(at(NOW + 15 * 60_000).ok).toBe(true);
    expect(at(NOW - 15 * 60_000).ok).toBe(true);
    expect(at(NOW + 15 * 60_000 + 1_000)).toMatchObject({
      message:
        'Signature expired: 20260501T100000Z is now earlier than 20260501T100001Z (20260501T101501Z - 15 min.)',
    });
    expect(at(NOW - 15 * 60_000 - 1_000)).toMatchObject({
      message:
        'Signature not yet current: 20260501T100000Z is still later than 20260501T095959Z (20260501T094459Z + 15 min.)',
    });
  });
});
