/**
 * The limits on an operation's text and shape, checked before anything runs: its length in characters,
 * and per operation with fragments expanded its field depth, aliases, root fields and directives (a
 * validation rule). Introspection fields count for none of them. Every rejection is {@link limitError}.
 * See limits.ts for the whole list of limits and how each transport applies them.
 */
import {
  GraphQLError,
  Kind,
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type FragmentSpreadNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { Config } from '../config.js';
import { ErrorCode } from '../errors.js';

/** The operation limits, each a maximum (the `GRAPHQL_MAX_*` settings). */
export type OperationLimits = Config['hardening']['operation'];

/** The name of a limit, as `extensions.limit` reports it. */
export type LimitName = 'depth' | 'aliases' | 'rootFields' | 'directives' | 'queryChars' | 'cost';

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
export function spreadOnce<T>(
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

/** The fragment definitions of `document`, by name. */
export const fragmentsOf = (document: DocumentNode): Map<string, FragmentDefinitionNode> =>
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
