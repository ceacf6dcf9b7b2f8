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
import type { ApolloServerPlugin } from '@apollo/server';
import {
  GraphQLError,
  Kind,
  getOperationAST,
  getVariableValues,
  parse,
  specifiedRules,
  valueFromASTUntyped,
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  validate,
} from 'graphql';
import type { Config } from '../config.js';
import { ErrorCode } from '../errors.js';

/** The operation limits, each a maximum (the `GRAPHQL_MAX_*` settings). */
export type OperationLimits = Config['hardening']['operation'];

export type LimitName = 'depth' | 'aliases' | 'rootFields' | 'directives' | 'queryChars' | 'cost';

/** Items a list field is counted with when the query does not say (`first` omitted): the largest default page. */
export const DEFAULT_LIST_SIZE = 20;
/** Cost of each item a mutation sends upstream (a `sendEvents` input, or one call). */
export const MUTATION_COST = 10;
/** Arguments whose list length multiplies the cost of what is selected under the field. */
const LIST_ARGUMENTS = new Set(['ids', 'inputs']);

/** A limit rejection: GRAPHQL_VALIDATION_FAILED, HTTP 400, naming the limit and its value. */
export function limitError(limit: LimitName, max: number, message: string, nodes?: readonly ASTNode[]) {
  return new GraphQLError(message, {
    ...(nodes ? { nodes } : {}),
    extensions: { code: ErrorCode.GRAPHQL_VALIDATION_FAILED, limit, max, http: { status: 400 } },
  });
}

/** `__schema` or `__type`. */
export const isIntrospection = (field: FieldNode): boolean =>
  field.name.value === '__schema' || field.name.value === '__type';

/** What one walk over an operation (fragments expanded) measures. */
interface Shape {
  depth: number;
  aliases: number;
  rootFields: number;
  directives: number;
}

const emptyShape = (): Shape => ({ depth: 0, aliases: 0, rootFields: 0, directives: 0 });

/** Adds `part` (measured one level below or beside) into `into`. */
function merge(into: Shape, part: Shape, levelsBelow: number): void {
  into.depth = Math.max(into.depth, part.depth + levelsBelow);
  into.aliases += part.aliases;
  into.rootFields += part.rootFields;
  into.directives += part.directives;
}

/**
 * What a fragment spread measures, by `walk` over its fragment: each fragment is walked once per root or
 * non-root use and its measure reused. Undefined for an unknown fragment or one already on `path` (cycles
 * are reported by graphql's own NoFragmentCycles rule).
 */
function spreadOnce<T>(
  spread: FragmentSpreadNode,
  root: boolean,
  path: ReadonlySet<string>,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  memo: Map<string, T>,
  walk: (fragment: FragmentDefinitionNode, path: ReadonlySet<string>) => T,
): T | undefined {
  const name = spread.name.value;
  const fragment = fragments.get(name);
  if (!fragment || path.has(name)) return undefined;
  const key = `${root}:${name}`;
  let part = memo.get(key);
  if (part === undefined) memo.set(key, (part = walk(fragment, new Set(path).add(name))));
  return part;
}

/**
 * Measures an operation with fragments expanded, each fragment once ({@link spreadOnce}): a fragment bomb
 * (fragments spreading others many times) costs time in proportion to the document's size, not to its
 * expansion.
 */
