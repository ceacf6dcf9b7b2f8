/**
 * A minimal SigV4 signer on `node:crypto`, the floor of the call-cost benchmark: what signing a request
 * must cost at least. Header signing for a body-less request (`host` and `x-amz-date` signed, the payload
 * hash of the empty body), the signing key cached per day. Paths and query strings must come already
 * URI-encoded (RFC 3986) as they go on the wire; the canonical URI encodes each segment once more, as every
 * AWS service but S3 expects. Internal to the benchmarks.
 */
import { createHash, createHmac } from 'node:crypto';

/** SHA-256 of the empty string, hex: the payload hash of a GET. */
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** What a signer signs as: a key pair, the region and the service's signing name (`scn`, `datazone`). */
export interface RawSignerOptions {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
  readonly service: string;
}

/** Signs GET requests: the headers to send (`host`, `x-amz-date`, `authorization`). */
export type RawSigner = (host: string, path: string, query: string, now?: Date) => Record<string, string>;

/** A signer for `options`; it keeps the signing key of the current day. */
export function createRawSigner({
  accessKeyId,
  secretAccessKey,
  region,
  service,
}: RawSignerOptions): RawSigner {
  let keyDay = '';
  let key: Buffer = Buffer.alloc(0);
  const signingKey = (day: string): Buffer => {
    if (day !== keyDay) {
      const hmac = (k: string | Buffer, data: string): Buffer =>
        createHmac('sha256', k).update(data).digest();
      key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), service), 'aws4_request');
      keyDay = day;
    }
    return key;
  };
  return (host, path, query, now = new Date()) => {
    // 20250103T100000Z, and its day.
    const amzDate = now.toISOString().replace(/[-:]|\.\d{3}/g, '');
    const day = amzDate.slice(0, 8);
    const canonicalUri = path
      .split('/')
      .map((segment) => encodeURIComponent(segment))
      .join('/');
    const canonicalQuery = query
      ? query
          .split('&')
          .map((pair) => (pair.includes('=') ? pair : `${pair}=`))
          .sort()
          .join('&')
      : '';
    const canonicalRequest = `GET\n${canonicalUri}\n${canonicalQuery}\nhost:${host}\nx-amz-date:${amzDate}\n\nhost;x-amz-date\n${EMPTY_SHA256}`;
    const scope = `${day}/${region}/${service}/aws4_request`;
    const stringToSign = `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${createHash('sha256').update(canonicalRequest).digest('hex')}`;
    const signature = createHmac('sha256', signingKey(day)).update(stringToSign).digest('hex');
    return {
      host,
      'x-amz-date': amzDate,
      authorization: `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, SignedHeaders=host;x-amz-date, Signature=${signature}`,
    };
  };
}
