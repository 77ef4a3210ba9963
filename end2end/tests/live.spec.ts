import { test, expect, Page } from '@playwright/test';
import { addWebService, close, hydrated, listen, runNowAndClose, signIn } from './helpers';

// Runs after inventory.spec.ts (files run in order, one worker): only its admin account is
// relied on. Every host made here has a name of its own, so earlier data cannot interfere.
test.describe.configure({ mode: 'serial' });

/** The number of failing checks the overview's #failing-v6 line states (0 for "No check"). */
async function failingCount(page: Page): Promise<number> {
  const text = (await page.locator('#failing-v6').textContent()) ?? '';
  const match = text.match(/(\d+) check\(s\) failing over IPv6/);
  return match ? Number(match[1]) : 0;
}

async function addHost(page: Page, name: string, addresses: string) {
  await page.goto('/hosts/new');
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('Addresses').fill(addresses);
  await page.getByRole('button', { name: 'Save host' }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible();
}

test('the overview shows a service that stops answering, without a reload', async ({ page, context }) => {
  test.setTimeout(120_000);
  const web = await listen();
  await signIn(page);
  const stamp = Date.now();
  const service = `live-web-${stamp}`;
  const other = await context.newPage();
  const servicePage = await addWebService(other, `live-host-${stamp}`, service, `http://[::1]:${web.port}/`);
  // It answers first: the check runs at once and passes.
  const ipv6State = () => other.locator('section.check').first().locator('tbody tr').first();
  await expect(async () => {
    await other.goto(servicePage);
    await expect(ipv6State()).toContainText('OK', { timeout: 1000 });
  }).toPass({ timeout: 60_000 });

  await page.goto('/');
  await hydrated(page);
  // A reload would forget this.
  await page.evaluate(() => { (window as any).__same_document = true; });
  const before = await failingCount(page);
  await expect(page.locator('#problems')).not.toContainText(service);

  // The web server stops; "Run now" probes it again at once.
  await close(web.server);
  // Closing the tab before the form's POST is answered would cancel it, and the check would
  // only run again on its interval: the helper waits for the answer and the page after it.
  await runNowAndClose(other);

  await expect(page.locator('#problems')).toContainText(service, { timeout: 30_000 });
  // One row for the service, linking to it: its failing check (and, once judged, its
  // verdict) in that row.
  await expect(page.locator('#problems').getByRole('link', { name: service }).first()).toHaveAttribute('href', /^\/services\/\d+$/);
  await expect(page.locator('#problems').getByRole('link', { name: service })).toHaveCount(1);
  const serviceRow = page.locator('#problems li').filter({ has: page.getByRole('link', { name: service }) }).last();
  await expect(serviceRow).toContainText('check fails over IPv6');
  await expect.poll(() => failingCount(page), { timeout: 30_000 }).toBeGreaterThan(before);
  await expect(page.locator('#failing-v6')).toContainText('✗');
  expect(await page.evaluate(() => (window as any).__same_document)).toBe(true);
});

test('the hosts list filters by prefix and text, explains a bad prefix, and sorts', async ({ page }) => {
  await signIn(page);
  const stamp = Date.now();
  const first = `filter-a-${stamp}`;
  const second = `filter-b-${stamp}`;
  await addHost(page, first, '2001:db8:f00d:1::1');
  await addHost(page, second, '2001:db8:f00d:2::1');

  await page.goto('/hosts');
  await page.getByLabel('In prefix').fill('2001:db8:f00d:1::/64');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page).toHaveURL(/prefix=2001%3Adb8%3Af00d%3A1%3A%3A%2F64/);
  const names = page.locator('#hosts tbody tr td:first-child a');
  await expect(names).toHaveText([first]);
  await expect(page.locator('#shown')).toContainText('Showing 1 of');

  await page.goto('/hosts');
  await page.getByLabel('Search').fill(`-${stamp}`);
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(names).toHaveText([first, second]);

  // The Name header sorts descending when followed on the list sorted by name.
  await page.locator('#hosts thead').getByRole('link', { name: 'Name', exact: true }).click();
  await expect(names).toHaveText([second, first]);
  await expect(page.locator('#hosts thead th[aria-sort="descending"]')).toContainText('Name');

  await page.goto('/hosts?prefix=2001:db8:f00d::zz/48');
  await expect(page.locator('#prefix-error')).toContainText('is not a prefix');
  await expect(page.locator('#hosts').getByRole('link', { name: first })).toBeVisible();
  await expect(page.locator('#hosts').getByRole('link', { name: second })).toBeVisible();
});

test('the alerts page shows a new incident without a reload', async ({ page, context }) => {
  test.setTimeout(300_000);
  const web = await listen();
  await signIn(page);
  const service = `alert-live-${Date.now()}`;
  const other = await context.newPage();
  const servicePage = await addWebService(other, `alert-host-${Date.now()}`, service, `http://[::1]:${web.port}/`);
  const check = other.locator('section.check').first();
  await expect(async () => {
    await other.goto(servicePage);
    await expect(check.locator('tbody tr').first()).toContainText('OK', { timeout: 1000 });
  }).toPass({ timeout: 60_000 });
  // One failed run opens the incident.
  await check.locator('input[name="fail_after"]').fill('1');
  await check.getByRole('button', { name: 'Save thresholds' }).click();
  await expect(other.getByRole('status')).toHaveText('Thresholds saved.');

  await page.goto('/alerts');
  await hydrated(page);
  await page.evaluate(() => { (window as any).__same_document = true; });
  const incident = page.locator('.incident.open').filter({ hasText: `${service}: down` });
  await expect(incident).toHaveCount(0);

  await close(web.server);
  await runNowAndClose(other);

  // Polled by count: the page re-renders on every live change, and one count per poll reads it whole.
  await expect.poll(() => incident.count(), { timeout: 60_000, intervals: [1_000] }).toBe(1);
  expect(await page.evaluate(() => (window as any).__same_document)).toBe(true);
  await page.screenshot({ path: '../docs/screenshot-alerts-live.png', fullPage: true });
});

test('the service page shows a new verdict without a reload', async ({ page, context }) => {
  test.setTimeout(180_000);
  const web = await listen();
  await signIn(page);
  const stamp = Date.now();
  const service = `verdict-live-${stamp}`;
  const servicePage = await addWebService(page, `verdict-host-${stamp}`, service, `http://[::1]:${web.port}/`);
  const panel = page.locator('section.verdict-panel');
  // Judged soon after it is added: the page answers over IPv6, so it is ready.
  await expect(async () => {
    await page.goto(servicePage);
    await expect(panel.locator('.verdict-head')).toContainText('ready', { timeout: 1000 });
  }).toPass({ timeout: 90_000 });
  await hydrated(page);
  await page.evaluate(() => { (window as any).__same_document = true; });

  // The page stops answering; "Run now" (from another tab: its form reloads the page it is
  // on) judges the service again.
  await close(web.server);
  const other = await context.newPage();
  await other.goto(servicePage);
  await runNowAndClose(other);

  await expect(panel.locator('.verdict-head')).toContainText('broken', { timeout: 60_000 });
  await expect(panel.locator('.verdict-head')).not.toContainText('ready');
  expect(await page.evaluate(() => (window as any).__same_document)).toBe(true);
});
