/**
 * How the gateway serves its pages, over real HTTP: where each page is, the page config it injects, cache
 * headers and compression of the assets, what is refused, the WEB_UI switch, and the development CORS
 * rule for localhost origins.
 */
import { readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { ensureWebBuilt } from './chromium.js';

let gw: TestGateway;
let origin: string;

beforeAll(async () => {
  ensureWebBuilt();
  gw = await startTestGateway();
  origin = new URL(gw.url).origin;
}, 120_000);
afterAll(() => gw?.stop());

const configOf = (html: string): any =>
  JSON.parse(/<script id="loadgraph-config" type="application\/json">(.*?)<\/script>/.exec(html)![1]!);

describe('the pages', () => {
  it('serves the board at / and the IDE at the GraphQL path to browsers, revalidated every time', async () => {
    const board = await fetch(`${origin}/`, { headers: { accept: 'text/html' } });
    expect(board.status).toBe(200);
    expect(board.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(board.headers.get('cache-control')).toBe('no-cache');
    expect(board.headers.get('content-security-policy')).toContain("default-src 'self'");
    const boardHtml = await board.text();
    expect(boardHtml).toContain('<div id="board">');

    const ide = await fetch(gw.url, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(ide.status).toBe(200);
    const ideHtml = await ide.text();
    expect(ideHtml).toContain('<div id="ide">');

    // The emulator's world fills the example operations.
    const world = await gw.world();
    expect(configOf(ideHtml)).toMatchObject({
      graphqlPath: '/graphql',
      apiKeyHeader: 'x-api-key',
      authRequired: false,
      examples: {
        instanceId: world.supplychain.instances[0].instanceId,
        domainId: world.datazone.domains[0].domainId,
      },
    });
  });

  it('leaves GraphQL over GET to GraphQL when the client does not ask for HTML', async () => {
    const res = await fetch(`${gw.url}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': '1' },
    });
    expect(await res.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('serves hashed assets for good, gzipped to clients that accept it', async () => {
    const name = readdirSync('web/dist/assets').find((f) => f.startsWith('board-') && f.endsWith('.js'))!;
    const res = await fetch(`${origin}/assets/${name}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    // fetch decodes gzip itself: the body is the script either way.
    expect(await res.text()).toContain('Loadgraph');

    const raw = await new Promise<Buffer>((resolve, reject) => {
      import('node:http').then(({ get }) =>
        get(`${origin}/assets/${name}`, { headers: { 'accept-encoding': 'gzip' } }, (r) => {
          expect(r.headers['content-encoding']).toBe('gzip');
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => resolve(Buffer.concat(chunks)));
        }).on('error', reject),
      );
    });
    expect(gunzipSync(raw).toString('utf8')).toContain('Loadgraph');
  });

  it.each([
    ['an unknown asset', '/assets/nope.js'],
    ['a path outside the assets', '/assets/..%2F..%2Fpackage.json'],
    ['a hidden file', '/assets/.env'],
    ['another path', '/src/board/main.tsx'],
  ])('answers %s with a JSON 404', async (_name, path) => {
    const res = await fetch(`${origin}${path}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toContain('application/json');
  });
});

describe('WEB_UI', () => {
  it('is off in production: / says which setting turns the pages on, and the IDE is not served', async () => {
    const prod = await startTestGateway({ PRODUCTION_MODE: '1' });
    try {
      const res = await fetch(`${new URL(prod.url).origin}/`, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(404);
      expect(((await res.json()) as any).errors[0].message).toContain('WEB_UI=1');
      const ide = await fetch(prod.url, { headers: { accept: 'text/html' } });
      expect(ide.headers.get('content-type') ?? '').not.toContain('text/html');
    } finally {
      await prod.stop();
    }
  });

  it('turns them on in production with WEB_UI=1', async () => {
    const prod = await startTestGateway({ PRODUCTION_MODE: '1', WEB_UI: '1' });
    try {
      const res = await fetch(`${new URL(prod.url).origin}/`, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<div id="board">');
    } finally {
      await prod.stop();
    }
  });
});

describe('development CORS', () => {
  const preflight = (url: string, from: string) =>
    fetch(url, { method: 'OPTIONS', headers: { origin: from, 'access-control-request-method': 'POST' } });

  it.each(['http://localhost:5173', 'http://127.0.0.1:3000', 'https://localhost:8443'])(
    'allows %s on the emulator with no CORS setting',
    async (from) => {
      const res = await preflight(gw.url, from);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(from);
    },
  );

  it('refuses other origins, and localhost once CORS_ORIGINS is set or in production', async () => {
    expect((await preflight(gw.url, 'http://localhost.evil.example:5173')).status).toBe(403);
    for (const env of [{ CORS_ORIGINS: 'https://app.example.com' }, { PRODUCTION_MODE: '1' }] as Record<
      string,
      string
    >[]) {
      const other = await startTestGateway(env);
      try {
        expect((await preflight(other.url, 'http://localhost:5173')).status).toBe(403);
      } finally {
        await other.stop();
      }
    }
  });
});
