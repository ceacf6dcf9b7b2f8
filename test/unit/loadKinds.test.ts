/**
 * The table of load kinds drives every per-kind decision: each kind's global id round-trips through the
 * table's codec, its typename is a schema type implementing `Load`, its operations are the polled ones,
 * its reader exists, and no module outside the table switches over kinds.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fromGlobalId, toGlobalId } from '../../src/graph/ids.js';
import { loadTypeOf } from '../../src/graph/loads.resolvers.js';
import { loadTypeDefs } from '../../src/graph/schema.js';
import {
  LOAD_KIND_LIST,
  LOAD_KINDS,
  POLLED_OPERATIONS,
  loadRefKey,
  markKind,
  normalizedStatus,
  type LoadRef,
} from '../../src/upstream/loadKinds.js';

const SAMPLE_KEYS: Record<string, Record<string, string>> = {
  instanceId: { value: '8928ae12-15e5-4441-825d-ec2184f0a43a' },
  eventId: { value: '19739c8e-cd2e-4cbc-a2f7-0dc43239f042' },
  executionId: { value: '29739c8e-cd2e-4cbc-a2f7-0dc43239f042' },
  flowName: { value: 'ingest-orders' },
  domainId: { value: 'dzd_abc123' },
  runId: { value: 'run0123456789a' },
};

const sampleRef = (kind: keyof typeof LOAD_KINDS): LoadRef =>
  ({
    kind,
    key: Object.fromEntries(LOAD_KINDS[kind].keyFields.map(([name]) => [name, SAMPLE_KEYS[name]!['value']])),
  }) as unknown as LoadRef;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the table of load kinds', () => {
  for (const d of LOAD_KIND_LIST) {
    it(`describes ${d.kind}: id codec, typename, operations, status map`, () => {
      const ref = sampleRef(d.kind);
      expect(fromGlobalId(toGlobalId(ref))).toEqual(ref);
      expect(loadRefKey(ref).startsWith(`${d.kind}/`)).toBe(true);
      expect(loadTypeDefs()).toMatch(new RegExp(`type ${d.typename} implements Node & Load\\b`));
      expect(loadTypeOf(markKind({}, d.kind))).toBe(d.typename);
      expect(POLLED_OPERATIONS).toContain(d.pollOperation);
      expect(POLLED_OPERATIONS).toContain(d.listOperation);
      for (const [raw, status] of Object.entries(d.statusMap))
        expect(normalizedStatus(d.kind, raw)).toBe(status);
      expect(normalizedStatus(d.kind, 'SOMETHING_NEW')).toBe('UNKNOWN');
      expect(normalizedStatus(d.kind, undefined)).toBe('UNKNOWN');
    });
  }

  it('resolves a Node or Load by the kind it was loaded as, never by its shape', () => {
    // Shaped like an event, loaded as a run: the kind wins.
    expect(loadTypeOf(markKind({ eventId: 'x' }, 'DATA_SOURCE_RUN'))).toBe('DataSourceRun');
    expect(() => loadTypeOf({ eventId: 'x' })).toThrow(/not loaded by kind/);
  });

  it('is the only module that names the kinds in a switch or a per-kind map', () => {
    const names = LOAD_KIND_LIST.map((d) => d.kind);
    const offenders = sourceFiles(join(import.meta.dirname, '../../src'))
      // config.ts reads one poll-interval setting per kind (named settings are the operator's interface).
      .filter((path) => !/loadKinds\.ts$|config\.ts$|\/generated\//.test(path))
      .filter((path) => {
        const text = readFileSync(path, 'utf8');
        return names.some((kind) => new RegExp(`case '${kind}'|^\\s+${kind}: `, 'm').test(text));
      });
    expect(offenders).toEqual([]);
  });
});
