/**
 * Every error code a client can receive in `errors[].extensions.code`: the public contract, GraphQL and
 * HTTP level alike. Code that raises a deliberate error takes its code from here (never a string literal),
 * and the error funnel (`server/errors.ts`) masks any code not listed here as INTERNAL_SERVER_ERROR.
 *
 * The schema's `ErrorCode` enum (what `SendEventError.code` may hold) is a subset of these; a unit test
 * keeps the two in step. How upstream (AWS) failures map to these codes lives in `upstream/errors.ts`.
 */

/** The error codes of the contract, by name (the value is the name). */
export const ErrorCode = {
  // Outcomes of upstream calls and gateway checks (see `UPSTREAM_ERROR_CODES`).
  /** The resource does not exist (AWS `ResourceNotFoundException`, HTTP 404). */
  NOT_FOUND: 'NOT_FOUND',
  /** Throttled by the upstream (after retries) or by the gateway's own admission (HTTP 429). */
  THROTTLED: 'THROTTLED',
  /** Not allowed: the caller, the gateway's AWS identity, a quota, or a disallowed origin (HTTP 403). */
  FORBIDDEN: 'FORBIDDEN',
  /** No valid credentials for the gateway, or the gateway could not authenticate upstream (HTTP 401). */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** Invalid input, refused by the gateway or by AWS; `extensions.field` names the argument. */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** The request conflicts with an earlier one (AWS `ConflictException`). */
  CONFLICT: 'CONFLICT',
  /** The upstream failed or could not be reached; retry later. */
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  /** The upstream did not answer in time; retry later. */
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  /** The gateway's AWS credentials could not be resolved (none configured, expired, unreadable). */
  UPSTREAM_CREDENTIALS: 'UPSTREAM_CREDENTIALS',
  /** Anything unexpected; the message is generic and the detail is in the log under the request id. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',

  // The gateway's HTTP and transport level, answered before or around GraphQL execution.
  /** The request ran past REQUEST_TIMEOUT_MS (HTTP 504 when nothing was sent yet). */
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  /** A malformed request: body not UTF-8 or JSON, too many subscriptions on a connection (HTTP 400). */
  BAD_REQUEST: 'BAD_REQUEST',
  /** A POST whose Content-Type is not JSON (HTTP 415). */
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  /** A body larger than GRAPHQL_MAX_BODY_BYTES (HTTP 413). */
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',

  // Apollo Server's own request codes, passed through as they are.
  /** The document does not parse. */
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  /** The document fails validation, or an operation limit (`extensions.limit`, `extensions.max`). */
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  /** An automatic persisted query hash the server does not know. */
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  /** Persisted queries are off. */
  PERSISTED_QUERY_NOT_SUPPORTED: 'PERSISTED_QUERY_NOT_SUPPORTED',
  /** `operationName` names no operation of the document. */
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
} as const;

/** One error code of the contract. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The codes an upstream call's failure maps to (`upstream/errors.ts`, `codeOf`). */
export const UPSTREAM_ERROR_CODES = [
  ErrorCode.NOT_FOUND,
  ErrorCode.THROTTLED,
  ErrorCode.FORBIDDEN,
  ErrorCode.UNAUTHENTICATED,
  ErrorCode.BAD_USER_INPUT,
  ErrorCode.CONFLICT,
  ErrorCode.UPSTREAM_UNAVAILABLE,
  ErrorCode.UPSTREAM_TIMEOUT,
  ErrorCode.UPSTREAM_CREDENTIALS,
  ErrorCode.INTERNAL_SERVER_ERROR,
] as const;

/** One of {@link UPSTREAM_ERROR_CODES}. */
export type UpstreamErrorCode = (typeof UPSTREAM_ERROR_CODES)[number];

/** True when `code` is a code of the contract (what the error funnel lets through). */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(ErrorCode, code);
}
