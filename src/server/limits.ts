/**
 * Operation limits: what no GraphQL document, however hostile, may ask of the gateway. One list of rules,
 * applied identically by HTTP (Apollo's `parseOptions`, `validationRules` and {@link limitsPlugin}) and by
 * the streaming transports (graphql-ws and SSE, through {@link prepareOperation}):
 *
 * - the query text: at most `maxTokens` tokens (graphql-js aborts parsing past it) and `maxQueryChars`
 *   characters (checked before parsing on the streaming transports, right after it on HTTP);
 * - its shape, per operation with fragments expanded: field depth, aliases, root fields, directives;
 * - its cost, once the variables are known: every field counts 1, times the list sizes it sits under
 *   (`first`, or the default page size {@link DEFAULT_LIST_SIZE} when absent; the length of an `ids` or
 *   `inputs` list), and every mutation root field {@link MUTATION_COST} per item it sends.
 *
 * A rejection is a GraphQL error with code GRAPHQL_VALIDATION_FAILED (GRAPHQL_PARSE_FAILED for tokens, as
 * graphql-js reports it) and HTTP status 400, whose `extensions.limit` names the limit and
 * `extensions.max` its value, and whose message says how to stay within it. Nothing is executed, so a
 * rejected operation makes no upstream call. Introspection fields (`__schema`, `__type`) count for
 * neither depth nor cost: tooling sends deep introspection queries, and production turns it off anyway.
 */
import type { ApolloServerPlugin, BaseContext, GraphQLRequestListener } from '@apollo/server';
import {
  GraphQLError,
  getOperationAST,
  getVariableValues,
  parse,
  specifiedRules,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
  validate,
} from 'graphql';
import { ErrorCode } from '../errors.js';
import { checkCost } from './limits.cost.js';
import { checkQuerySize, createShapeRule, type OperationLimits } from './limits.shape.js';

export { DEFAULT_LIST_SIZE, MUTATION_COST, checkCost, operationCost } from './limits.cost.js';
export {
  checkQuerySize,
  createShapeRule,
  isIntrospection,
  limitError,
  type LimitName,
  type OperationLimits,
} from './limits.shape.js';

/**
 * The Apollo plugin for what validation rules cannot see: the query length and the cost (which depends
 * on the variables).
 */
export function limitsPlugin(limits: OperationLimits): ApolloServerPlugin {
  // One listener for every request: it keeps no state of its own.
  const listener: GraphQLRequestListener<BaseContext> = {
    // Apollo answers only errors thrown from this hook as GraphQL errors with their status, so the
    // length is checked here, after parsing (which `maxTokens` already bounds).
    async didResolveOperation({ source, document, request }) {
      const error =
        checkQuerySize(source, limits) ??
        checkCost(document, request.operationName, request.variables, limits);
      if (error) throw error;
    },
  };
  return { requestDidStart: async () => listener };
}

/** The validation rules every transport runs: graphql's own, then the shape limits. */
export function validationRules(limits: OperationLimits, extra: readonly ValidationRule[] = []) {
  return [...specifiedRules, createShapeRule(limits), ...extra];
}

/** An operation as a streaming transport receives it. */
export interface OperationRequest {
  readonly query: string;
  readonly operationName?: string | null | undefined;
  readonly variables?: Readonly<Record<string, unknown>> | null | undefined;
}

/** How {@link prepareOperation} parses and validates; a transport may answer both from a cache. */
export interface DocumentSteps {
  parse(query: string, options: { maxTokens: number }): DocumentNode;
  validate(schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[];
}

/**
 * What the streaming transports do before executing: the size check, parsing with `maxTokens`,
 * validation with `rules`, the cost check, and the variables' types. Returns the document, or the errors to send (raw: the
 * caller gives them their codes and passes them through the error funnel).
 */
export function prepareOperation(
  schema: GraphQLSchema,
  request: OperationRequest,
  limits: OperationLimits,
  rules: readonly ValidationRule[],
  steps: DocumentSteps = { parse, validate: (s, d) => validate(s, d, rules) },
): { document: DocumentNode } | { errors: readonly GraphQLError[] } {
  const tooLong = checkQuerySize(request.query, limits);
  if (tooLong) return { errors: [tooLong] };
  let document: DocumentNode;
  try {
    document = steps.parse(request.query, { maxTokens: limits.maxTokens });
  } catch (err) {
    if (err instanceof GraphQLError) return { errors: [err] };
    throw err;
  }
  const invalid = steps.validate(schema, document);
  if (invalid.length) return { errors: invalid };
  const tooCostly = checkCost(document, request.operationName, request.variables, limits);
  if (tooCostly) return { errors: [tooCostly] };
  // Variables of the wrong type are the client's mistake (BAD_USER_INPUT, as Apollo reports them on
  // HTTP), found before anything runs.
  const operation = getOperationAST(document, request.operationName);
  if (operation?.variableDefinitions?.length) {
    const coerced = getVariableValues(schema, operation.variableDefinitions, request.variables ?? {});
    if (coerced.errors)
      return {
        errors: coerced.errors.map(
          (e) =>
            new GraphQLError(e.message, {
              nodes: e.nodes ?? null,
              extensions: { code: ErrorCode.BAD_USER_INPUT },
            }),
        ),
      };
  }
  return { document };
}
