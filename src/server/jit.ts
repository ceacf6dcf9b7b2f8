/**
 * Compiled execution of hot queries. graphql-jit turns an operation into a function specialised to its
 * selection set (no per-field lookups of definitions, arguments or abstract types at run time), which runs
 * a one-load query in about half the time graphql-js takes. Compiling costs a few milliseconds, so only a
 * document that has been asked for `hotAfter` times is compiled; until then, and for everything JIT is
 * not used for, graphql-js executes as before.
 *
 * Where it is used: queries only. Mutations run once per call and must keep graphql-js's serial semantics
 * exactly; subscriptions have their own transports (subscriptions.ts); introspection is rare and served by
 * graphql-js as the reference. A document graphql-jit cannot compile is remembered and never tried again.
 *
 * Apollo Server 5 takes a custom executor only through its gateway interface: {@link jitGateway} is a
 * gateway of one local schema whose executor is this one. Apollo's request pipeline (parsing, validation,
 * the plugins, error formatting) is unchanged.
 */
import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import {
  execute,
  Kind,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { LRUCache } from 'lru-cache';
import { isIntrospection } from './limits.js';

/** When documents are compiled with graphql-jit, and how many are remembered. */
export interface JitOptions {
  /** Executions of a document by graphql-js before it is compiled; 0: never compile. */
  readonly hotAfter: number;
  /** Documents whose use counts and compiled forms are kept (least recently used dropped first). */
  readonly maxDocuments: number;
}

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;
type GatewayRequestContext = Parameters<GatewayExecutor>[0];

/** What one document (and operation name) has come to: still counting, compiled, or not compilable. */
interface Entry {
  uses: number;
  compiled: CompiledQuery | undefined;
  /** graphql-jit could not compile it (or JIT does not apply): graphql-js for good. */
  interpreted: boolean;
}

/** Counters since the executor was created, for metrics; they only grow. */
export interface JitStats {
  /** Documents compiled so far. */
  readonly compiled: number;
  /** Executions by compiled code. */
  readonly compiledRuns: number;
  /** Documents graphql-jit could not compile. */
  readonly refused: number;
}

/**
 * Executes operations with graphql-js at first and with graphql-jit once a document is hot. Results are the
 * same either way; a document graphql-jit refuses keeps running on graphql-js.
 */
export interface JitExecutor {
  readonly execute: (
    schema: GraphQLSchema,
    document: DocumentNode,
    /** Undefined when the document has no such operation (graphql-js answers that error). */
    operation: OperationDefinitionNode | undefined,
    operationName: string | null,
    contextValue: unknown,
    variables: Record<string, unknown> | undefined,
  ) => Promise<ExecutionResult>;
  readonly stats: JitStats;
}

/** Whether JIT applies to this operation at all (see the module comment). */
function eligible(operation: OperationDefinitionNode): boolean {
  if (operation.operation !== 'query') return false;
  return !operation.selectionSet.selections.some((s) => s.kind === Kind.FIELD && isIntrospection(s));
}

/**
 * A {@link JitExecutor} with its own LRU of documents (at least one kept, whatever `maxDocuments` says).
 * Documents are recognized by identity, so it pays off only behind a parse cache that returns the same
 * object for the same text.
 */
export function createJitExecutor(options: JitOptions): JitExecutor {
  const entries = new LRUCache<string, Entry>({ max: Math.max(1, options.maxDocuments) });
  /** Documents are Apollo's cached parse results: one object per query text while it stays cached. */
  const keys = new WeakMap<DocumentNode, string>();
  let nextKey = 0;
  const stats = { compiled: 0, compiledRuns: 0, refused: 0 };

  const entryOf = (document: DocumentNode, operationName: string | null): Entry => {
    let key = keys.get(document);
    if (key === undefined) keys.set(document, (key = String(nextKey++)));
    if (operationName !== null) key += `\u0000${operationName}`;
    let entry = entries.get(key);
    if (!entry) entries.set(key, (entry = { uses: 0, compiled: undefined, interpreted: false }));
    return entry;
  };

  return {
    stats,
    async execute(schema, document, operation, operationName, contextValue, variables) {
      const interpret = () =>
        execute({ schema, document, operationName, contextValue, variableValues: variables ?? null });
      if (options.hotAfter <= 0 || !operation) return interpret();
      const entry = entryOf(document, operationName);
      if (!entry.compiled) {
        if (entry.interpreted) return interpret();
        if (!eligible(operation)) {
          entry.interpreted = true;
          return interpret();
        }
        if (++entry.uses <= options.hotAfter) return interpret();
        let compiled: CompiledQuery | ExecutionResult | undefined;
        try {
          compiled = compileQuery(schema, document, operationName ?? undefined, {
            // Apollo serializes the response itself.
            customJSONSerializer: false,
          });
        } catch {
          // A construct the compiler does not handle: graphql-js runs it, as before.
          compiled = undefined;
        }
        if (!compiled || !isCompiledQuery(compiled)) {
          entry.interpreted = true;
          stats.refused++;
          return interpret();
        }
        entry.compiled = compiled;
        stats.compiled++;
      }
      stats.compiledRuns++;
      const result = await entry.compiled.query(undefined, contextValue, variables);
      // No data: the variables were refused before anything ran. graphql-js words those errors as Apollo
      // expects them (BAD_USER_INPUT with the variable's location): let it answer.
      if (result.data === undefined && result.errors?.length) return interpret();
      return result;
    },
  };
}

/**
 * A gateway (Apollo's interface) of one local schema, executed by `jit`: how Apollo Server 5 takes a
 * custom executor.
 */
export function jitGateway(schema: GraphQLSchema, jit: JitExecutor): Gateway {
  const executor: GatewayExecutor = (rc: GatewayRequestContext) =>
    jit.execute(
      schema,
      rc.document,
      rc.operation,
      // As the client asked (Apollo's `operationName` is the resolved operation's, null when none).
      rc.request.operationName ?? null,
      rc.context,
      rc.request.variables,
    ) as ReturnType<GatewayExecutor>;
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => {};
    },
    load: async () => ({ executor }),
    stop: async () => {},
  };
}
