/**
 * Logs each operation's errors with the request id, including the detail that formatError hides from
 * clients (AWS error name, request id, original message).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphContext } from './context.js';

export function loggingPlugin(): ApolloServerPlugin<GraphContext> {
  return {
    async requestDidStart() {
      return {
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
                err: error.originalError ?? error,
              },
              error.message,
            );
          }
        },
      };
    },
  };
}
