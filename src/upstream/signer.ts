/**
 * A SigV4 request signer on `node:crypto` that signs exactly what `@smithy/signature-v4`'s
 * `SignatureV4.sign(request, options)` signs for header-signed requests (test/unit/signer.test.ts holds
 * the two to identical headers), at a fraction of its CPU (issue 18): the SDK's signer hashes the
 * credentials to look up its signing-key cache, and builds several hash objects through an async
 * interface for every signature. Ours keeps the signing key of the last (secret, day, region, service)
 * and hashes with one `createHash` and one `createHmac` per call.
 *
 * As the SDK's: credentials are read from the provider on every signature (they rotate); `authorization`,
 * `date` and `x-amz-date` already on the request are replaced; `x-amz-security-token` is added for
 * session credentials and `x-amz-content-sha256` (the payload hash) when absent; every header is signed
 * but the SDK's always-unsignable ones (`user-agent`, `connection`, `proxy-*`, ...); the canonical URI is
 * the path normalized (`.`, `..`, empty segments) and encoded once more, as every AWS service but S3
 * expects; the request is cloned, never changed. Presigning and event-stream signing are not supported
 * (the gateway uses neither). Internal to the upstream layer.
 */
import { createHash, createHmac } from 'node:crypto';
import { HttpRequest } from '@smithy/core/protocols';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  HttpRequest as IHttpRequest,
  QueryParameterBag,
  RequestSigner,
  RequestSigningArguments,
} from '@smithy/types';

/** SHA-256 of the empty body, hex. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** Headers the signer sets itself; copies on the request are dropped (`prepareRequest`). */
const GENERATED_HEADERS = new Set(['authorization', 'x-amz-date', 'date']);
/** `@smithy/signature-v4`'s ALWAYS_UNSIGNABLE_HEADERS, plus its `proxy-` and `sec-` patterns below. */
const UNSIGNABLE_HEADERS = new Set([
  'authorization',
  'cache-control',
  'connection',
  'expect',
  'from',
  'keep-alive',
  'max-forwards',
  'pragma',
  'referer',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'user-agent',
  'x-amzn-trace-id',
]);

/** What {@link createSigV4Signer} signs as. */
export interface SigV4SignerOptions {
  /** The default signing region (the SDK passes `signingRegion` per call). */
  readonly region: string;
  /** The default signing name (`scn`, `datazone`; the SDK passes `signingService` per call). */
  readonly service: string;
  /** Read on every signature. */
  readonly credentials: AwsCredentialIdentityProvider;
}

/** `@smithy/core`'s `escapeUri`: RFC 3986 encoding. */
function escapeUri(value: string): string {
  const encoded = encodeURIComponent(value);
  return /[!'()*]/.test(encoded) ? encoded.replace(/[!'()*]/g, hexEncode) : encoded;
}

function hexEncode(c: string): string {
  return `%${c.charCodeAt(0).toString(16).toUpperCase()}`;
}

