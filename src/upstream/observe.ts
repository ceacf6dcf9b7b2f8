/**
 * Observes every upstream call at the client, once per call however many attempts it took: the AWS
 * operation, outcome, attempts, latency and AWS request id. Metrics and logs subscribe to it.
 */
import { codeOf } from './errors.js';
import { originOf, type CallOrigin } from './origin.js';

export type { CallOrigin } from './origin.js';

/** One finished upstream AWS call (all its attempts), as reported to an {@link UpstreamObserver}. */
export interface UpstreamCall {
  readonly service: string;
  /** The AWS operation, e.g. `GetDataIntegrationEvent`. */
  readonly operation: string;
  /** `success`, or the error code the failure maps to (`THROTTLED`, `NOT_FOUND`, ...). */
  readonly outcome: string;
  /** HTTP attempts, retries included. */
  readonly attempts: number;
  readonly durationMs: number;
  readonly requestId: string | undefined;
  readonly errorName: string | undefined;
  /** What the call was made for ({@link sentFor}), if for a request. */
  readonly origin: CallOrigin | undefined;
}

/**
 * Told of every upstream call once it has finished, successful or not. Called synchronously on the call's
 * path: it must not throw and should return quickly.
 */
export type UpstreamObserver = (call: UpstreamCall) => void;

interface Metadata {
  $metadata?: { attempts?: number; requestId?: string };
}

interface ObservableClient {
  middlewareStack: {
    add(
      middleware: (
        next: (args: any) => Promise<any>,
        context: { commandName?: string },
      ) => (args: any) => Promise<any>,
      options: { step: 'initialize'; name: string; override?: boolean },
    ): void;
  };
}

/** Adds the observing middleware to a client (outermost, so it sees all attempts of a call as one). */
export function observeClient(client: ObservableClient, service: string, observer: UpstreamObserver): void {
  client.middlewareStack.add(
    (next, context) => {
      // Once per resolved handler (the clients resolve one per command class).
      const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      // The initialize step is handed the command itself: its origin is looked up by it.
      return async (args) => {
        const started = performance.now();
        const origin = originOf(args as object);
        try {
          const result = await next(args);
          const meta = (result?.output as Metadata | undefined)?.$metadata;
          observer({
            service,
            operation,
            outcome: 'success',
            attempts: meta?.attempts ?? 1,
            durationMs: performance.now() - started,
            requestId: meta?.requestId,
            errorName: undefined,
            origin,
          });
          return result;
        } catch (err) {
          const meta = (err as Metadata).$metadata;
          observer({
            service,
            operation,
            outcome: codeOf(err),
            attempts: meta?.attempts ?? 1,
            durationMs: performance.now() - started,
            requestId: meta?.requestId,
            errorName: (err as Error | undefined)?.name,
            origin,
          });
          throw err;
        }
      };
    },
    { step: 'initialize', name: 'loadgraphObserveUpstream', override: true },
  );
}
