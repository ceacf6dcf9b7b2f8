/**
 * The emulator's SigV4 gate, verifying a request as AWS's front door does: the Authorization header's
 * form, the credential scope (a key it knows, the region it serves, the service, the `aws4_request`
 * terminator, the scope date against the request date), the request date against the real wall clock
 * (15 minutes of skew either way), the payload hash where `x-amz-content-sha256` is sent, and the
 * signature itself, recomputed over the canonical request with the key's secret.
 *
 * The canonical request is built from the request as received: the raw path (normalized, then
 * percent-encoded once more, as every AWS service but S3 signs it), the raw query pairs, and exactly the
 * headers the client listed in `SignedHeaders`. The date check reads the wall clock, never the world's
 * simulated clock: AWS compares against real time, and SDKs correct their own skew from the `Date`
 * response header.
 *
 * Errors carry AWS's names, statuses and messages (API Gateway's phrasing, which Supply Chain and
 * DataZone answer with); a signature mismatch also says which canonical request and string to sign the
 * emulator expected, as AWS does, so a home-made signer can be debugged against it.
 *
 * Internal to the emulator.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** The key pair the emulator accepts unless told otherwise (the gateway's embedded mode signs with it). */
export const DEFAULT_EMULATOR_CREDENTIALS = {
  accessKeyId: 'AKIALOADGRAPHEMULATOR',
  secretAccessKey: 'loadgraph-emulator-secret',
} as const;

/** How far a request date may be from the wall clock, either way (AWS's allowance). */
export const MAX_SIGNATURE_SKEW_MS = 15 * 60_000;

/**
 * The credential scope of a verified request: who signed it, for which day (`YYYYMMDD`), region and
 * service.
 */
export interface SigV4Scope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

/**
 * The verdict on a request's signature: its scope, or the AWS error (name, HTTP status, message) to answer,
 * as AWS would.
 */
export type SigV4Check =
  | { readonly ok: true; readonly scope: SigV4Scope }
  | { readonly ok: false; readonly name: string; readonly status: number; readonly message: string };

/** What the verifier knows: key pairs, the one region served, and the wall clock. */
export interface SigV4Verifier {
  /** Secret access key by access key id. */
  readonly secrets: ReadonlyMap<string, string>;
  readonly region: string;
  /** The real time, epoch ms. Default `Date.now`. */
  readonly now?: () => number;
}

/** The parts of a received request a signature covers. */
export interface ReceivedRequest {
  readonly method: string;
  /** The request target as received (`req.url`): raw path and query. */
  readonly target: string;
  readonly headers: IncomingHttpHeaders;
  /** Header names and values as received, alternating (`req.rawHeaders`). */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

const fail = (name: string, status: number, message: string): SigV4Check => ({
  ok: false,
  name,
  status,
  message,
});
const incomplete = (message: string): SigV4Check => fail('IncompleteSignatureException', 403, message);
const invalid = (message: string): SigV4Check => fail('InvalidSignatureException', 403, message);

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** RFC 3986 encoding, as the signers apply it (`encodeURIComponent` plus `!'()*`). */
const uriEscape = (s: string): string =>
  encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** `20260101T120000Z` for an epoch ms. */
const amzDate = (ms: number): string =>
  new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

/** Parses `Credential=..., SignedHeaders=..., Signature=...` (any order, blanks after commas). */
function parseParameters(rest: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of rest.split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) params.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return params;
}

