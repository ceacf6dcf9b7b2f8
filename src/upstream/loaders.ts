/**
 * Per-request DataLoaders: the only way resolvers read upstream data. Each loader de-duplicates the keys
 * of one tick and reads them through the gateway-wide {@link SharedReader}s (coalescing, terminal cache,
 * bounded concurrency). Batch contract: one result per key, in order, an Error for a failed key; a failed
 * key is not cached, so a later load in the same request retries it.
 */
import DataLoader from 'dataloader';
import type { GraphQLError } from 'graphql';
import { requestAbandoned, upstreamError } from './errors.js';
import type { CallOrigin } from './origin.js';
import type { SharedReader } from './reader.js';
import { stableKey, type Readers } from './readers.js';

/** The DataLoader over a {@link SharedReader}: keys and values of the reader, string cache keys. */
export type LoaderOf<R> = R extends SharedReader<infer K, infer V> ? DataLoader<K, V, string> : never;
type KeyValueOf<N extends keyof Readers> =
  Readers[N] extends SharedReader<infer K, infer V> ? [key: K, value: V] : never;
type KeyOf<N extends keyof Readers> = KeyValueOf<N>[0];
type ValueOf<N extends keyof Readers> = KeyValueOf<N>[1];

/** One request's loaders: a DataLoader per reader, by the reader's name, made on first use. */
export type Loaders = { readonly [N in keyof Readers]: LoaderOf<Readers[N]> } & {
  /**
   * The value of `key` from loader `name`: at once when the gateway-wide cache holds it (a terminal load,
   * a definition) and the access gate lets it through, else through the request's loader (created then).
   * The same value `load` would give, without a loader and a promise per field: graphql-js completes a
   * plain value far more cheaply.
   */
  loadNow<N extends keyof Readers>(name: N, key: KeyOf<N>): ValueOf<N> | Promise<ValueOf<N>>;
};

/** `loaders.loadNow(name, key)` (see {@link Loaders}), as a function for resolvers. */
export function loadNow<N extends keyof Readers>(
  loaders: Loaders,
  name: N,
  key: KeyOf<N>,
): ValueOf<N> | Promise<ValueOf<N>> {
  return loaders.loadNow(name, key);
}

/**
 * Whether the request's gate lets `key` of loader `name` be read: items of an account-wide list that the
 * caller may not see are left out of it.
 */
export function mayRead<N extends keyof Readers>(loaders: Loaders, name: N, key: KeyOf<N>): boolean {
  const scope = (loaders as unknown as { [SCOPE]: LoaderScope })[SCOPE];
  return !scope.gate?.refuse(name, key as object, scope.readers[name].operation);
}

/** Every batch each loader dispatched in this request, for tests and metrics: `[loader, keys]`. */
export type BatchLog = [name: string, size: number][];

/** What one request's loaders share. */
export interface LoaderOptions {
  /**
   * The request's `performance.now()` instant: shared in-flight reads older than it are not joined.
   */
  readonly requestStart: number;
  /** Every batch dispatched is appended here (tests, the batching log). */
  readonly batches?: BatchLog | undefined;
  /** Told the size of every batch (metrics). */
  readonly onBatch?: ((loader: string, size: number) => void) | undefined;
  /** Authorization of every key (see {@link ReadGate}); none: everything may be read. */
  readonly gate?: ReadGate | undefined;
  /** Fires when the request has run past its deadline: batches after it read nothing (REQUEST_TIMEOUT). */
  readonly signal?: Pick<AbortSignal, 'aborted'> | undefined;
  /** The request the loaders read for: its upstream calls are reported with it (see `sentFor`). */
  readonly origin?: CallOrigin | undefined;
}

interface LoaderScope extends LoaderOptions {
  readonly readers: Readers;
  /** The loaders made so far (made with the first). */
  made?: Map<string, DataLoader<object, object, string>>;
}

