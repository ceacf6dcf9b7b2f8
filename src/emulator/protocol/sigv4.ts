/**
 * The emulator's SigV4 gate. Signatures are not verified (the emulator knows no secrets), but a request
 * must carry a well-formed `AWS4-HMAC-SHA256` Authorization header scoped to the right service, as AWS
 * requires; otherwise it gets the errors AWS's front door sends.
 *
 * Internal to the emulator.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface SigV4Scope {
  readonly accessKeyId: string;
  readonly date: string;
  readonly region: string;
  readonly service: string;
}

export type SigV4Check =
  | { readonly ok: true; readonly scope: SigV4Scope }
  | { readonly ok: false; readonly name: string; readonly status: number; readonly message: string };

const CREDENTIAL = /Credential=([^/\s,]+)\/(\d{8})\/([^/\s,]+)\/([^/\s,]+)\/aws4_request/;

export function checkSigV4(headers: IncomingHttpHeaders, signingName: string): SigV4Check {
  const auth = headers['authorization'];
  if (!auth) {
    return {
      ok: false,
      name: 'MissingAuthenticationTokenException',
      status: 403,
      message: 'Missing Authentication Token',
    };
  }
  const incomplete = (what: string): SigV4Check => ({
    ok: false,
    name: 'IncompleteSignatureException',
    status: 403,
    message: `Authorization header requires '${what}' parameter. Authorization=${auth.split(' ')[0]}`,
  });
  if (!auth.startsWith('AWS4-HMAC-SHA256 ')) {
    return {
      ok: false,
      name: 'IncompleteSignatureException',
      status: 403,
      message: `Unsupported Authorization Type; expected AWS4-HMAC-SHA256`,
    };
  }
  const m = CREDENTIAL.exec(auth);
  if (!m) return incomplete('Credential');
  if (!/SignedHeaders=[^\s,]+/.test(auth)) return incomplete('SignedHeaders');
  if (!/Signature=[0-9a-f]{64}/.test(auth)) return incomplete('Signature');
  if (!headers['x-amz-date'] && !headers['date']) {
    return {
      ok: false,
      name: 'IncompleteSignatureException',
      status: 403,
      message: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    };
  }
  const [, accessKeyId, date, region, service] = m as unknown as [string, string, string, string, string];
  if (service !== signingName) {
    return {
      ok: false,
      name: 'InvalidSignatureException',
      status: 403,
      message: `Credential should be scoped to correct service: '${signingName}'. `,
    };
  }
  return { ok: true, scope: { accessKeyId, date, region, service } };
}
