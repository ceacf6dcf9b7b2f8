/**
 * Mutations: sending Supply Chain events (one, or many in order) and starting DataZone data source runs.
 * Inputs are validated in full before any upstream call; the client token used is always returned so a
 * caller can retry without creating a duplicate.
 */
import { GraphQLError } from 'graphql';
import pLimit from 'p-limit';
import type { MutationResolvers, SendEventInput, SendEventPayloadResolvers } from '../generated/graphql.js';
import type { GraphContext } from './context.js';
import { badInput } from '../upstream/errors.js';
import { checkKey } from './ids.js';
import {
  datasetRuleProblems,
  problemsError,
  sendEventProblems,
  targetDatasetKey,
  type FieldProblem,
} from './sendEvent.validation.js';
import { eventTypeWire } from './supplychain.resolvers.js';
import { ErrorCode } from '../errors.js';

/** What `sendEvent` resolves to; the event itself is loaded only if selected. */
export interface SendEventPayloadModel {
  readonly instanceId: string;
  readonly eventId: string;
  readonly clientToken: string;
}

async function send(input: SendEventInput, context: GraphContext): Promise<SendEventPayloadModel> {
  const { eventId, clientToken } = await context.actions.sendEvent({
    instanceId: input.instanceId,
    eventType: eventTypeWire(input.eventType),
    data: input.data,
    eventGroupId: input.eventGroupId,
    eventTimestamp: input.eventTimestamp ?? undefined,
    clientToken: input.clientToken ?? undefined,
    datasetTarget: input.datasetTarget ?? undefined,
  });
  return { instanceId: input.instanceId, eventId, clientToken };
}

/**
 * Every problem with `input`: the model's constraints, then (for a DATASET event) the dataset rules,
 * read against the target dataset's definition through the shared, cached reader. A failed read of the
 * definition (not found, throttled, ...) rejects with its mapped error, and nothing is sent.
 */
async function inputProblems(
  input: SendEventInput,
  context: GraphContext,
  prefix?: string,
): Promise<FieldProblem[]> {
  const problems = sendEventProblems(input, prefix);
  const key = targetDatasetKey(input);
  if (problems.length > 0 || input.eventType !== 'DATASET' || !key) return problems;
  return datasetRuleProblems(input, await context.loaders.dataset.load(key), prefix);
}

const CLIENT_TOKEN_MAX_CHARS = 128;

/** The `Mutation` root fields: input checked first, then the access-gated actions. */
export const mutationResolvers: MutationResolvers = {
  sendEvent: async (_, { input }, context) => {
    const problems = await inputProblems(input, context);
    if (problems.length > 0) throw problemsError(problems);
    return send(input, context);
  },

  sendEvents: async (_, { inputs }, context) => {
    const { sendEventsMaxItems: max, sendEventsConcurrency } = context.limits;
    if (inputs.length > max) {
      throw badInput(
        `inputs holds ${inputs.length} events; at most ${max} are allowed per call. Split the batch.`,
        'inputs',
      );
    }
    const limit = pLimit(sendEventsConcurrency);
    return Promise.all(
      inputs.map(async (input, index) => {
        try {
          const problems = await inputProblems(input, context, `inputs.${index}`);
          if (problems.length > 0) {
            const error = problemsError(problems);
            return {
              index,
              payload: null,
              error: { code: ErrorCode.BAD_USER_INPUT, message: error.message, field: problems[0]!.field },
            };
          }
          return { index, payload: await limit(() => send(input, context)), error: null };
        } catch (err) {
          const e = err instanceof GraphQLError ? err : new GraphQLError('internal error');
          const code =
            typeof e.extensions['code'] === 'string' ? e.extensions['code'] : ErrorCode.INTERNAL_SERVER_ERROR;
          return { index, payload: null, error: { code, message: e.message, field: null } };
        }
      }),
    );
  },

  startDataSourceRun: (_, a, context) => {
    const domainId = checkKey('domainId', a.domainIdentifier, 'domainIdentifier');
    const dataSourceId = checkKey('dataSourceId', a.dataSourceIdentifier, 'dataSourceIdentifier');
    if (
      a.clientToken != null &&
      (a.clientToken.length === 0 || a.clientToken.length > CLIENT_TOKEN_MAX_CHARS)
    ) {
      throw badInput(
        `clientToken must be 1 to ${CLIENT_TOKEN_MAX_CHARS} characters; a UUID works.`,
        'clientToken',
      );
    }
    return context.actions.startDataSourceRun({
      domainId,
      dataSourceId,
      clientToken: a.clientToken ?? undefined,
    });
  },
};

/** `SendEventPayload.event`: the sent event, loaded only when selected. */
export const sendEventPayloadResolvers: SendEventPayloadResolvers = {
  event: (p, _args, { loaders }) => loaders.event.load({ instanceId: p.instanceId, eventId: p.eventId }),
};
