/**
 * Apollo plugin: the request id on every masked internal error, so a client's report can be matched with
 * the logged detail.
 */
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { ErrorCode } from '../errors.js';
import type { GraphContext } from './context.js';

/**
 * Adds the request id to every INTERNAL_SERVER_ERROR a client gets, so the masked error can be matched
 * with its logged detail.
 */
export function requestIdOnInternalErrorsPlugin(): ApolloServerPlugin<GraphContext> {
  // One listener for every request: it keeps no state of its own.
  const listener: GraphQLRequestListener<GraphContext> = {
    async willSendResponse({ contextValue, response }) {
      if (response.body.kind !== 'single') return;
      const errors = response.body.singleResult.errors;
      if (!errors?.length || !contextValue?.requestId) return;
      response.body.singleResult.errors = errors.map((e) =>
        e.extensions?.['code'] === ErrorCode.INTERNAL_SERVER_ERROR
          ? { ...e, extensions: { ...e.extensions, requestId: contextValue.requestId } }
          : e,
      );
    },
  };
  return { requestDidStart: async () => listener };
}
