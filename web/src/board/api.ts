/**
 * The board's only way to the gateway: its public GraphQL API, queries over HTTP and subscriptions over
 * graphql-ws, with the stored credentials. No polling: everything after the first read arrives through
 * subscriptions.
 */
import { createClient, type Client } from 'graphql-ws';
import { endpoints, pageConfig } from '../shared/config';
import { headersOf, loadCredentials } from '../shared/credentials';
import type { TypedDocumentString } from './gql/graphql';

export const config = pageConfig();
const urls = endpoints(config);

/** A GraphQL error as the board shows it: the message and its code. */
export interface ApiError {
  readonly message: string;
  readonly code?: string;
  readonly path?: readonly (string | number)[];
}

export interface Result<T> {
  readonly data: T | null | undefined;
  readonly errors: readonly ApiError[];
}

const toErrors = (errors: unknown): ApiError[] =>
  Array.isArray(errors)
    ? errors.map((e: { message?: string; extensions?: { code?: string }; path?: (string | number)[] }) => ({
        message: e.message ?? 'Unknown error',
        ...(e.extensions?.code ? { code: e.extensions.code } : {}),
        ...(e.path ? { path: e.path } : {}),
      }))
    : [];

export async function query<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<Result<R>> {
  let response: Response;
  try {
    response = await fetch(urls.http, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        ...headersOf(loadCredentials(), config.apiKeyHeader),
      },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
  } catch (err) {
    return { data: null, errors: [{ message: `The gateway cannot be reached: ${String(err)}` }] };
  }
  let body: { data?: R | null; errors?: unknown };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    return { data: null, errors: [{ message: `The gateway answered ${response.status} without JSON` }] };
  }
  return { data: body.data, errors: toErrors(body.errors) };
}

let client: Client | undefined;
/** Subscriptions open right now (shown on the page, and read by the tests). */
let open = 0;
const listeners = new Set<(open: number) => void>();
const setOpen = (n: number): void => {
  open = n;
  for (const l of listeners) l(open);
};
export const onSubscriptionCount = (listener: (open: number) => void): (() => void) => {
  listeners.add(listener);
  listener(open);
  return () => listeners.delete(listener);
};

function wsClient(): Client {
  return (client ??= createClient({
    url: urls.ws,
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    connectionParams: () => {
      const headers = headersOf(loadCredentials(), config.apiKeyHeader);
      const authorization = headers['authorization'];
      const apiKey = headers[config.apiKeyHeader];
      return { ...(authorization ? { authorization } : {}), ...(apiKey ? { apiKey } : {}) };
    },
  }));
}

/** Credentials changed: the next subscriptions open a new connection with them. */
export function resetConnection(): void {
  void client?.dispose();
  client = undefined;
}

export interface Sink<R> {
  next(data: R): void;
  error(errors: readonly ApiError[]): void;
  complete?(): void;
}

/** Subscribes; returns the unsubscribe function. */
export function subscribe<R, V>(
  document: TypedDocumentString<R, V>,
  variables: V,
  sink: Sink<R>,
): () => void {
  let done = false;
  setOpen(open + 1);
  const finish = (): void => {
    if (done) return;
    done = true;
    setOpen(open - 1);
  };
  const stop = wsClient().subscribe<R>(
    { query: document.toString(), variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        if (result.errors?.length) sink.error(toErrors(result.errors));
        if (result.data) sink.next(result.data as R);
      },
      error: (err) => {
        finish();
        sink.error(
          Array.isArray(err)
            ? toErrors(err)
            : [{ message: err instanceof Error ? err.message : 'The live connection failed' }],
        );
      },
      complete: () => {
        finish();
        sink.complete?.();
      },
    },
  );
  return () => {
    finish();
    stop();
  };
}
