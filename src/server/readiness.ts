/**
 * Readiness: the upstream credentials resolve, and each AWS service answers a cheap authenticated read
 * (one-item list) with anything but a server-side failure. The result is kept for `cacheMs`, so probes
 * cost at most one upstream call per service per period.
 */
import { ListDomainsCommand } from '@aws-sdk/client-datazone';
import type { UpstreamClients } from '../upstream/clients.js';
import { credentialsProblem } from '../upstream/credentials.js';
import { codeOf } from '../upstream/errors.js';
import { ListInstancesCommand } from '../upstream/supplychain/index.js';

const UNREACHABLE = new Set([
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_TIMEOUT',
  'UNAUTHENTICATED',
  'INTERNAL_SERVER_ERROR',
]);

export function createReadiness(clients: UpstreamClients, cacheMs: number): () => Promise<string[]> {
  let last: { at: number; problems: Promise<string[]> } | undefined;
  const probe = async (): Promise<string[]> => {
    const problems: string[] = [];
    try {
      await clients.supplyChain.config.credentials();
    } catch (err) {
      return [credentialsProblem(err)];
    }
    const check = async (service: string, call: () => Promise<unknown>): Promise<void> => {
      try {
        await call();
      } catch (err) {
        const code = codeOf(err);
        // Throttling or a denied list still proves the service is reachable with these credentials.
        if (UNREACHABLE.has(code))
          problems.push(
            `${service} is not reachable: ${code} (${(err as Error).name}: ${(err as Error).message})`,
          );
      }
    };
    await Promise.all([
      check('AWS Supply Chain', () => clients.supplyChain.send(new ListInstancesCommand({ maxResults: 1 }))),
      check('Amazon DataZone', () => clients.dataZone.send(new ListDomainsCommand({ maxResults: 1 }))),
    ]);
    return problems;
  };
  return () => {
    const now = performance.now();
    if (!last || now - last.at > cacheMs) last = { at: now, problems: probe() };
    return last.problems;
  };
}
