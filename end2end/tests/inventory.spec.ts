import { test, expect, Page } from '@playwright/test';
import { keepAsSaved } from './helpers';

// One story, in order: the database starts empty and each step builds on the last.
test.describe.configure({ mode: 'serial' });

const admin = { user: 'admin', password: 'correct horse battery' };

async function signIn(page: Page) {
  await page.goto('/login');
  await page.getByLabel('User name').fill(admin.user);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
}

/** Waits until the page's wasm has taken over, so typing triggers live checks. */
async function hydrated(page: Page) {
  await page.waitForFunction(() => (window as any).__v6watch_hydrated === true);
}

test('first run: setup creates the admin account', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/setup$/);
  await page.getByLabel('User name').fill(admin.user);
  await page.getByLabel('Password', { exact: true }).fill(admin.password);
  await page.getByLabel('Password again').fill('something else entirely');
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.locator('#confirm-error')).toHaveText('the two passwords differ');
  await expect(page.getByLabel('User name')).toHaveValue(admin.user);

  await page.getByLabel('Password', { exact: true }).fill(admin.password);
  await page.getByLabel('Password again').fill(admin.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await expect(page.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await page.screenshot({ path: '../docs/screenshot-overview-empty.png', fullPage: true });

  // Setup is a one-time step.
  await page.goto('/setup');
  await expect(page).toHaveURL(/\/$/);
});

test('sign out, a wrong password is refused, the right one signs in', async ({ page }) => {
  await signIn(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/hosts');
  await expect(page).toHaveURL(/\/login\?next=%2Fhosts$/);

  await page.getByLabel('User name').fill(admin.user);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('Wrong user name or password.');
  await expect(page.getByLabel('Password')).toHaveValue('');
  // The right password leads back to the page that asked for it.
  await page.getByLabel('User name').fill(admin.user);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/hosts$/);
  await expect(page.getByRole('heading', { name: 'Hosts', level: 1 })).toBeVisible();
});

test('a bad address is caught as you type once the page is hydrated', async ({ page }) => {
  await signIn(page);
  await page.goto('/hosts/new');
  await hydrated(page);
  const addresses = page.getByLabel('Addresses');
  await addresses.fill('2001:db8::1\n2001:db8::zz');
  await expect(page.locator('#addresses-error')).toHaveText("line 2: '2001:db8::zz' is not an IPv6 or IPv4 address");
  await addresses.fill('2001:db8::1');
  await expect(page.locator('#addresses-error')).toHaveCount(0);
});

test('a host with a bad address is not saved; fixing it saves it', async ({ page }) => {
  await signIn(page);
  await page.goto('/hosts/new');
  await page.getByLabel('Name', { exact: true }).fill('router');
  await page.getByLabel('Addresses').fill('2001:db8::1\n2001:db8::zz');
  await page.getByRole('button', { name: 'Save host' }).click();

  await expect(page).toHaveURL(/\/hosts\/new$/);
  await expect(page.locator('#addresses-error')).toHaveText("line 2: '2001:db8::zz' is not an IPv6 or IPv4 address");
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('router');
  await expect(page.getByLabel('Addresses')).toHaveValue('2001:db8::1\n2001:db8::zz');

  await page.goto('/hosts');
  await expect(page.getByText('No hosts yet.')).toBeVisible();

  await page.goto('/hosts/new');
  await page.getByLabel('Name', { exact: true }).fill('router');
  await page.getByLabel('DNS name (optional)').fill('Router.Lab.Test');
  await page.getByLabel('Addresses').fill('2001:db8::211:22ff:fe33:4455\nfd00::1\n192.0.2.1');
  await page.getByRole('button', { name: 'Save host' }).click();
  // Saved, but an EUI-64 address on a host with a DNS name publishes its MAC: the form comes
  // back with the warning next to the field, and the host is stored all the same.
  await expect(page.getByRole('status')).toHaveText(
    'Host saved, with address-plan warnings on 1 field(s): fix them and save again, or keep it as saved.',
  );
  await keepAsSaved(page, 'addresses', 'eui64_exposed', 'router');
  await expect(page.getByText('router.lab.test')).toBeVisible();
  await expect(page.getByText('EUI-64 00:11:22:33:44:55')).toBeVisible();
  await expect(page.getByText('ULA')).toBeVisible();

  await page.goto('/hosts');
  await expect(page.locator('#hosts').getByRole('link', { name: 'router' })).toBeVisible();
  await expect(page.getByText('Host saved, with')).toHaveCount(0);
});

test('the service form shows the port for TCP and the expected status for HTTP(S) only', async ({ page }) => {
  await signIn(page);
  await page.goto('/services/new');
  const port = page.getByLabel('Port (TCP)');
  const status = page.getByLabel('Expected HTTP status');
  await page.getByLabel('Kind').selectOption('http');
  await expect(status).toBeVisible();
  await expect(port).toBeHidden();
  await page.getByLabel('Kind').selectOption('tcp');
  await expect(port).toBeVisible();
  await expect(status).toBeHidden();
  await page.getByLabel('Kind').selectOption('dns');
  await expect(port).toBeHidden();
  await expect(status).toBeHidden();
  // A mistyped URL start is explained, not called a relative URL.
  await page.getByLabel('Kind').selectOption('http');
  await page.getByLabel('Target').fill('http//cloud.lab.test/');
  await page.getByRole('button', { name: 'Save service' }).click();
  await expect(page.locator('#target-error')).toContainText('write http:// (colon, two slashes), as in http://cloud.lab.test/');
});

