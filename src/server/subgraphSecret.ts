/**
 * The shared-secret check of the federation subgraph endpoint: with `SUBGRAPH_SHARED_SECRET` set, every
 * GraphQL request (HTTP, SSE, and the WebSocket upgrade) must carry the secret in
 * `SUBGRAPH_SECRET_HEADER`, as the router is configured to send it. The check runs on the request
 * headers, before the body is read or anything is parsed or executed; health, readiness and metrics are
 * not GraphQL and stay open.
 *
 * Several secrets may be accepted at once, so a rotation needs no downtime: accept old and new, move the
 * router to the new one, then drop the old one. Comparison is constant-time (over SHA-256 digests, so
 * neither the secret's content nor its length leaks through timing).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { ErrorCode } from '../errors.js';

/** Why a request was refused: its HTTP status, the error code of the contract, and a message. */
export interface Refusal {
  readonly status: 401 | 403;
  readonly code: typeof ErrorCode.UNAUTHENTICATED | typeof ErrorCode.FORBIDDEN;
  readonly message: string;
}

/** Looks at a request's headers; `undefined` lets it through. */
export type RequestGuard = (headers: IncomingHttpHeaders) => Refusal | undefined;

/** The subgraph secret settings (SUBGRAPH_SHARED_SECRET, SUBGRAPH_SECRET_HEADER). */
export interface SubgraphSecretOptions {
  /** The header carrying the secret, lower case (Node lower-cases request header names). */
  readonly secretHeader: string;
  /** The accepted secrets; empty turns the check off. */
  readonly sharedSecrets: readonly string[];
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * The guard, or `undefined` when no secret is configured. A request without the header is refused with
 * 401 UNAUTHENTICATED, one with another value (or the header sent twice) with 403 FORBIDDEN.
 */
export function createSubgraphSecretGuard({
  secretHeader,
  sharedSecrets,
}: SubgraphSecretOptions): RequestGuard | undefined {
  if (sharedSecrets.length === 0) return undefined;
  const accepted = sharedSecrets.map(digest);
  return (headers) => {
    const value = headers[secretHeader];
    if (value === undefined || value === '') {
      return {
        status: 401,
        code: ErrorCode.UNAUTHENTICATED,
        message: `This is a federation subgraph: requests must come through the router, which sends the ${secretHeader} header.`,
      };
    }
    // A header sent twice arrives as a list (or joined with ", "): it matches no secret.
    const given = typeof value === 'string' ? digest(value) : undefined;
    let ok = false;
    // Every secret is compared, so the time taken does not say which one (if any) matched.
    if (given) for (const secret of accepted) ok = timingSafeEqual(given, secret) || ok;
    if (ok) return undefined;
    return {
      status: 403,
      code: ErrorCode.FORBIDDEN,
      message: `The ${secretHeader} header does not hold the subgraph's shared secret.`,
    };
  };
}
