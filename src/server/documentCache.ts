/**
 * Parsed and validated documents, kept per transport: a subscription document sent by ten thousand
 * dashboards is parsed and validated once, and its syntax tree is held once (graphql-ws keeps each
 * operation's document for the operation's lifetime). Documents are never mutated by graphql-js, so
 * sharing one is safe. Failures are not cached: they cost the sender, not the others.
 */
import type { DocumentNode, GraphQLError, GraphQLSchema, ParseOptions, Source } from 'graphql';
import { parse } from 'graphql';
import { LRUCache } from 'lru-cache';

/** Bounds of a {@link DocumentCache}; both optional, with the defaults given per field. */
export interface DocumentCacheOptions {
  /** Documents kept, least recently used dropped first (default 1,000). */
  readonly maxDocuments?: number;
  /** Longer query texts are parsed each time and not kept (default 20,000 characters). */
  readonly maxQueryChars?: number;
}

/**
 * A parse and validation cache for GraphQL documents keyed by query text, so a repeated query is parsed and
 * validated once rather than per request. Cached documents are shared: callers must not mutate them.
 */
export interface DocumentCache {
  /**
   * `parse`, answered from the cache for a query text seen before. Throws as `parse` does. One cache
   * serves one set of parse options (the same `maxTokens` every time).
   */
  parse(query: string | Source, options?: ParseOptions): DocumentNode;
  /** Wraps a validate function: each cached document is validated once per schema. */
  validated<E extends readonly GraphQLError[]>(
    validate: (schema: GraphQLSchema, document: DocumentNode) => E,
  ): (schema: GraphQLSchema, document: DocumentNode) => E;
}

/**
 * A new, empty {@link DocumentCache} with the given bounds (defaults: 1,000 documents, 20,000 characters).
 */
export function createDocumentCache({
  maxDocuments = 1_000,
  maxQueryChars = 20_000,
}: DocumentCacheOptions = {}): DocumentCache {
  const documents = new LRUCache<string, DocumentNode>({ max: maxDocuments });
  const cached = new WeakSet<DocumentNode>();
  return {
    parse(query, options) {
      if (typeof query !== 'string') return parse(query, options);
      let document = documents.get(query);
      if (document) return document;
      document = parse(query, options);
      if (query.length <= maxQueryChars) {
        documents.set(query, document);
        cached.add(document);
      }
      return document;
    },
    validated(validate) {
      type Errors = ReturnType<typeof validate>;
      const results = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Errors>>();
      return (schema, document) => {
        if (!cached.has(document)) return validate(schema, document);
        let bySchema = results.get(schema);
        if (!bySchema) results.set(schema, (bySchema = new WeakMap()));
        let errors = bySchema.get(document);
        if (!errors) bySchema.set(document, (errors = validate(schema, document)));
        return errors;
      };
    },
  };
}