function makeLoader(scope: LoaderScope, name: string): DataLoader<object, object, string> {
  const reader = scope.readers[name as keyof Readers] as unknown as SharedReader<object, object>;
  const { requestStart, batches, onBatch, gate, signal, origin } = scope;
  const loader: DataLoader<object, object, string> = new DataLoader<object, object, string>(
    async (keys) => {
      if (signal?.aborted) {
        const abandoned = requestAbandoned();
        return keys.map(() => abandoned);
      }
      batches?.push([name, keys.length]);
      onBatch?.(name, keys.length);
      const refused = keys.map((k) => gate?.refuse(name, k, reader.operation));
      const settled = await Promise.allSettled(
        keys.map((k, i) => (refused[i] ? Promise.reject(refused[i]) : reader.read(k, requestStart, origin))),
      );
      const failed = keys.filter((_, i) => settled[i]!.status === 'rejected');
      // DataLoader caches per-key errors; forget them (the waiting loads still get theirs), so a later load retries.
      for (const k of failed) loader.clear(k);
      return settled.map((s, i) => {
        if (s.status === 'fulfilled') return s.value;
        if (refused[i]) return refused[i];
        const error = upstreamError(s.reason, reader.operation);
        return gate ? gate.failed(name, keys[i]!, error, reader.operation) : error;
      });
    },
    { cacheKeyFn: stableKey, name },
  );
  return loader;
}

/**
 * One class per readers object, with a getter per reader on its prototype: a request pays for the loaders
 * it uses (two or three of the fourteen; a subscription event often none), not for all of them.
 */
const SCOPE = Symbol('scope');
const loaderClasses = new WeakMap<Readers, new (scope: LoaderScope) => Loaders>();

function loaderClassOf(readers: Readers): new (scope: LoaderScope) => Loaders {
  let LoadersClass = loaderClasses.get(readers);
  if (LoadersClass) return LoadersClass;
  const Lazy = class {
    readonly [SCOPE]: LoaderScope;
    constructor(scope: LoaderScope) {
      this[SCOPE] = scope;
    }

    loadNow(name: keyof Readers, key: object): unknown {
      const scope = this[SCOPE];
      const reader = scope.readers[name] as unknown as SharedReader<object, object>;
      // The gate decides first: a key the caller may not read goes through the loader, which answers it
      // exactly as the gate says, even when the shared cache holds it.
      if (!scope.gate?.refuse(name, key, reader.operation)) {
        const cached = reader.cached(key);
        if (cached) return cached;
      }
      return (this as unknown as Record<string, DataLoader<object, object, string>>)[name]!.load(key);
    }
  };
  for (const name of Object.keys(readers)) {
    Object.defineProperty(Lazy.prototype, name, {
      enumerable: true,
      get(this: InstanceType<typeof Lazy>) {
        const scope = this[SCOPE];
        const made = (scope.made ??= new Map());
        let loader = made.get(name);
        if (!loader) made.set(name, (loader = makeLoader(scope, name)));
        return loader;
      },
    });
  }
  LoadersClass = Lazy as unknown as new (scope: LoaderScope) => Loaders;
  loaderClasses.set(readers, LoadersClass);
  return LoadersClass;
}

/**
 * Decides, before any upstream call, whether a key may be read at all, and how a failed read is answered
 * (authorization: see server/auth/access.ts). `loader` is the reader's name, `operation` its AWS operation.
 */
export interface ReadGate {
  /** The error `key` is answered with instead of being read; undefined: read it. */
  refuse(loader: string, key: object, operation: string): Error | undefined;
  /** The error a failed read of `key` is answered with. */
  failed(loader: string, key: object, error: GraphQLError, operation: string): Error;
}

/**
 * Creates the loaders of one request (or one subscription event). Each loader is created on its first
 * use.
 */
export function createLoaders(readers: Readers, options: LoaderOptions): Loaders {
  const LoadersClass = loaderClassOf(readers);
  const scope: LoaderScope = {
    readers,
    requestStart: options.requestStart,
    batches: options.batches,
    onBatch: options.onBatch,
    gate: options.gate,
    signal: options.signal,
    origin: options.origin,
  };
  return new LoadersClass(scope);
}
