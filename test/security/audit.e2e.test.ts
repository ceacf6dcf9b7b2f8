/**
 * The GraphQL-over-HTTP conformance audit of `graphql-http` (`auditServer`) against the real gateway:
 * no MUST requirement may fail, and `docs/graphql-over-http-audit.md` records every audit with the result
 * it has now (regenerate the table with `AUDIT_REPORT=1`, which prints it). In production mode the two
 * MUST audits whose probe query is an introspection query (`__type`) fail by design, and only those.
 */
import { readFileSync } from 'node:fs';
import { auditServer, type AuditResult } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';

/** The audits that probe with `__type`, which production mode refuses as introspection (two MUST, one SHOULD). */
const INTROSPECTION_PROBES = ['BF61', '28B9', '2EA1'];

let gw: TestGateway;
let production: TestGateway;
let results: AuditResult[];
let productionResults: AuditResult[];

beforeAll(async () => {
  gw = await startTestGateway();
  production = await startTestGateway({ PRODUCTION_MODE: '1' });
  results = await auditServer({ url: gw.url, fetchFn: fetch });
  productionResults = await auditServer({ url: production.url, fetchFn: fetch });
  if (process.env['AUDIT_REPORT']) {
    const rows = results.map(
      (r) =>
        `| \`${r.id}\` | ${r.name.replaceAll('|', '\\|')} | ${r.status}${r.status === 'ok' ? '' : `: ${r.reason.replaceAll('|', '\\|').replaceAll('\n', ' ')}`} |`,
    );
    process.stdout.write(`${rows.join('\n')}\n`);
  }
});
afterAll(async () => {
  await gw?.stop();
  await production?.stop();
});

const mustFailures = (list: readonly AuditResult[]) =>
  list.filter((r) => r.status === 'error').map((r) => `${r.id} ${r.name}: ${'reason' in r ? r.reason : ''}`);

describe('GraphQL over HTTP audit', () => {
  it('fails no MUST requirement', () => {
    expect(mustFailures(results)).toEqual([]);
  });

  it('in production mode, fails only the MUST audits that probe with introspection', () => {
    expect(mustFailures(productionResults).map((f) => f.slice(0, 4))).toEqual(['BF61', '28B9']);
    const others = (list: readonly AuditResult[]) =>
      list.filter((r) => !INTROSPECTION_PROBES.includes(r.id)).map((r) => [r.id, r.status]);
    expect(others(productionResults)).toEqual(others(results));
  });

  it('matches the report kept in docs/graphql-over-http-audit.md', () => {
    const report = readFileSync(new URL('../../docs/graphql-over-http-audit.md', import.meta.url), 'utf8');
    const recorded = new Map(
      [...report.matchAll(/^\| `([0-9A-Z]{4})` \| .* \| (ok|notice|warn|error)\b/gm)].map((m) => [
        m[1],
        m[2],
      ]),
    );
    expect(Object.fromEntries(recorded)).toEqual(Object.fromEntries(results.map((r) => [r.id, r.status])));
  });
});
