import { expect, Page } from '@playwright/test';
import http from 'node:http';
import { AddressInfo } from 'node:net';

export const admin = { user: 'admin', password: 'correct horse battery' };

/** Signs in as the admin, creating the account first if this spec runs alone. */
export async function signIn(page: Page) {
  await page.goto('/login');
  if (page.url().endsWith('/setup')) {
    await page.getByLabel('User name').fill(admin.user);
    await page.getByLabel('Password', { exact: true }).fill(admin.password);
    await page.getByLabel('Password again').fill(admin.password);
    await page.getByRole('button', { name: 'Create account' }).click();
  } else {
    await page.getByLabel('User name').fill(admin.user);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
}

/** Waits until the page's wasm has taken over (and with it the live updates). */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => (window as any).__v6watch_hydrated === true);
}

export type Hit = { headers: http.IncomingHttpHeaders; body: string };

/** A web server on this machine's IPv6 loopback that records what it gets. */
export async function listen(port = 0): Promise<{ server: http.Server; port: number; hits: Hit[] }> {
  const hits: Hit[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hits.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>up</title><p>up</p>');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '::1', resolve));
  return { server, port: (server.address() as AddressInfo).port, hits };
}

/** Stops the server: connections are cut, the port refuses from now on. */
export async function close(server: http.Server) {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/**
 * After a save that brought address-plan warnings: the form is back with the warning next to
 * `field` (a rule `code`), and "Keep as saved" leads to the stored object's page.
 */
export async function keepAsSaved(page: Page, field: string, code: string, name: string) {
  await expect(page).toHaveURL(/\/\d+\/edit$/);
  await expect(page.getByRole('status')).toContainText('saved, with address-plan warnings');
  await expect(page.locator(`#${field}-warning`)).toContainText(code);
  await page.getByRole('link', { name: 'Keep as saved' }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible();
}

/**
 * Adds an HTTP service on a new host and returns the service page's address. The targets
 * here are loopback, which the address plan warns about (`not_global`) before keeping them.
 */
export async function addWebService(page: Page, host: string, service: string, url: string) {
  await page.goto('/hosts/new');
  await page.getByLabel('Name', { exact: true }).fill(host);
  await page.getByRole('button', { name: 'Save host' }).click();
  await expect(page.getByRole('heading', { name: host })).toBeVisible();

  await page.goto('/services/new');
  await page.getByLabel('Name', { exact: true }).fill(service);
  await page.getByLabel('Runs on').selectOption({ label: `host ${host}` });
  await page.getByLabel('Kind').selectOption('http');
  await page.getByLabel('Target').fill(url);
  await page.getByRole('button', { name: 'Save service' }).click();
  await keepAsSaved(page, 'target', 'not_global', service);
  return page.url();
}

/**
 * Presses "Run now" on the first check of the service or host page `tab` shows, then closes
 * the tab once the page the form leads back to has loaded: a tab closed while its navigation
 * commits can leave Chromium's renderer (shared with the test's other tab) stuck for good.
 */
export async function runNowAndClose(tab: Page) {
  const ran = tab.waitForResponse(
    (r) => /\/actions\/checks\/\d+\/run$/.test(r.url()) && r.request().method() === 'POST',
  );
  const loaded = tab.waitForEvent('load');
  await tab.locator('section.check').first().getByRole('button', { name: 'Run now' }).click();
  expect((await ran).status()).toBe(303);
  await loaded;
  await tab.close();
}