test('edit the host', async ({ page }) => {
  await signIn(page);
  await page.goto('/hosts');
  await page.getByRole('link', { name: 'router' }).click();
  await page.getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('router');
  await page.getByLabel('Name', { exact: true }).fill('edge-router');
  await page.getByLabel('Tags').fill('edge, lab');
  await page.getByRole('button', { name: 'Save host' }).click();
  await expect(page.getByRole('heading', { name: 'edge-router' })).toBeVisible();
  await expect(page.getByText('edge, lab')).toBeVisible();
});

test('add a tunnel and a container on the host', async ({ page }) => {
  await signIn(page);
  await page.goto('/tunnels/new');
  await page.getByLabel('Name', { exact: true }).fill('he-tunnel');
  await page.getByLabel('Kind').selectOption('6in4');
  await page.getByLabel('Terminated on host').selectOption({ label: 'edge-router' });
  await page.getByLabel('Remote endpoint').fill('2001:db8::99');
  await page.getByLabel('MTU').fill('1480');
  await page.getByRole('button', { name: 'Save tunnel' }).click();
  await expect(page.locator('#remote_endpoint-error')).toContainText('runs over IPv4');
  await expect(page.getByLabel('Terminated on host')).toHaveValue(/\d+/);
  await page.getByLabel('Remote endpoint').fill('198.51.100.1');
  // Inner addresses the way brokers show them: the length is the tunnel's on-link prefix.
  await page.getByLabel('Local IPv6 tunnel address').fill('2001:db8:1f0a::2/64');
  await page.getByRole('button', { name: 'Save tunnel' }).click();
  await expect(page.getByRole('heading', { name: 'he-tunnel' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'edge-router' })).toBeVisible();
  await expect(page.locator('dl.facts').first()).toContainText('2001:db8:1f0a::/64');
  // Its health from its own checks, with what it means.
  await expect(page.locator('#tunnel-health .tunnel-health')).toHaveText(/not checked yet|up|down|endpoint down|degraded/);
  await expect(page.locator('#tunnel-checks')).toContainText('Health');
  await hydrated(page);
  await page.goto('/tunnels');
  await expect(page.locator('#tunnels .tunnel-health')).toHaveCount(1);

  await page.goto('/containers/new');
  await page.getByLabel('Name', { exact: true }).fill('nextcloud');
  await page.getByLabel('Runs on host').selectOption({ label: 'edge-router' });
  await page.getByLabel('Runtime').selectOption('docker');
  await page.getByLabel('Network mode').selectOption('nat66');
  await page.getByLabel('Addresses').fill('fd00:db8:1::10');
  await page.getByLabel('Published ports').fill('8443:443/tcp');
  await page.getByRole('button', { name: 'Save container' }).click();
  await expect(page.getByRole('heading', { name: 'nextcloud' })).toBeVisible();

  await page.goto('/');
  await expect(page.locator('.tiles')).toContainText('1 Hosts');
  await expect(page.locator('.tiles')).toContainText('1 Tunnels');
  await expect(page.locator('.tiles')).toContainText('1 Containers');
  await page.screenshot({ path: '../docs/screenshot-overview.png', fullPage: true });
});

test('deleting the host asks first and says what goes', async ({ page }) => {
  await signIn(page);
  await page.goto('/hosts');
  await page.getByRole('link', { name: 'edge-router' }).click();
  await page.getByRole('link', { name: 'Delete' }).click();
  await expect(page.getByRole('heading', { name: 'Delete host edge-router?' })).toBeVisible();
  await expect(page.locator('.consequences')).toContainText('container nextcloud is deleted');
  await expect(page.locator('.consequences')).toContainText('tunnel he-tunnel keeps its data');

  await page.getByRole('link', { name: 'Cancel' }).click();
  await page.goto('/hosts');
  await expect(page.getByRole('link', { name: 'edge-router' })).toBeVisible();

  await page.getByRole('link', { name: 'edge-router' }).click();
  await page.getByRole('link', { name: 'Delete' }).click();
  await page.getByRole('button', { name: 'Delete host edge-router' }).click();
  await expect(page).toHaveURL(/\/hosts$/);
  await expect(page.getByText('No hosts yet.')).toBeVisible();
  await page.goto('/containers');
  await expect(page.getByText('No containers yet.')).toBeVisible();
  await page.goto('/tunnels');
  await expect(page.getByRole('link', { name: 'he-tunnel' })).toBeVisible();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('forms still validate on the server and keep the input', async ({ page }) => {
    await signIn(page);
    await page.goto('/prefixes/new');
    await page.getByLabel('Prefix').fill('2001:db8:1::1/48');
    await page.getByRole('button', { name: 'Save prefix' }).click();
    await expect(page.locator('#cidr-error')).toHaveText("'2001:db8:1::1/48' has host bits set; did you mean 2001:db8:1::/48?");
    await expect(page.getByLabel('Prefix')).toHaveValue('2001:db8:1::1/48');
    await page.getByLabel('Prefix').fill('2001:db8:1::/48');
    await page.getByLabel('Purpose').fill('from the tunnel broker');
    await page.getByRole('button', { name: 'Save prefix' }).click();
    await expect(page).toHaveURL(/\/prefixes$/);
    await expect(page.locator('#plan')).toContainText('2001:db8:1::/48');
  });
});