function measure(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
): Shape {
  const memo = new Map<string, Shape>();
  const visit = (set: SelectionSetNode, root: boolean, path: ReadonlySet<string>): Shape => {
    const shape = emptyShape();
    for (const selection of set.selections) {
      shape.directives += selection.directives?.length ?? 0;
      if (selection.kind === Kind.FIELD) {
        if (root) shape.rootFields += 1;
        if (selection.alias) shape.aliases += 1;
        if (isIntrospection(selection)) continue;
        shape.depth = Math.max(shape.depth, 1);
        if (selection.selectionSet) merge(shape, visit(selection.selectionSet, false, path), 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        merge(shape, visit(selection.selectionSet, root, path), 0);
      } else {
        const part = spreadOnce(selection, root, path, fragments, memo, (fragment, inner) => {
          const measured = visit(fragment.selectionSet, root, inner);
          measured.directives += fragment.directives?.length ?? 0;
          return measured;
        });
        if (part) merge(shape, part, 0);
      }
    }
    return shape;
  };
  const shape = visit(operation.selectionSet, true, new Set());
  shape.directives += operation.directives?.length ?? 0;
  return shape;
}

const fragmentsOf = (document: DocumentNode): Map<string, FragmentDefinitionNode> =>
  new Map(
    document.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
      .map((d) => [d.name.value, d]),
  );

/** The validation rule checking depth, aliases, root fields and directives of every operation. */
export function createShapeRule(limits: OperationLimits): ValidationRule {
  return (context: ValidationContext) => ({
    OperationDefinition(operation) {
      const shape = measure(operation, fragmentsOf(context.getDocument()));
      const what = operation.name ? `Operation ${operation.name.value}` : 'The operation';
      if (shape.depth > limits.maxDepth)
        context.reportError(
          limitError(
            'depth',
            limits.maxDepth,
            `${what} is nested deeper than ${limits.maxDepth} levels: select less deeply, or query the nested objects in a separate request.`,
            [operation],
          ),
        );
      if (shape.aliases > limits.maxAliases)
        context.reportError(
          limitError(
            'aliases',
            limits.maxAliases,
            `${what} uses more than ${limits.maxAliases} aliases: ask for many loads with loads(ids:) instead of aliases, or split the operation.`,
            [operation],
          ),
        );
      if (shape.rootFields > limits.maxRootFields)
        context.reportError(
          limitError(
            'rootFields',
            limits.maxRootFields,
            `${what} selects more than ${limits.maxRootFields} root fields: split it into several operations.`,
            [operation],
          ),
        );
      if (shape.directives > limits.maxDirectives)
        context.reportError(
          limitError(
            'directives',
            limits.maxDirectives,
            `${what} uses more than ${limits.maxDirectives} directives: remove the repeated ones.`,
            [operation],
          ),
        );
      return false;
    },
  });
}

/** The size rejection of a query longer than `maxQueryChars`, or undefined. */
export function checkQuerySize(query: string, limits: OperationLimits): GraphQLError | undefined {
  if (query.length <= limits.maxQueryChars) return undefined;
  return limitError(
    'queryChars',
    limits.maxQueryChars,
    `The query is longer than ${limits.maxQueryChars} characters: send a shorter document (fewer fields, no unused fragments).`,
  );
}

/** The value of an argument (literal or variable), or undefined. */
function argumentValue(field: FieldNode, name: string, variables: Readonly<Record<string, unknown>>) {
  const arg = field.arguments?.find((a) => a.name.value === name);
  return arg ? valueFromASTUntyped(arg.value, variables) : undefined;
}

/** How many items a field stands for: its `first`, its default page, or its list argument's length. */
function multiplier(field: FieldNode, variables: Readonly<Record<string, unknown>>): number {
  let size = 1;
  if (field.arguments?.some((a) => a.name.value === 'first')) {
    const first = argumentValue(field, 'first', variables);
    size = typeof first === 'number' && Number.isFinite(first) ? Math.max(first, 0) : DEFAULT_LIST_SIZE;
  }
  for (const name of LIST_ARGUMENTS) {
    const list = argumentValue(field, name, variables);
    if (Array.isArray(list)) size = Math.max(size, list.length);
  }
  return size;
}

/**
 * The cost of the operation `operationName` selects in a valid document, with `variables` (raw, as the
 * client sent them). 0 when the document has no such operation (the transport reports that itself).
 */
export function operationCost(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> = {},
): number {
  const operation = getOperationAST(document, operationName);
  if (!operation) return 0;
  const fragments = fragmentsOf(document);
  const memo = new Map<string, number>();
  const cost = (set: SelectionSetNode, root: boolean, path: ReadonlySet<string>): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (isIntrospection(selection)) continue;
        const items = multiplier(selection, variables);
        const own = root && operation.operation === 'mutation' ? MUTATION_COST * Math.max(items, 1) : 1;
        total += own + (selection.selectionSet ? items * cost(selection.selectionSet, false, path) : 0);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += cost(selection.selectionSet, root, path);
      } else {
        total +=
          spreadOnce(selection, root, path, fragments, memo, (fragment, inner) =>
            cost(fragment.selectionSet, root, inner),
          ) ?? 0;
      }
    }
    return total;
  };
  return cost(operation.selectionSet, true, new Set());
}

/** The cost rejection of an operation over `maxCost`, or undefined. */
export function checkCost(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  limits: OperationLimits,
): GraphQLError | undefined {
  const cost = operationCost(document, operationName, variables ?? {});
  if (cost <= limits.maxCost) return undefined;
  return limitError(
    'cost',
    limits.maxCost,
    `The operation costs ${Number.isFinite(cost) ? cost : 'too much'}, over the limit of ${limits.maxCost} (each field counts once per item of the lists it is under): ask for smaller pages (first), fewer ids or fewer fields, and page with after.`,
  );
}

/**
 * The Apollo plugin for what validation rules cannot see: the query length and the cost (which depends
 * on the variables).
 */
export function limitsPlugin(limits: OperationLimits): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        // Apollo answers only errors thrown from this hook as GraphQL errors with their status, so the
        // length is checked here, after parsing (which `maxTokens` already bounds).
        async didResolveOperation({ source, document, request }) {
          const error =
            checkQuerySize(source, limits) ??
            checkCost(document, request.operationName, request.variables, limits);
          if (error) throw error;
        },
      };
    },
  };
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

/**
 * What the streaming transports do before executing: the size check, parsing with `maxTokens`,
 * validation with `rules`, the cost check, and the variables' types. Returns the document, or the errors to send (raw: the
 * caller gives them their codes and passes them through the error funnel).
 */
/** How {@link prepareOperation} parses and validates; a transport may answer both from a cache. */
export interface DocumentSteps {
  parse(query: string, options: { maxTokens: number }): DocumentNode;
  validate(schema: GraphQLSchema, document: DocumentNode): readonly GraphQLError[];
}

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
