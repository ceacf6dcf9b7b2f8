/**
 * The one funnel every GraphQL error passes through on its way to a client. Deliberate errors (those with
 * a contract code) pass as they are; anything else becomes INTERNAL_SERVER_ERROR with a generic message
 * (the detail is logged with the request id by the logging plugin). No stack trace ever leaves.
 */
import { unwrapResolverError } from '@apollo/server/errors';
import type { GraphQLFormattedError } from 'graphql';
import { CREDENTIALS_HELP } from '../upstream/credentials.js';
import { ErrorCode } from '../upstream/errors.js';

const CONTRACT_CODES = new Set<string>([
  ...Object.values(ErrorCode),
  // Apollo's own request and validation codes
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'PAYLOAD_TOO_LARGE',
]);

export interface FormatErrorOptions {
  /** Internal errors carry their original message (development only). */
  readonly exposeInternalMessages: boolean;
  /**
   * UPSTREAM_CREDENTIALS errors say what to set (outside production; in production the message stays
   * generic and the detail is in the log line written at start).
   */
  readonly explainCredentials?: boolean;
}

export function createFormatError({
  exposeInternalMessages,
  explainCredentials = false,
}: FormatErrorOptions) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.['code'];
    const { stacktrace: _, ...extensions } = formatted.extensions ?? {};
    if (code === ErrorCode.UPSTREAM_CREDENTIALS && explainCredentials) {
      return { ...formatted, message: `${formatted.message}. To fix: ${CREDENTIALS_HELP}`, extensions };
    }
    if (typeof code === 'string' && CONTRACT_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      return { ...formatted, extensions };
    }
    const original = unwrapResolverError(error);
    return {
      message:
        exposeInternalMessages && original instanceof Error
          ? `Internal server error: ${original.message}`
          : 'Internal server error',
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
