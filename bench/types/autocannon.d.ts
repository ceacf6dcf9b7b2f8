/** The part of autocannon's programmatic API the load generator uses (the package ships no types). */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  namespace autocannon {
    interface Options {
      url: string;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      /** Concurrent connections (default 10). */
      connections?: number;
      /** Seconds. */
      duration?: number;
      pipelining?: number;
      /** Seconds before a request times out (default 10). */
      timeout?: number;
      /** False counts the response as a mismatch. */
      verifyBody?: (body: string) => boolean;
    }

    interface Result {
      /** Seconds actually run. */
      duration: number;
      errors: number;
      timeouts: number;
      mismatches: number;
      non2xx: number;
      /** `total`: responses completed; `sent`: requests written, completed or not. */
      requests: { total: number; average: number; sent: number };
      latency: { p50: number; p99: number };
    }

    /** Emits `response` (client, statusCode, bytes, responseTimeMs) for every response. */
    interface Instance extends EventEmitter {
      stop(): void;
    }
  }

  function autocannon(
    options: autocannon.Options,
    callback: (err: Error | null, result: autocannon.Result) => void,
  ): autocannon.Instance;

  export = autocannon;
}
