/**
 * A real headless Chromium (Debian's `chromium`, driven by playwright-core) for the page tests, and the
 * web build they need. Each page is watched: every request it makes and every console error it logs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Builds web/dist when it is missing or stale (what `npm test` does first). */
export function ensureWebBuilt(): void {
  const result = spawnSync(process.execPath, ['scripts/web-build.mjs'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('the web build failed');
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export interface WatchedPage {
  readonly page: Page;
  /** Every URL the page (and its workers) requested, WebSocket connections included. */
  readonly requests: string[];
  /** Console errors and uncaught exceptions. */
  readonly errors: string[];
  close(): Promise<void>;
}

export async function openPage(browser: Browser): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  page.on('websocket', (socket) => requests.push(socket.url()));
  page.on('worker', (worker) => worker.on('console', (m) => m.type() === 'error' && errors.push(m.text())));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, requests, errors, close: () => context.close() };
}

/** What the page cost: first paints (ms) and the bytes of its resources as sent (gzip) and decoded. */
export async function pageFigures(page: Page): Promise<string> {
  // Runs in the page (a string: this file is typed for Node, not the DOM).
  const figures = await page.evaluate(`(() => {
    const paint = Object.fromEntries(
      performance.getEntriesByType('paint').map((e) => [e.name, Math.round(e.startTime)]),
    );
    const all = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
    const kb = (n) => Math.round(n / 1024);
    return {
      paint,
      files: all.length,
      encodedKB: kb(all.reduce((sum, r) => sum + r.encodedBodySize, 0)),
      decodedKB: kb(all.reduce((sum, r) => sum + r.decodedBodySize, 0)),
    };
  })()`);
  return JSON.stringify(figures);
}

/** The hosts (`name:port`) among `urls` (data: and blob: URLs have none: they are not requests to a host). */
export const hostsOf = (urls: readonly string[]): string[] => [
  ...new Set(urls.filter((u) => /^(https?|wss?):/.test(u)).map((u) => new URL(u).host)),
];
