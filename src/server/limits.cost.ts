/**
 * The cost limit, checked once the variables are known: every field counts 1, times the list sizes it
 * sits under (`first`, or {@link DEFAULT_LIST_SIZE} when absent; the length of an `ids` or `inputs` list),
 * and every mutation root field {@link MUTATION_COST} per item it sends. Introspection fields cost nothing.
 */
import {
  Kind,
  getOperationAST,
  valueFromASTUntyped,
  visit,
  type DocumentNode,
  type FieldNode,
  type GraphQLError,
  type SelectionSetNode,
} from 'graphql';
import {
  fragmentsOf,
  isIntrospection,
  limitError,
  spreadOnce,
  type OperationLimits,
} from './limits.shape.js';

/** Items a list field is counted with when the query does not say (`first` omitted): the largest default page. */
export const DEFAULT_LIST_SIZE = 20;
/** Cost of each item a mutation sends upstream (a `sendEvents` input, or one call). */
export const MUTATION_COST = 10;
/** Arguments whose list length multiplies the cost of what is selected under the field. */
const LIST_ARGUMENTS = new Set(['ids', 'inputs']);

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

/**
 * Costs already computed, per document: a document's cost depends on the variables only through the
 * multipliers of its fields that take a list size (`first`, `ids`, `inputs`), so those multipliers (and the
 * operation name) key its cost. Documents are the transports' cached parses (one object per query text
 * while cached); each keeps at most {@link MAX_COSTS_PER_DOCUMENT} costs, later ones are computed each time.
 */
const costs = new WeakMap<
  DocumentNode,
  { readonly sized: readonly FieldNode[]; readonly byKey: Map<string, number> }
>();
const MAX_COSTS_PER_DOCUMENT = 64;

/** The fields of `document` (in any operation or fragment) whose arguments may set a multiplier. */
function sizedFields(document: DocumentNode): FieldNode[] {
  const fields: FieldNode[] = [];
  visit(document, {
    Field(field) {
      if (field.arguments?.some((a) => a.name.value === 'first' || LIST_ARGUMENTS.has(a.name.value)))
        fields.push(field);
    },
  });
  return fields;
}

/** {@link operationCost}, remembered per document and multipliers. */
function cachedCost(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>>,
): number {
  let known = costs.get(document);
  if (!known) costs.set(document, (known = { sized: sizedFields(document), byKey: new Map() }));
  let key = '';
  for (const field of known.sized) key += `${multiplier(field, variables)},`;
  key += operationName == null ? '\u0000' : `\u0001${operationName}`;
  let cost = known.byKey.get(key);
  if (cost === undefined) {
    cost = operationCost(document, operationName, variables);
    if (known.byKey.size < MAX_COSTS_PER_DOCUMENT) known.byKey.set(key, cost);
  }
  return cost;
}

/** The cost rejection of an operation over `maxCost`, or undefined. */
export function checkCost(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
  limits: OperationLimits,
): GraphQLError | undefined {
  const cost = cachedCost(document, operationName, variables ?? {});
  if (cost <= limits.maxCost) return undefined;
  return limitError(
    'cost',
    limits.maxCost,
    `The operation costs ${Number.isFinite(cost) ? cost : 'too much'}, over the limit of ${limits.maxCost} (each field counts once per item of the lists it is under): ask for smaller pages (first), fewer ids or fewer fields, and page with after.`,
  );
}
