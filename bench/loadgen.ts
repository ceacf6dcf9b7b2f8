/**
 * Child process entry: the load generator. Runs one {@link LoadJob} at a time with autocannon's
 * programmatic API, on the orchestrator's request over IPC, and answers with a {@link LoadResult}. It is
 * a process of its own so that generating load never competes with the server for its event loop.
 * Internal to the benchmarks.
 */
import autocannon from 'autocannon';
import { sortedQuantile } from './stats.js';
import {
  readUsage,
  type LoadJob,
  type LoadResult,
  type LoadgenReply,
  type LoadgenRequest,
} from './protocol.js';

/** A GraphQL success: data and no errors (checked on every response). */
const isGraphQLSuccess = (body: string): boolean =>
  body.startsWith('{"data":') && !body.includes('"errors":');

function runJob(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    // autocannon's own percentiles are whole milliseconds; keep every response time instead.
    let latencies = new Float64Array(1 << 16);
    let count = 0;
    const before = readUsage();
    const startedAt = performance.now();
    const instance = autocannon(
      {
        url: job.url,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: job.body,
        connections: job.connections,
        duration: job.durationS,
        pipelining: 1,
        verifyBody: isGraphQLSuccess,
      },
      (err, result) => {
        if (err) return reject(err);
        const wallMs = performance.now() - startedAt;
        const after = readUsage();
        const cpuUs = after.cpuUserUs - before.cpuUserUs + (after.cpuSystemUs - before.cpuSystemUs);
        const sorted = latencies.slice(0, count).sort();
        resolve({
          completed: result.requests.total,
          sent: result.requests.sent,
          durationS: result.duration,
          requestsPerS: result.requests.total / result.duration,
          p50Ms: sortedQuantile(sorted, 0.5),
          p99Ms: sortedQuantile(sorted, 0.99),
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          mismatches: result.mismatches,
          loadgenCpu: cpuUs / 1_000 / wallMs,
        });
      },
    );
    instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTimeMs: number) => {
      if (count === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[count++] = responseTimeMs;
    });
  });
}

function reply(message: LoadgenReply): void {
  process.send?.(message);
}

if (!process.send) throw new Error('loadgen.ts runs as a child of bench/run.ts (it needs an IPC channel)');
process.on('message', (message: LoadgenRequest) => {
  if (message.type === 'stop') process.exit(0);
  runJob(message.job).then(
    (result) => reply({ type: 'done', result }),
    (err: unknown) => reply({ type: 'failed', message: err instanceof Error ? err.message : String(err) }),
  );
});
process.on('disconnect', () => process.exit(0));
reply({ type: 'ready' });
