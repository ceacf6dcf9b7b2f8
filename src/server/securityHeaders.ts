/**
 * The security headers every HTTP response carries: no MIME sniffing, no framing, no referrer.
 */
import type { ServerResponse } from 'node:http';

/** Headers on every response: no MIME sniffing, no framing, no referrer. */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

const SECURITY_HEADER_ENTRIES = Object.entries(SECURITY_HEADERS);

/** Sets the security headers on `res` (before anything is written). */
export function setSecurityHeaders(res: ServerResponse): void {
  for (const [name, value] of SECURITY_HEADER_ENTRIES) res.setHeader(name, value);
}
