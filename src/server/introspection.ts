/**
 * The validation rule that refuses introspection when it is off (GRAPHQL_INTROSPECTION=0, the production
 * default), on every transport. It replaces Apollo's own, whose message tells the client to pass an
 * ApolloServer option: this one names the setting an operator can change, and where else the schema is.
 */
import { GraphQLError, type ValidationRule } from 'graphql';

/**
 * The environment variable that turns introspection on (`1`) or off; named in refusals so operators know
 * what to change.
 */
export const INTROSPECTION_SETTING = 'GRAPHQL_INTROSPECTION';

/**
 * Reports every `__schema` and `__type` field as a validation error naming {@link INTROSPECTION_SETTING}
 * and where the SDL is published. Add it to the validation rules only when introspection is off.
 */
export const introspectionOffRule: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '__schema' || node.name.value === '__type') {
      context.reportError(
        new GraphQLError(
          `Introspection is off on this gateway (the production default), so "${node.name.value}" cannot be queried. ` +
            `The operator can turn it on with ${INTROSPECTION_SETTING}=1; the schema is also published as SDL (the repository's schema/ folder, ` +
            'or `_service { sdl }` for a federation router).',
          { nodes: node, extensions: { setting: INTROSPECTION_SETTING } },
        ),
      );
    }
  },
});
