/**
 * The browser pages in a real headless Chromium against a real gateway on its embedded emulator: the
 * GraphQL IDE and the live board load nothing from any other host, log no console error, run queries and
 * subscriptions, and the board follows a load live to its terminal state. The screenshots in docs/ are
 * taken here: written only with `UPDATE_SCREENSHOTS=1` (otherwise a test run would rewrite them each time).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { KEYS, apiKeysJson } from '../security/helpers.js';
import { ensureWebBuilt, hostsOf, launchChromium, openPage, pageFigures } from './chromium.js';

const BROWSER_TIMEOUT = 120_000;

/** Takes the screenshot; writes it to `path` only when asked to (`UPDATE_SCREENSHOTS=1`). */
async function screenshot(page: Page, path: string): Promise<void> {
  const image = await page.screenshot(process.env['UPDATE_SCREENSHOTS'] === '1' ? { path } : {});
  expect(image.length).toBeGreaterThan(0);
}

let browser: Browser;
let gw: TestGateway;
let origin: string;

beforeAll(async () => {
  ensureWebBuilt();
  browser = await launchChromium();
  gw = await startTestGateway({
    LIVE_POLL_EVENT_MS: '100',
    LIVE_POLL_FLOW_EXECUTION_MS: '100',
    LIVE_POLL_DATA_SOURCE_RUN_MS: '100',
    LIVE_POLL_STARTED_MS: '100',
    LIVE_POLL_JITTER: '0',
  });
  origin = new URL(gw.url).origin;
}, BROWSER_TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await gw?.stop();
});

describe('the GraphQL IDE', () => {
  it(
    'loads from the gateway alone, runs a query and a subscription, and shows the docs',
    async () => {
      const { page, requests, errors, close } = await openPage(browser);
      await page.goto(gw.url, { waitUntil: 'load' });
      const world = await gw.world();
      const instanceName: string = world.supplychain.instances[0].instanceName;
      // The editor renders spaces as no-break spaces.
      const resultText = async (): Promise<string> =>
        (await page.locator('.result-window').innerText()).replace(/\u00a0/g, ' ');

      // The first tab: the instances and domains of the emulator's world.
      await page.locator('.graphiql-query-editor .view-lines').getByText('query Instances').waitFor();
      await page.locator('.graphiql-execute-button').click();
      await expect.poll(() => resultText(), { timeout: 30_000 }).toContain(instanceName);

      // A subscription over graphql-ws: the example event's current state arrives.
      await page.locator('.graphiql-tab', { hasText: 'WatchEvent' }).click();
      await page.locator('.graphiql-query-editor .view-lines').getByText('subscription WatchEvent').waitFor();
      await page.locator('.graphiql-execute-button').click();
      await expect.poll(() => resultText(), { timeout: 30_000 }).toContain('dataIntegrationEventChanged');

      // The schema docs, and a search in them.
      await page.getByRole('button', { name: /documentation explorer/i }).click();
      const docs = page.locator('.graphiql-doc-explorer');
      await docs.getByText('Query', { exact: true }).first().waitFor();
      await docs.locator('input').first().fill('loadsChanged');
      await page.getByText('loadsChanged', { exact: false }).first().waitFor();

      process.stdout.write(`ide: ${await pageFigures(page)}\n`);
      await screenshot(page, 'docs/ide.png');
      await close();
      expect(hostsOf(requests)).toEqual([new URL(origin).host]);
      expect(requests).toContain(`${origin.replace('http', 'ws')}/graphql`);
      expect(errors).toEqual([]);
    },
    BROWSER_TIMEOUT,
  );
});

