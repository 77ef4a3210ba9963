import { test, expect } from '@playwright/test';
import { addWebService, close, listen, signIn } from './helpers';

// Runs after inventory.spec.ts (files run in name order, one worker): the admin account
// exists by then, but signing in creates it if this file runs alone.
test.describe.configure({ mode: 'serial' });

test('a webhook channel keeps its secret and logs its test alert', async ({ page }) => {
  const receiver = await listen();
  await signIn(page);
  await page.goto('/channels/new');
  await page.getByLabel('Name', { exact: true }).fill('lab hook');
  await page.getByLabel('Kind').selectOption('webhook');
  await page.getByLabel('Format').selectOption('generic');
  await page.getByLabel('URL').fill(`http://[::1]:${receiver.port}/hook`);
  await page.getByLabel('Secret token').fill('s3cret-token-value');
  await page.getByLabel('Enabled').check();
  await page.getByRole('button', { name: 'Save channel' }).click();
  await expect(page.getByRole('heading', { name: 'lab hook' })).toBeVisible();
  await expect(page.getByText('stored (not shown)')).toBeVisible();

  await page.getByRole('button', { name: 'Send a test alert' }).click();
  await expect(page.locator('#test-outcome')).toBeVisible();
  await expect(page.locator('#deliveries')).toContainText('sent');
  expect(receiver.hits).toHaveLength(1);
  expect(receiver.hits[0].headers['authorization']).toBe('Bearer s3cret-token-value');
  expect(JSON.parse(receiver.hits[0].body).kind).toBe('test');

  await page.getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByLabel('Secret token')).toHaveValue('');
  // The URL may carry a token (Discord, Slack, ntfy): it is never shown back either.
  await expect(page.getByLabel('URL')).toHaveValue('');
  const edit = await page.content();
  expect(edit).not.toContain('s3cret-token-value');
  expect(edit).not.toContain('/hook');

  // Saved with both left empty, the channel still sends to the same URL with the same secret.
  await page.getByRole('button', { name: 'Save channel' }).click();
  await expect(page.getByRole('heading', { name: 'lab hook' })).toBeVisible();
  await page.getByRole('button', { name: 'Send a test alert' }).click();
  await expect.poll(() => receiver.hits.length).toBe(2);
  expect(receiver.hits[1].headers['authorization']).toBe('Bearer s3cret-token-value');
  await close(receiver.server);
});

test('a service that stops answering over IPv6 opens one alert, and it resolves', async ({ page }) => {
  test.setTimeout(240_000);
  let web = await listen();
  const port = web.port;
  await signIn(page);

  const servicePage = await addWebService(page, 'loopback-lab', 'e2e-web', `http://[::1]:${port}/`);

  // The scheduler derives the service's check from the inventory within seconds.
  const check = page.locator('section.check').first();
  await expect(async () => {
    await page.goto(servicePage);
    await expect(check).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  // One failed run opens an alert and one pass resolves it.
  await check.locator('input[name="fail_after"]').fill('1');
  await check.locator('input[name="recover_after"]').fill('1');
  await check.getByRole('button', { name: 'Save thresholds' }).click();

  const ipv6State = () => page.locator('section.check').first().locator('tbody tr').first();
  await expect(async () => {
    await page.goto(servicePage);
    await expect(ipv6State()).toContainText('OK', { timeout: 1000 });
  }).toPass({ timeout: 60_000 });

  await close(web.server);
  await page.locator('section.check').first().getByRole('button', { name: 'Run now' }).click();
  await expect(async () => {
    await page.goto(servicePage);
    await expect(ipv6State()).toContainText('FAILED', { timeout: 1000 });
  }).toPass({ timeout: 60_000 });

  // The check's "down" incident (a worse verdict, if the verdict job judges one meanwhile,
  // folds into it).
  const down = (state: string) => page.locator(`.incident.${state}`).filter({ hasText: 'e2e-web: down' });
  await expect(async () => {
    await page.goto('/alerts');
    await expect(down('open')).toHaveCount(1, { timeout: 1000 });
  }).toPass({ timeout: 60_000 });
  await page.screenshot({ path: '../docs/screenshot-alerts.png', fullPage: true });

  web = await listen(port);
  await page.goto(servicePage);
  await page.locator('section.check').first().getByRole('button', { name: 'Run now' }).click();
  await expect(async () => {
    await page.goto('/alerts');
    await expect(down('resolved')).toHaveCount(1, { timeout: 1000 });
  }).toPass({ timeout: 90_000 });
  await expect(down('open')).toHaveCount(0);
  await page.goto(servicePage);
  // The history chart has a point for each bucket with runs: passes and the failure.
  const latency = page.locator('section.check svg.latency-chart').first();
  await expect(latency).toBeVisible();
  expect(await latency.locator('circle.pt.v6').count()).toBeGreaterThan(0);
  await expect(page.locator('section.check svg.loss-chart rect.loss.v6').first()).toBeVisible();
  await page.getByRole('link', { name: '1 h', exact: true }).click();
  await expect(page).toHaveURL(/range=1h/);
  await expect(page.locator('section.check svg.latency-chart').first()).toBeVisible();
  await page.goto(servicePage);
  await page.screenshot({ path: '../docs/screenshot-service.png', fullPage: true });
  await close(web.server);
});
