/**
 * The gateway's SigV4 signer signs what `@smithy/signature-v4` signs: for the same request, credentials
 * and date, both produce identical headers (the `authorization` header above all), across odd paths,
 * query strings, bodies, session tokens and header spellings; and the signing key follows the date, the
 * region and rotating credentials.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, QueryParameterBag } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { createSigV4Signer } from '../../src/upstream/signer.js';

const KEYS: AwsCredentialIdentity = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};
const SESSION: AwsCredentialIdentity = { ...KEYS, sessionToken: 'FwoGZXIvYXdzE//token+with/odd=chars' };
const DATE = new Date(Date.UTC(2026, 4, 1, 23, 59, 59, 123));

interface Case {
  readonly name: string;
  readonly method?: string;
  readonly path: string;
  readonly query?: QueryParameterBag;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  readonly credentials?: AwsCredentialIdentity;
}

const BASE_HEADERS = {
  'content-type': 'application/json',
  'x-amz-user-agent': 'aws-sdk-js/3.0.0 ua/2.1 os/linux#6 lang/js md/nodejs#20',
  'user-agent': 'aws-sdk-js/3.0.0 ua/2.1',
  'amz-sdk-invocation-id': '5f2a1c2e-0b6e-4c1e-9d7f-0a1b2c3d4e5f',
  'amz-sdk-request': 'attempt=1; max=3',
};

const CASES: readonly Case[] = [
  { name: 'a plain GET', path: '/api-data/data-integration/instance/i-1/data-integration-events/e-1' },
  { name: 'spaces, colons, tildes and unicode in the path', path: '/v2/domains/d 1/runs/a:b~c/é✓/ünï' },
  { name: 'an already encoded path (encoded once more)', path: '/v2/domains/d%201/runs/a%3Ab' },
  { name: 'dot segments and empty segments', path: '/a/./b/../c//d/' },
  { name: 'the root path', path: '/' },
  { name: 'reserved characters in the path', path: "/x/!'()*/+=&$,;@[]" },
  {
    name: 'query parameters with repeated keys and special characters',
    path: '/v2/domains/d-1/data-sources/s-1/runs',
    query: {
      maxResults: '20',
      nextToken: 'abc/def+ghi=jkl==',
      status: ['SUCCESS', 'FAILED', 'RUNNING'],
      'weird key': "v a!'()*~",
      empty: '',
      uni: 'ünï✓',
      Z: 'upper sorts first',
    },
  },
  { name: 'an empty array query value', path: '/x', query: { a: [], b: '1' } },
  {
    name: 'a JSON string body',
    method: 'POST',
    path: '/api-data/data-integration/instance/i-1/data-integration-events',
    body: '{"eventType":"scn.data.forecast","data":"{\\"x\\":\\"é\\"}"}',
  },
  { name: 'a Uint8Array body', method: 'PUT', path: '/x', body: new TextEncoder().encode('{"a":1}') },
  { name: 'a Buffer slice body', method: 'PUT', path: '/x', body: Buffer.from('xx{"a":1}yy').subarray(2, 9) },
  { name: 'an empty string body', method: 'POST', path: '/x', body: '' },
  { name: 'a stream body (unsigned payload)', method: 'POST', path: '/x', body: { pipe() {} } },
  { name: 'session credentials', path: '/x', credentials: SESSION },
  {
    name: 'stale signing headers and odd header spellings',
    path: '/x',
    headers: {
      Authorization: 'AWS4-HMAC-SHA256 stale',
      'X-Amz-Date': '20000101T000000Z',
      Date: 'Sat, 01 Jan 2000 00:00:00 GMT',
      'X-Custom-Header': '  folded\r\n  value\twith   runs ',
      Connection: 'keep-alive',
      'Proxy-Authorization': 'x',
      'sec-fetch-mode': 'cors',
      'X-Amzn-Trace-Id': 'Root=1-abc',
    },
  },
  {
    name: 'a caller-supplied payload hash',
    method: 'POST',
    path: '/x',
    headers: { 'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD' },
    body: 'ignored',
  },
];

function request(c: Case): HttpRequest {
  return new HttpRequest({
    method: c.method ?? 'GET',
    protocol: 'https:',
    hostname: 'scn.us-east-1.amazonaws.com',
    path: c.path,
    query: c.query ?? {},
    headers: { host: 'scn.us-east-1.amazonaws.com', ...BASE_HEADERS, ...c.headers },
    body: c.body,
  });
}

async function both(c: Case, region = 'us-east-1', service = 'scn') {
  const credentials = c.credentials ?? KEYS;
  const sdk = new SignatureV4({ region, service, credentials, sha256: Sha256, uriEscapePath: true });
  const ours = createSigV4Signer({ region, service, credentials: async () => credentials });
  const options = { signingDate: DATE, signingRegion: region, signingService: service };
  const original = request(c);
  const before = structuredClone({ headers: original.headers, query: original.query });
  const [expected, actual] = await Promise.all([sdk.sign(request(c), options), ours.sign(original, options)]);
  expect({ headers: original.headers, query: original.query }).toEqual(before);
  return { expected, actual };
}

describe('the SigV4 signer', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('signs %s as @smithy/signature-v4 does', async (_, c) => {
    const { expected, actual } = await both(c);
    expect(actual.headers['authorization']).toBe(expected.headers['authorization']);
    expect(actual.headers).toEqual(expected.headers);
    expect(actual.path).toBe(expected.path);
    expect(actual.query).toEqual(expected.query);
  });

  it('signs for the region and service of each call, and for other dates', async () => {
    const c = CASES[0]!;
    const sdk = new SignatureV4({ region: 'us-east-1', service: 'scn', credentials: KEYS, sha256: Sha256 });
    const ours = createSigV4Signer({ region: 'us-east-1', service: 'scn', credentials: async () => KEYS });
    for (const [signingDate, signingRegion, signingService] of [
      [DATE, 'eu-west-1', 'datazone'],
      [new Date(DATE.getTime() + 1_000), 'eu-west-1', 'datazone'],
      [new Date(DATE.getTime() + 86_400_000), 'us-east-1', 'scn'],
      [DATE, 'us-east-1', 'scn'],
    ] as const) {
      const options = { signingDate, signingRegion, signingService };
      const expected = await sdk.sign(request(c), options);
      const actual = await ours.sign(request(c), options);
      expect(actual.headers['authorization']).toBe(expected.headers['authorization']);
    }
  });

  it('reads the credentials on every signature, so rotated keys sign the next call', async () => {
    let current: AwsCredentialIdentity = KEYS;
    const ours = createSigV4Signer({ region: 'us-east-1', service: 'scn', credentials: async () => current });
    const options = { signingDate: DATE };
    const first = await ours.sign(request(CASES[0]!), options);
    current = { accessKeyId: 'AKIDROTATED', secretAccessKey: 'rotated-secret', sessionToken: 'tok' };
    const second = await ours.sign(request(CASES[0]!), options);
    const sdk = new SignatureV4({
      region: 'us-east-1',
      service: 'scn',
      credentials: current,
      sha256: Sha256,
    });
    const expected = await sdk.sign(request(CASES[0]!), options);
    expect(second.headers).toEqual(expected.headers);
    expect(second.headers['authorization']).not.toBe(first.headers['authorization']);
  });

  it('rejects as the SDK does when the provider yields no key pair', async () => {
    const ours = createSigV4Signer({
      region: 'us-east-1',
      service: 'scn',
      credentials: async () => ({}) as AwsCredentialIdentity,
    });
    await expect(ours.sign(request(CASES[0]!))).rejects.toThrow('Resolved credential object is not valid');
  });
});
