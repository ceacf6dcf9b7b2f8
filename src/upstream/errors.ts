/**
 * The public error contract and the one place upstream failures become GraphQL errors. Every AWS error
 * maps by its name (then its fault and HTTP status) to one {@link ErrorCode}, carrying the AWS error name,
 * operation and request id in `extensions`; anything unrecognised is INTERNAL_SERVER_ERROR.
 */
import { GraphQLError } from 'graphql';

/** The codes clients rely on in `extensions.code` (plus Apollo's own validation codes). */
export const ErrorCode = {
  NOT_FOUND: 'NOT_FOUND',
  THROTTLED: 'THROTTLED',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  CONFLICT: 'CONFLICT',
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
  UPSTREAM_TIMEOUT: 'UPSTREAM_TIMEOUT',
  UPSTREAM_CREDENTIALS: 'UPSTREAM_CREDENTIALS',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * AWS error names, each to one code: every error shape the Smithy models list for the operations we call
 * (a test walks them), and the errors AWS's front door answers for any service (signature, token,
 * throttling, availability).
 */
export const AWS_ERROR_CODES: Readonly<Record<string, ErrorCode>> = {
  ResourceNotFoundException: ErrorCode.NOT_FOUND,
  ThrottlingException: ErrorCode.THROTTLED,
  Throttling: ErrorCode.THROTTLED,
  TooManyRequestsException: ErrorCode.THROTTLED,
  RequestLimitExceeded: ErrorCode.THROTTLED,
  AccessDeniedException: ErrorCode.FORBIDDEN,
  AccessDenied: ErrorCode.FORBIDDEN,
  ServiceQuotaExceededException: ErrorCode.FORBIDDEN,
  UnauthorizedException: ErrorCode.UNAUTHENTICATED,
  UnrecognizedClientException: ErrorCode.UNAUTHENTICATED,
  InvalidClientTokenId: ErrorCode.UNAUTHENTICATED,
  InvalidSignatureException: ErrorCode.UNAUTHENTICATED,
  SignatureDoesNotMatch: ErrorCode.UNAUTHENTICATED,
  IncompleteSignatureException: ErrorCode.UNAUTHENTICATED,
  IncompleteSignature: ErrorCode.UNAUTHENTICATED,
  ExpiredTokenException: ErrorCode.UNAUTHENTICATED,
  ExpiredToken: ErrorCode.UNAUTHENTICATED,
  RequestExpired: ErrorCode.UNAUTHENTICATED,
  MissingAuthenticationTokenException: ErrorCode.UNAUTHENTICATED,
  MissingAuthenticationToken: ErrorCode.UNAUTHENTICATED,
  ValidationException: ErrorCode.BAD_USER_INPUT,
  ConflictException: ErrorCode.CONFLICT,
  InternalServerException: ErrorCode.UPSTREAM_UNAVAILABLE,
  InternalFailure: ErrorCode.UPSTREAM_UNAVAILABLE,
  ServiceUnavailableException: ErrorCode.UPSTREAM_UNAVAILABLE,
  ServiceUnavailable: ErrorCode.UPSTREAM_UNAVAILABLE,
  TimeoutError: ErrorCode.UPSTREAM_TIMEOUT,
  RequestTimeout: ErrorCode.UPSTREAM_TIMEOUT,
  RequestTimeoutException: ErrorCode.UPSTREAM_TIMEOUT,
  GatewayTimeoutException: ErrorCode.UPSTREAM_TIMEOUT,
  // Raised by the SDK's credential providers, before any request is made.
  CredentialsProviderError: ErrorCode.UPSTREAM_CREDENTIALS,
};

const NETWORK_TIMEOUT = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'ECONNRESET', 'EPIPE']);
const NETWORK_DOWN = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH']);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number };
}

/** The code for any error thrown by an upstream client call. */
export function codeOf(err: unknown): ErrorCode {
  const e = (err ?? {}) as AwsLikeError;
  const byName = e.name && Object.hasOwn(AWS_ERROR_CODES, e.name) ? AWS_ERROR_CODES[e.name] : undefined;
  if (byName) return byName;
  if (e.code && NETWORK_TIMEOUT.has(e.code)) return ErrorCode.UPSTREAM_TIMEOUT;
  if (e.code && NETWORK_DOWN.has(e.code)) return ErrorCode.UPSTREAM_UNAVAILABLE;
  const status = e.$metadata?.httpStatusCode;
  if (status === 429) return ErrorCode.THROTTLED;
  if (status === 504) return ErrorCode.UPSTREAM_TIMEOUT;
  if (status !== undefined && status >= 500) return ErrorCode.UPSTREAM_UNAVAILABLE;
  if (status === 404) return ErrorCode.NOT_FOUND;
  if (status === 403) return ErrorCode.FORBIDDEN;
  if (status === 401) return ErrorCode.UNAUTHENTICATED;
  if (status === 400) return ErrorCode.BAD_USER_INPUT;
  if (e.$fault === 'server') return ErrorCode.UPSTREAM_UNAVAILABLE;
  return ErrorCode.INTERNAL_SERVER_ERROR;
}

const PUBLIC_MESSAGE: Readonly<Record<ErrorCode, string>> = {
  NOT_FOUND: 'not found',
  THROTTLED: 'the upstream service is throttling requests; retry later',
  FORBIDDEN: 'the gateway is not allowed to perform this upstream call',
  UNAUTHENTICATED: 'the gateway could not authenticate to the upstream service',
  BAD_USER_INPUT: 'the upstream service rejected the input',
  CONFLICT: 'the request conflicts with an earlier one',
  UPSTREAM_UNAVAILABLE: 'the upstream service is unavailable; retry later',
  UPSTREAM_TIMEOUT: 'the upstream service did not answer in time; retry later',
  UPSTREAM_CREDENTIALS:
    'the gateway has no usable AWS credentials; its operator must configure them (see the gateway log)',
  INTERNAL_SERVER_ERROR: 'internal error',
};

/**
 * Turns an upstream failure into the GraphQL error a client sees. Client-fault messages from AWS
 * (validation, not found, conflict) are kept, as they say what to fix; server-side and unknown failures
 * get a generic message, with the detail left in `originalError` for the log.
 */
export function upstreamError(err: unknown, awsOperation: string, what?: string): GraphQLError {
  const e = (err ?? {}) as AwsLikeError;
  const code = codeOf(err);
  const keepMessage = code === 'BAD_USER_INPUT' || code === 'NOT_FOUND' || code === 'CONFLICT';
  const message =
    keepMessage && e.message
      ? `${what ? `${what}: ` : ''}${e.message}`
      : `${what ? `${what}: ` : ''}${PUBLIC_MESSAGE[code]}`;
  return new GraphQLError(message, {
    originalError: err instanceof Error ? err : undefined,
    extensions: {
      code,
      awsErrorName: e.name,
      awsOperation,
      ...(e.$metadata?.requestId ? { awsRequestId: e.$metadata.requestId } : {}),
      ...(e.$metadata?.httpStatusCode ? { upstreamHttpStatus: e.$metadata.httpStatusCode } : {}),
    },
  });
}

/** A deliberate input error raised by the gateway before any upstream call. */
export function badInput(message: string, field?: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, ...(field ? { field } : {}) },
  });
}

/** The error of a read or write refused because its request ran past REQUEST_TIMEOUT_MS. */
export function requestAbandoned(): GraphQLError {
  return new GraphQLError('The request was abandoned: it ran past the request timeout.', {
    extensions: { code: 'REQUEST_TIMEOUT' },
  });
}
