/**
 * What a field's sub-selection asks for, to choose a cheaper read when the answer cannot differ. Internal
 * to graph/.
 */
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Whether every field selected under this field (through inline fragments and named fragments, under any
 * directive) is one of `allowed`. `__typename` is always allowed. Anything it cannot tell is a no.
 */
export function selectsOnly(info: GraphQLResolveInfo, allowed: ReadonlySet<string>): boolean {
  const seen = new Set<string>();
  const check = (set: SelectionSetNode | undefined): boolean => {
    if (!set) return true;
    for (const selection of set.selections) {
      switch (selection.kind) {
        case Kind.FIELD:
          if (selection.name.value !== '__typename' && !allowed.has(selection.name.value)) return false;
          break;
        case Kind.INLINE_FRAGMENT:
          if (!check(selection.selectionSet)) return false;
          break;
        case Kind.FRAGMENT_SPREAD: {
          const name = selection.name.value;
          if (seen.has(name)) break;
          seen.add(name);
          const fragment = info.fragments[name];
          if (!fragment || !check(fragment.selectionSet)) return false;
          break;
        }
      }
    }
    return true;
  };
  return info.fieldNodes.every((node) => check(node.selectionSet));
}
