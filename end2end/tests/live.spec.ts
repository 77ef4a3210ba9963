import { test, expect, Page } from '@playwright/test';

// Runs after inventory.spec.ts (files run in order, one worker): only its admin account is
// relied on. Every host made here has a name of its own, so earlier data cannot interfere.
test.describe.configure({ mode: 'serial' });

const admin = { user: 'admin', password: 'correct horse battery' };

async function signIn(page: Page) {
  await page.goto('/login');
  await page.getByLabel('User name').fill(admin.user);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
}

/** Waits until the page's wasm has taken over (and with it the live updates). */
async function hydrated(page: Page) {
  await page.waitForFunction(() => (window as any).__v6watch_hydrated === true);
}

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

test('the overview shows a new failing check without a reload', async ({ page, context }) => {
  await signIn(page);
  await page.goto('/');
  await hydrated(page);
  // A reload would forget this.
  await page.evaluate(() => { (window as any).__same_document = true; });
  const before = await failingCount(page);

  // 2001:db8:dead::1 has no route here: the new host's echo check fails within seconds.
  const name = `live-${Date.now()}`;
  await expect(page.locator('#problems')).not.toContainText(name);
  const other = await context.newPage();
  await addHost(other, name, '2001:db8:dead::1');
  await other.close();

  await expect(page.locator('#problems')).toContainText(name, { timeout: 30_000 });
  await expect(page.locator('#problems').getByRole('link', { name })).toHaveAttribute('href', /^\/hosts\/\d+$/);
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
