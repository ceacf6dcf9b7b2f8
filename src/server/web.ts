/**
 * The browser pages, served on the gateway's own port from the files the web build wrote (web/dist, see
 * web/vite.config.ts): the live board of loads at `/`, and the GraphQL IDE at the GraphQL path to a
 * browser (a GET that accepts `text/html`). Their hashed assets under `/assets/` are cached for good
 * (`immutable`), the pages are revalidated every time (`no-cache`); text assets go gzipped to clients
 * that accept it. Each page gets what it needs to know in a JSON `<script id="loadgraph-config">`.
 *
 * The files are found next to this module: `../../web/dist` when running from the source tree
 * (src/server), `../web` in a build (dist/server, where the build copies web/dist to dist/web).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * What the web pages (the IDE and the board) need: the GraphQL path, their runtime configuration, and where
 * the built files are.
 */
export interface WebUiOptions {
  readonly graphqlPath: string;
  /** What the pages are told (JSON): the GraphQL path, how credentials travel, example ids. */
  readonly pageConfig: () => object;
  /** The folder of the built pages; found next to this module when absent. */
  readonly dir?: string | undefined;
}

/** The built web pages, served by the HTTP handler before GraphQL. */
export interface WebUi {
  /** Where the pages are served from; undefined when they are not built. */
  readonly dir: string | undefined;
  /** Answers a request for a page or asset; false when the request is not one (the caller goes on). */
  handle(req: IncomingMessage, res: ServerResponse, pathname: string): boolean;
}

const CANDIDATES = ['../../web/dist', '../web'];

/** The folder of the built pages next to this module, if the web build has run. */
export function findWebDir(): string | undefined {
  for (const candidate of CANDIDATES) {
    const dir = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'ide.html'))) return dir;
  }
  return undefined;
}

const TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};
const COMPRESSIBLE = new Set(['.js', '.css', '.html', '.json', '.svg', '.ttf', '.map']);

/**
 * What the pages may do: load only from this origin (scripts, styles, fonts, workers), talk only to it
 * (HTTP and WebSocket). Inline styles are allowed (the editor sets them); inline scripts are not.
 */
const PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "worker-src 'self' blob:",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Loadgraph</title>
<p>The web pages of this gateway are not built. Run <code>npm run build:web</code> (it needs the dev
dependencies: <code>npm ci</code>), then reload. <code>npm start</code> builds them when they are missing.</p>
<p>The GraphQL endpoint works without them.</p>`;

interface Asset {
  readonly body: Buffer;
  gzipped?: Buffer;
}

const acceptsGzip = (req: IncomingMessage): boolean =>
  /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
const acceptsHtml = (req: IncomingMessage): boolean =>
  String(req.headers['accept'] ?? '').includes('text/html');

/** The config as a JSON script element, safe inside HTML (`<` escaped, so no `</script>` can close it). */
const configScript = (value: object): string =>
  `<script id="loadgraph-config" type="application/json">${JSON.stringify(value).replace(/</g, '\\u003c')}</script>`;

/**
 * Serves the pages from `options.dir`, or from the first built folder found next to this module; when none
 * is built, `dir` is undefined. Assets are read once and kept in memory.
 */
export function createWebUi(options: WebUiOptions): WebUi {
  const dir = options.dir ?? findWebDir();
  const assets = new Map<string, Asset | null>();

  const readAsset = (name: string): Asset | null => {
    let asset = assets.get(name);
    if (asset !== undefined) return asset;
    const path = join(dir!, 'assets', name);
    asset = existsSync(path) ? { body: readFileSync(path) } : null;
    assets.set(name, asset);
    return asset;
  };

  const send = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    type: string,
    asset: Asset,
    headers: Record<string, string>,
    compressible: boolean,
  ): void => {
    let body = asset.body;
    if (compressible && acceptsGzip(req) && body.length > 1024) {
      body = asset.gzipped ??= gzipSync(asset.body);
      res.setHeader('content-encoding', 'gzip');
    }
    res.writeHead(status, {
      'content-type': type,
      'content-length': body.length,
      vary: 'Accept-Encoding',
      ...headers,
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  };

  const page = (req: IncomingMessage, res: ServerResponse, file: 'index.html' | 'ide.html'): void => {
    const headers = { 'cache-control': 'no-cache', 'content-security-policy': PAGE_POLICY };
    if (!dir) {
      send(req, res, 503, TYPES['.html']!, { body: Buffer.from(NOT_BUILT) }, headers, false);
      return;
    }
    // Read on each request (pages are small): a rebuilt web/dist is served without a restart.
    let html: string;
    try {
      html = readFileSync(join(dir, file), 'utf8');
    } catch {
      send(req, res, 503, TYPES['.html']!, { body: Buffer.from(NOT_BUILT) }, headers, false);
      return;
    }
    html = html.replace('</head>', `${configScript(options.pageConfig())}</head>`);
    send(req, res, 200, TYPES['.html']!, { body: Buffer.from(html) }, headers, true);
  };

  return {
    dir,
    handle(req, res, pathname) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      if (pathname === '/' || pathname === '/index.html') {
        page(req, res, 'index.html');
        return true;
      }
      if (pathname === options.graphqlPath && acceptsHtml(req)) {
        page(req, res, 'ide.html');
        return true;
      }
      if (!dir || !pathname.startsWith('/assets/')) return false;
      const name = pathname.slice('/assets/'.length);
      // Only the flat, hashed file names the build writes: nothing can reach outside the folder.
      if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) return false;
      const asset = readAsset(name);
      if (!asset) return false;
      const ext = extname(name);
      send(
        req,
        res,
        200,
        TYPES[ext] ?? 'application/octet-stream',
        asset,
        { 'cache-control': 'public, max-age=31536000, immutable' },
        COMPRESSIBLE.has(ext),
      );
      return true;
    },
  };
}

/** With the pages off, `/` says how to turn them on instead of a bare 404. */
export function webUiOff(req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
  if (pathname !== '/' || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  const body = JSON.stringify({
    errors: [
      {
        message:
          'The web pages (live board and GraphQL IDE) are off: they are off by default in production; set WEB_UI=1 to serve them.',
        extensions: { code: 'NOT_FOUND' },
      },
    ],
  });
  res.writeHead(404, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
