/**
 * Per-request DataLoaders: the only way resolvers read upstream data. Each loader de-duplicates the keys
 * of one tick and reads them through the gateway-wide {@link SharedReader}s (coalescing, terminal cache,
 * bounded concurrency). Batch contract: one result per key, in order, an Error for a failed key; a failed
 * key is not cached, so a later load in the same request retries it.
 */
import DataLoader from 'dataloader';
import type { GraphQLError } from 'graphql';
import { upstreamError } from './errors.js';
import type { SharedReader } from './reader.js';
import { stableKey, type Readers } from './readers.js';

export type LoaderOf<R> = R extends SharedReader<infer K, infer V> ? DataLoader<K, V, string> : never;
export type Loaders = { readonly [N in keyof Readers]: LoaderOf<Readers[N]> };

/** Every batch each loader dispatched in this request, for tests and metrics: `[loader, keys]`. */
export type BatchLog = [name: string, size: number][];

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
 * Creates the loaders of one request (or one subscription event). `requestStart` is the request's
 * `performance.now()` instant: shared in-flight reads older than it are not joined.
 */
export function createLoaders(
  readers: Readers,
  requestStart: number,
  batches?: BatchLog,
  onBatch?: (loader: string, size: number) => void,
  gate?: ReadGate,
): Loaders {
  const make = <K extends object, V extends object>(
    name: string,
    reader: SharedReader<K, V>,
  ): DataLoader<K, V, string> => {
    const loader: DataLoader<K, V, string> = new DataLoader<K, V, string>(
      async (keys) => {
        batches?.push([name, keys.length]);
        onBatch?.(name, keys.length);
        const refused = keys.map((k) => gate?.refuse(name, k, reader.operation));
        const settled = await Promise.allSettled(
          keys.map((k, i) => (refused[i] ? Promise.reject(refused[i]) : reader.read(k, requestStart))),
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
  };
  const loaders = Object.fromEntries(
    Object.entries(readers).map(([name, reader]) => [
      name,
      make(name, reader as SharedReader<object, object>),
    ]),
  );
  return loaders as unknown as Loaders;
}
