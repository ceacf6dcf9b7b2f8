/**
 * Per-request DataLoaders: the only way resolvers read upstream data. Each loader de-duplicates the keys
 * of one tick and reads them through the gateway-wide {@link SharedReader}s (coalescing, terminal cache,
 * bounded concurrency). Batch contract: one result per key, in order, an Error for a failed key; a failed
 * key is not cached, so a later load in the same request retries it.
 */
import DataLoader from 'dataloader';
import { upstreamError } from './errors.js';
import type { SharedReader } from './reader.js';
import { stableKey, type Readers } from './readers.js';

/** A request's loader, plus what the gateway-wide cache already holds (see {@link loadNow}). */
export type Loader<K, V> = DataLoader<K, V, string> & { cached(key: K): V | undefined };
export type LoaderOf<R> = R extends SharedReader<infer K, infer V> ? Loader<K, V> : never;

/**
 * The value of `key`: at once when the gateway-wide cache holds it (a terminal load, a definition), else
 * through the request's loader. The same value `load` would give, without a promise per field: graphql-js
 * completes a plain value far more cheaply than a promise.
 */
export function loadNow<K, V>(loader: Loader<K, V>, key: K): V | Promise<V> {
  return loader.cached(key) ?? loader.load(key);
}
export type Loaders = { readonly [N in keyof Readers]: LoaderOf<Readers[N]> };

/** Every batch each loader dispatched in this request, for tests and metrics: `[loader, keys]`. */
export type BatchLog = [name: string, size: number][];

interface LoaderScope {
  readonly readers: Readers;
  readonly requestStart: number;
  readonly batches: BatchLog | undefined;
  readonly onBatch: ((loader: string, size: number) => void) | undefined;
  readonly made: Map<string, Loader<object, object>>;
}

function makeLoader(scope: LoaderScope, name: string): Loader<object, object> {
  const reader = scope.readers[name as keyof Readers] as unknown as SharedReader<object, object>;
  const { requestStart, batches, onBatch } = scope;
  const loader: DataLoader<object, object, string> = new DataLoader<object, object, string>(
    async (keys) => {
      batches?.push([name, keys.length]);
      onBatch?.(name, keys.length);
      const settled = await Promise.allSettled(keys.map((k) => reader.read(k, requestStart)));
      const failed = keys.filter((_, i) => settled[i]!.status === 'rejected');
      // DataLoader caches per-key errors; forget them (the waiting loads still get theirs), so a later load retries.
      for (const k of failed) loader.clear(k);
      return settled.map((s) =>
        s.status === 'fulfilled' ? s.value : upstreamError(s.reason, reader.operation),
      );
    },
    { cacheKeyFn: stableKey, name },
  );
  return Object.assign(loader, { cached: (key: object) => reader.cached(key) });
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
  };
  for (const name of Object.keys(readers)) {
    Object.defineProperty(Lazy.prototype, name, {
      enumerable: true,
      get(this: InstanceType<typeof Lazy>) {
        let loader = this[SCOPE].made.get(name);
        if (!loader) this[SCOPE].made.set(name, (loader = makeLoader(this[SCOPE], name)));
        return loader;
      },
    });
  }
  LoadersClass = Lazy as unknown as new (scope: LoaderScope) => Loaders;
  loaderClasses.set(readers, LoadersClass);
  return LoadersClass;
}

/**
 * Creates the loaders of one request (or one subscription event). `requestStart` is the request's
 * `performance.now()` instant: shared in-flight reads older than it are not joined. Each loader is
 * created on its first use.
 */
export function createLoaders(
  readers: Readers,
  requestStart: number,
  batches?: BatchLog,
  onBatch?: (loader: string, size: number) => void,
): Loaders {
  const LoadersClass = loaderClassOf(readers);
  return new LoadersClass({ readers, requestStart, batches, onBatch, made: new Map() });
}