/** The request date: `X-Amz-Date` (ISO 8601 basic) or else `Date` (HTTP date). */
function requestDate(headers: IncomingHttpHeaders): { ms: number; iso: string } | SigV4Check {
  const amz = headers['x-amz-date'];
  if (typeof amz === 'string') {
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(amz);
    const ms = m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : Number.NaN;
    if (!m || Number.isNaN(ms) || amzDate(ms) !== amz) {
      return incomplete(
        `Date must be in ISO-8601 'basic format'. Got '${amz}'. See http://en.wikipedia.org/wiki/ISO_8601`,
      );
    }
    return { ms, iso: amz };
  }
  const ms = Date.parse(headers['date'] ?? '');
  if (Number.isNaN(ms)) {
    return incomplete(
      `Date must be in ISO-8601 'basic format'. Got '${headers['date']}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  return { ms, iso: amzDate(ms) };
}

/** The canonical URI of a raw path: `.`/`..`/empty segments removed, then encoded once more. */
export function canonicalUri(rawPath: string): string {
  const segments: string[] = [];
  for (const segment of rawPath.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `/${segments.join('/')}${segments.length > 0 && rawPath.endsWith('/') ? '/' : ''}`;
  return uriEscape(normalized).replace(/%2F/g, '/');
}

/** The canonical query string of a raw query: pairs decoded, re-encoded, sorted by key then value. */
export function canonicalQuery(rawQuery: string): string {
  const decode = (s: string): string => {
    try {
      return decodeURIComponent(s);
    } catch {
      return s;
    }
  };
  return rawQuery
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const [key, value] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
      return [uriEscape(decode(key)), uriEscape(decode(value))] as const;
    })
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

function canonicalHeaders(rawHeaders: readonly string[], signed: readonly string[]): string {
  const values = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    if (!signed.includes(name)) continue;
    const list = values.get(name) ?? [];
    list.push(rawHeaders[i + 1]!.trim().replace(/\s+/g, ' '));
    values.set(name, list);
  }
  return signed.map((name) => `${name}:${(values.get(name) ?? []).join(',')}\n`).join('');
}

/** Checks one request signed for `signingName`; `ok` with the scope, or the error AWS would answer. */
export function verifySigV4(
  request: ReceivedRequest,
  signingName: string,
  verifier: SigV4Verifier,
): SigV4Check {
  const auth = request.headers['authorization'];
  if (!auth) return fail('MissingAuthenticationTokenException', 403, 'Missing Authentication Token');
  const space = auth.indexOf(' ');
  const algorithm = space < 0 ? auth : auth.slice(0, space);
  if (algorithm !== ALGORITHM) {
    return incomplete(`Unsupported Authorization Type; expected ${ALGORITHM}, got '${algorithm}'`);
  }
  const params = parseParameters(auth.slice(space + 1));
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((p) => !params.get(p));
  if (missing.length > 0) {
    return incomplete(
      `${missing.map((p) => `Authorization header requires '${p}' parameter.`).join(' ')} Authorization=${auth}`,
    );
  }
  if (!request.headers['x-amz-date'] && !request.headers['date']) {
    return incomplete(
      `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${auth}`,
    );
  }
  const credential = params.get('Credential')!.split('/');
  if (credential.length !== 5) {
    return incomplete(
      `Credential should have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${params.get('Credential')}'`,
    );
  }
  const [accessKeyId, scopeDate, region, service, terminator] = credential as [
    string,
    string,
    string,
    string,
    string,
  ];
  const signature = params.get('Signature')!;
  const signedHeaders = params.get('SignedHeaders')!.split(';');

  const date = requestDate(request.headers);
  if ('ok' in date) return date;
  if (terminator !== TERMINATOR) {
    return invalid(
      `Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${terminator}'. `,
    );
  }
  if (service !== signingName) {
    return invalid(`Credential should be scoped to correct service: '${signingName}'. `);
  }
  if (region !== verifier.region) {
    return invalid(`Credential should be scoped to a valid region, not '${region}'. `);
  }
  if (scopeDate !== date.iso.slice(0, 8)) {
    return invalid(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${date.iso.slice(0, 8)}', from '${date.iso}'.`,
    );
  }
  const now = (verifier.now ?? Date.now)();
  if (date.ms < now - MAX_SIGNATURE_SKEW_MS) {
    return invalid(
      `Signature expired: ${date.iso} is now earlier than ${amzDate(now - MAX_SIGNATURE_SKEW_MS)} (${amzDate(now)} - 15 min.)`,
    );
  }
  if (date.ms > now + MAX_SIGNATURE_SKEW_MS) {
    return invalid(
      `Signature not yet current: ${date.iso} is still later than ${amzDate(now + MAX_SIGNATURE_SKEW_MS)} (${amzDate(now)} + 15 min.)`,
    );
  }
  const secret = verifier.secrets.get(accessKeyId);
  if (secret === undefined) {
    return fail('UnrecognizedClientException', 403, 'The security token included in the request is invalid.');
  }
  if (!signedHeaders.includes('host')) {
    return invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }

  const bodyHash = request.body.length === 0 ? EMPTY_SHA256 : sha256(request.body);
  const declared = request.headers['x-amz-content-sha256'];
  if (typeof declared === 'string' && declared !== bodyHash) {
    return invalid("The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const query = request.target.indexOf('?');
  const rawPath = query < 0 ? request.target : request.target.slice(0, query);
  const rawQuery = query < 0 ? '' : request.target.slice(query + 1);
  const canonicalRequest = [
    request.method,
    canonicalUri(rawPath),
    canonicalQuery(rawQuery),
    canonicalHeaders(request.rawHeaders, signedHeaders),
    signedHeaders.join(';'),
    bodyHash,
  ].join('\n');
  const scope = `${scopeDate}/${region}/${service}/${TERMINATOR}`;
  const stringToSign = [ALGORITHM, date.iso, scope, sha256(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${secret}`, scopeDate);
  for (const part of [region, service, TERMINATOR]) key = hmac(key, part);
  const expected = hmac(key, stringToSign);
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(signature) ? signature : '', 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return invalid(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret ' +
        'Access Key and signing method. Consult the service documentation for details.\n\n' +
        `The Canonical String for this request should have been\n'${canonicalRequest}'\n\n` +
        `The String-to-Sign should have been\n'${stringToSign}'\n`,
    );
  }
  return { ok: true, scope: { accessKeyId, date: scopeDate, region, service } };
}