/** `SignatureV4Base.getCanonicalPath` with `uriEscapePath`. */
export function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment.length === 0 || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${
    segments.length > 0 && path.endsWith('/') ? '/' : ''
  }`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

/** `@smithy/signature-v4`'s `getCanonicalQuery` (no presigned signature parameter to skip here). */
export function canonicalQuery(query: QueryParameterBag): string {
  const pairs: [string, string][] = [];
  for (const key in query) {
    if (!Object.hasOwn(query, key) || key.toLowerCase() === 'x-amz-signature') continue;
    const encodedKey = escapeUri(key);
    const value = query[key];
    if (typeof value === 'string') {
      pairs.push([encodedKey, `${encodedKey}=${escapeUri(value)}`]);
    } else if (Array.isArray(value) && value.length > 0) {
      const encoded = value.map((v) => `${encodedKey}=${escapeUri(v)}`).sort();
      pairs.push([encodedKey, encoded.join('&')]);
    }
  }
  if (pairs.length === 0) return '';
  if (pairs.length > 1) pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return pairs.map((pair) => pair[1]).join('&');
}

/**
 * A header value as the SDK canonicalizes it: line breaks to spaces, runs of blanks to one, one outer
 * space trimmed.
 */
function canonicalValue(value: string): string {
  if (!/[\r\n\t]| {2}|^ | $/.test(value)) return value;
  return value
    .replace(/[\r\n]/g, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
}

function payloadHash(headers: Record<string, string>, body: unknown): string {
  for (const name in headers) {
    if (name.toLowerCase() === 'x-amz-content-sha256') return headers[name]!;
  }
  if (body == undefined) return EMPTY_SHA256;
  if (typeof body === 'string') return createHash('sha256').update(body, 'utf8').digest('hex');
  if (ArrayBuffer.isView(body)) {
    return createHash('sha256')
      .update(new Uint8Array(body.buffer, body.byteOffset, body.byteLength))
      .digest('hex');
  }
  if (body instanceof ArrayBuffer) return createHash('sha256').update(new Uint8Array(body)).digest('hex');
  return UNSIGNED_PAYLOAD;
}

/**
 * `@smithy/signature-v4`'s `toDate`: seconds since the epoch (number or numeric string), a date string,
 * or a Date.
 */
function toDate(time: Date | number | string): Date {
  if (typeof time === 'number') return new Date(time * 1000);
  if (typeof time === 'string') return Number(time) ? new Date(Number(time) * 1000) : new Date(time);
  return time;
}

function validCredentials(credentials: unknown): AwsCredentialIdentity {
  const c = credentials as Partial<AwsCredentialIdentity> | undefined;
  if (typeof c !== 'object' || typeof c.accessKeyId !== 'string' || typeof c.secretAccessKey !== 'string') {
    throw new Error('Resolved credential object is not valid');
  }
  return c as AwsCredentialIdentity;
}

/**
 * A signer for the SDK's `signer` client option (see the module comment). `sign` rejects as the SDK's does
 * when the credential provider does or yields no key pair.
 */
export function createSigV4Signer({ region, service, credentials }: SigV4SignerOptions): RequestSigner {
  // The signing key of the last (secret, day, region, service): one client signs for one region and
  // service, and its key changes at midnight UTC or when the credentials rotate.
  let keySecret = '';
  let keyScope = '';
  let key: Buffer = Buffer.alloc(0);
  const signingKey = (secret: string, day: string, scope: string, keyRegion: string, keyService: string) => {
    if (secret !== keySecret || scope !== keyScope) {
      const hmac = (k: string | Buffer, data: string): Buffer =>
        createHmac('sha256', k).update(data).digest();
      key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), keyRegion), keyService), 'aws4_request');
      keySecret = secret;
      keyScope = scope;
    }
    return key;
  };

  return {
    async sign(toSign: IHttpRequest, options: RequestSigningArguments = {}): Promise<IHttpRequest> {
      const identity = validCredentials(await credentials());
      const signingRegion = options.signingRegion ?? region;
      const signingService = options.signingService ?? service;
      const longDate = toDate(options.signingDate ?? new Date())
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z')
        .replace(/[-:]/g, '');
      const shortDate = longDate.slice(0, 8);
      const scope = `${shortDate}/${signingRegion}/${signingService}/aws4_request`;

      const headers: Record<string, string> = {};
      for (const name in toSign.headers) {
        if (Object.hasOwn(toSign.headers, name) && !GENERATED_HEADERS.has(name.toLowerCase())) {
          headers[name] = toSign.headers[name]!;
        }
      }
      headers['x-amz-date'] = longDate;
      if (identity.sessionToken) headers['x-amz-security-token'] = identity.sessionToken;
      const hash = payloadHash(headers, toSign.body);
      if (!Object.keys(headers).some((name) => name.toLowerCase() === 'x-amz-content-sha256')) {
        headers['x-amz-content-sha256'] = hash;
      }

      const signed: [string, string][] = [];
      for (const name in headers) {
        const value = headers[name];
        if (value == undefined) continue;
        const lower = name.toLowerCase();
        if (UNSIGNABLE_HEADERS.has(lower) || lower.startsWith('proxy-') || lower.startsWith('sec-')) continue;
        signed.push([lower, canonicalValue(value)]);
      }
      signed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      let canonicalHeaders = '';
      let signedHeaders = '';
      for (const [name, value] of signed) {
        canonicalHeaders += `${name}:${value}\n`;
        signedHeaders += signedHeaders ? `;${name}` : name;
      }

      const canonicalRequest = `${toSign.method}\n${canonicalPath(toSign.path)}\n${canonicalQuery(toSign.query ?? {})}\n${canonicalHeaders}\n${signedHeaders}\n${hash}`;
      const stringToSign = `AWS4-HMAC-SHA256\n${longDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
      const signature = createHmac(
        'sha256',
        signingKey(identity.secretAccessKey, shortDate, scope, signingRegion, signingService),
      )
        .update(stringToSign)
        .digest('hex');
      headers['authorization'] =
        `AWS4-HMAC-SHA256 Credential=${identity.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
      return new HttpRequest({ ...toSign, headers });
    },
  };
}
