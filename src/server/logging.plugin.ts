/**
 * Ties a response to its logs: echoes the request id in `x-request-id`, and logs each operation's errors
 * with it, including the detail that formatError hides from clients (AWS error name and request id, the
 * original message).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphContext } from './context.js';

export function loggingPlugin(): ApolloServerPlugin<GraphContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          response.http.headers.set('x-request-id', contextValue.requestId);
        },
        async didEncounterErrors({ contextValue, errors, operationName }) {
          for (const error of errors) {
            const code = error.extensions?.['code'];
            const level = code === undefined || code === 'INTERNAL_SERVER_ERROR' ? 'error' : 'info';
            contextValue.logger[level](
              {
                operationName,
                code,
                path: error.path,
                extensions: error.extensions,
                // A deliberate error (a contract code, no cause) has no stack worth logging.
                ...(level === 'error' || error.originalError ? { err: error.originalError ?? error } : {}),
              },
              error.message,
            );
          }
        },
      };
    },
  };
}
