/**
 * Ties a response to its logs: echoes the request id in `x-request-id`, and logs each operation's errors
 * with it: a client's mistake (an error with a code) in one line at info, without a stack; an internal
 * error at error with the detail that formatError hides from clients (AWS error name and request id, the
 * original message, the stack).
 */
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import type { GraphContext } from './context.js';
import { ErrorCode } from '../errors.js';

/** Apollo plugin: logs each request's errors on the request's child logger (internal ones at error level). */
export function loggingPlugin(): ApolloServerPlugin<GraphContext> {
  // One listener for every request: it keeps no state of its own.
  const listener: GraphQLRequestListener<GraphContext> = {
    async willSendResponse({ contextValue, response }) {
      response.http.headers.set('x-request-id', contextValue.requestId);
    },
    async didEncounterErrors({ contextValue, errors, operationName }) {
      for (const error of errors) {
        const code = error.extensions?.['code'];
        // A client's mistake (bad input, validation, not found, a refused operation) is routine:
        // one short line at info. An error without a code is ours: at error, with its stack.
        if (code !== undefined && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
          contextValue.logger.info(
            { operationName, code, path: error.path, extensions: error.extensions },
            error.message,
          );
          continue;
        }
        contextValue.logger.error(
          {
            operationName,
            code,
            path: error.path,
            extensions: error.extensions,
            err: error.originalError ?? error,
          },
          error.message,
        );
      }
    },
  };
  return { requestDidStart: async () => listener };
}