describe('the live board', () => {
  it(
    'lists the seeded loads and turns a running load terminal when the clock moves, without a reload',
    async () => {
      const world = await gw.world();
      const instanceId: string = world.supplychain.instances[0].instanceId;
      const domain = world.datazone.domains[0];
      const { page, requests, errors, close } = await openPage(browser);
      await page.goto(`${origin}/?instance=${instanceId}&domain=${domain.domainId}`, { waitUntil: 'load' });

      // The seeded events of the instance are listed.
      const events = await gw.data(
        `query($i: ID!) { dataIntegrationEvents(instanceId: $i, first: 20) { nodes { id status } } }`,
        { i: instanceId },
      );
      const seeded: { id: string }[] = events.dataIntegrationEvents.nodes;
      expect(seeded.length).toBeGreaterThan(0);
      for (const { id } of seeded) await page.locator(`tr[data-id="${id}"]`).waitFor({ timeout: 30_000 });

      // A run started now shows up through the board's subscriptions, queued...
      const source = domain.dataSources[0];
      const started = await gw.data(
        `mutation($d: ID!, $s: ID!) { startDataSourceRun(domainIdentifier: $d, dataSourceIdentifier: $s) { id status terminal } }`,
        { d: domain.domainId, s: source.id },
      );
      const run = started.startDataSourceRun;
      expect(run.terminal).toBe(false);
      const row = page.locator(`tr[data-id="${run.id}"]`);
      await row.waitFor({ timeout: 30_000 });
      expect(await row.getAttribute('data-status')).toMatch(/^(QUEUED|RUNNING)$/);
      const subscriptions = await page.locator('.live').innerText();
      const rows = await page.locator('tr[data-id]').count();

      // ...and turns terminal when the emulator's clock moves on, on the same page.
      await gw.advance(60 * 60 * 1000);
      await expect
        .poll(() => row.getAttribute('data-status'), { timeout: 30_000 })
        .toMatch(/^(SUCCEEDED|PARTIALLY_SUCCEEDED|FAILED)$/);
      await expect.poll(() => row.locator('td').nth(4).innerText()).not.toBe('—');

      // A load's detail: its AWS fields and its links.
      await row.click();
      const detail = page.locator('[data-testid="detail"]');
      await detail.getByText('runStatus', { exact: true }).waitFor();
      await detail.getByText('dataSource', { exact: true }).waitFor();
      await detail.getByText('activities', { exact: true }).waitFor();
      await page.locator('[data-testid="detail"] button[aria-label="Close"]').click();

      // Figures for the README (sizes, first paint, subscriptions): printed, never asserted.
      process.stdout.write(`board: ${rows} loads on screen, ${subscriptions}; ${await pageFigures(page)}\n`);

      await screenshot(page, 'docs/board.png');
      await close();
      expect(hostsOf(requests)).toEqual([new URL(origin).host]);
      expect(errors).toEqual([]);
    },
    BROWSER_TIMEOUT,
  );
});

describe('a refused browser origin', () => {
  let app: Server;
  let refusing: TestGateway;
  const lines: { level: number; msg: string; origin?: string; setting?: string }[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    // An allowlist that does not name the page's origin.
    refusing = await startTestGateway(
      { CORS_ORIGINS: 'https://app.example.com' },
      { logger: pino({ level: 'warn' }, sink) },
    );
    // A frontend on another port of this machine, calling the gateway twice.
    const html = `<!doctype html><script>
      const call = () => fetch(${JSON.stringify(refusing.url)}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }).catch(() => 'refused');
      call().then(call).then(() => { document.title = 'done'; });
    </script>`;
    app = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
  }, BROWSER_TIMEOUT);

  afterAll(async () => {
    app?.close();
    await refusing?.stop();
  });

  it(
    'is logged once with the origin and the setting to change, and the 403 says the same',
    async () => {
      const appOrigin = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
      const { page, close } = await openPage(browser);
      await page.goto(`${appOrigin}/`);
      await page.waitForFunction(`document.title === 'done'`, undefined, { timeout: 30_000 });
      await close();

      const refused = lines.filter((l) => l.origin === appOrigin);
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatchObject({ level: 40, setting: 'CORS_ORIGINS' });
      expect(refused[0]!.msg).toContain('CORS_ORIGINS');

      const preflight = await fetch(refusing.url, {
        method: 'OPTIONS',
        headers: { origin: appOrigin, 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(403);
      const body = (await preflight.json()) as {
        errors: { message: string; extensions: { code: string } }[];
      };
      expect(body.errors[0]!.extensions.code).toBe('FORBIDDEN');
      expect(body.errors[0]!.message).toContain(appOrigin);
      expect(body.errors[0]!.message).toContain('CORS_ORIGINS');
    },
    BROWSER_TIMEOUT,
  );
});

describe('the board behind authentication', () => {
  it(
    'says a credential is needed, then reads and follows loads with the API key typed in',
    async () => {
      const world = await gw.world();
      const instanceId: string = world.supplychain.instances[0].instanceId;
      const domainId: string = world.datazone.domains[0].domainId;
      const authed = await startTestGateway({
        AUTH_MODE: 'apikey',
        AUTH_API_KEYS: apiKeysJson(instanceId, domainId),
      });
      const { page, errors, close } = await openPage(browser);
      try {
        await page.goto(`${new URL(authed.url).origin}/`, { waitUntil: 'load' });
        await page.locator('.errors').getByText('UNAUTHENTICATED').first().waitFor({ timeout: 30_000 });
        expect(await page.locator('tr[data-id]').count()).toBe(0);

        await page.getByLabel('Credential', { exact: true }).fill(KEYS.mine);
        await page.getByRole('button', { name: 'Use' }).click();
        await page.locator('tr[data-id]').first().waitFor({ timeout: 30_000 });
        // The key travels on the WebSocket too: the started-load subscriptions are open, with no error.
        await expect.poll(() => page.locator('.live').innerText()).toMatch(/[1-9]\d* subscriptions?/);
        await expect.poll(() => page.locator('.errors').count()).toBe(0);
        expect(await page.evaluate(`localStorage.getItem('loadgraph.credentials')`)).toContain(KEYS.mine);
        // The only console errors are the browser's notes of the refused (401) requests before the key.
        expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
      } finally {
        await close();
        await authed.stop();
      }
    },
    BROWSER_TIMEOUT,
  );
});
