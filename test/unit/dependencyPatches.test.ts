/**
 * The mends `scripts/patch-dependencies.mjs` makes to `node_modules` after an install: each is in effect
 * in this install (a dependency upgrade that makes one stop applying fails here, not silently in
 * production), Apollo behaves as before with it, and the script applies a mend once, recognizes it, and
 * leaves a changed file alone.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  ApolloServer,
  HeaderMap,
  type ApolloServerOptionsWithGateway,
  type BaseContext,
} from '@apollo/server';
import { buildSchema, execute } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { GATEWAY_HTTP_LITERAL, MENDS, patchDependencies } from '../../scripts/patch-dependencies.mjs';

const root = join(import.meta.dirname, '../..');
const scratch = mkdtempSync(join(tmpdir(), 'loadgraph-mends-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Gateway = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type Executor = NonNullable<Awaited<ReturnType<Gateway['load']>>['executor']>;

/** An Apollo Server whose gateway executes with graphql-js and hands each request context to `seen`. */
async function gatewayServer(seen: (rc: Parameters<Executor>[0]) => void) {
  const schema = buildSchema('type Query { hello: String }');
  const executor: Executor = async (rc) => {
    seen(rc);
    return execute({ schema, document: rc.document, rootValue: { hello: 'hi' } }) as ReturnType<Executor>;
  };
  const server = new ApolloServer({
    gateway: {
      onSchemaLoadOrUpdate(callback) {
        callback({ apiSchema: schema, coreSupergraphSdl: '' });
        return () => {};
      },
      load: async () => ({ executor }),
      stop: async () => {},
    },
  });
  await server.start();
  return server;
}

const post = (server: ApolloServer) =>
  server.executeHTTPGraphQLRequest({
    httpGraphQLRequest: {
      method: 'POST',
      headers: new HeaderMap([['content-type', 'application/json']]),
      search: '',
      body: { query: '{ hello }' },
    },
    context: async () => ({}),
  });

describe('the dependency mends', () => {
  it('are all in effect in this install (run `node scripts/patch-dependencies.mjs` if not)', () => {
    for (const mend of MENDS)
      for (const file of mend.files)
        expect(mend.isApplied(readFileSync(join(root, file), 'utf8')), `${file}: ${mend.name}`).toBe(true);
  });

  it("give every gateway request's response.http one shape, its status read and written as before", async () => {
    const https: object[] = [];
    const server = await gatewayServer((rc) => {
      const http = rc.response!.http!;
      https.push(http);
      expect(http.status).toBeUndefined();
      http.status = 203;
      http.headers.set('x-from-gateway', 'yes');
    });
    try {
      const first = await post(server);
      const second = await post(server);
      for (const response of [first, second]) {
        expect(response.status).toBe(203);
        expect(response.headers.get('x-from-gateway')).toBe('yes');
        expect(response.body.kind === 'complete' && JSON.parse(response.body.string)).toEqual({
          data: { hello: 'hi' },
        });
      }
      expect(https).toHaveLength(2);
      // Own accessors would give each object its own hidden class; prototype accessors share one.
      for (const http of https) expect(Object.getOwnPropertyDescriptor(http, 'status')).toBeUndefined();
      expect(Object.getPrototypeOf(https[0])).toBe(Object.getPrototypeOf(https[1]));
    } finally {
      await server.stop();
    }
  });

  it('are applied once, recognized afterwards, and a changed file is left alone with a warning', () => {
    const [mend] = MENDS;
    const [changed, original] = mend!.files;
    for (const file of mend!.files) mkdirSync(dirname(join(scratch, file)), { recursive: true });
    const source = `export function f(newRequestContext) {\n    const response = {\n${GATEWAY_HTTP_LITERAL}\n    };\n}\n`;
    writeFileSync(join(scratch, original!), source);
    writeFileSync(join(scratch, changed!), source.replace('set status', 'set httpStatus'));

    expect(patchDependencies(scratch)).toEqual([
      { level: 'warn', text: expect.stringContaining(`${changed}: changed since the mend was written`) },
      { level: 'info', text: `${original}: mended` },
    ]);
    const mended = readFileSync(join(scratch, original!), 'utf8');
    expect(mended).not.toContain('get status() {\n                return newRequestContext');
    expect(mend!.isApplied(mended)).toBe(true);
    expect(patchDependencies(scratch)[1]).toEqual({ level: 'info', text: `${original}: already mended` });
    expect(readFileSync(join(scratch, original!), 'utf8')).toBe(mended);
  });

  it('warn, not fail, when the dependency is not installed', () => {
    const empty = mkdtempSync(join(scratch, 'empty-'));
    const lines = patchDependencies(empty);
    // One warning per file of every mend (an empty answer would pass an `every` check unseen).
    expect(lines).toHaveLength(MENDS.flatMap((m) => m.files).length);
    expect(lines.every((l) => l.level === 'warn' && l.text.includes('not installed'))).toBe(true);
  });
});
