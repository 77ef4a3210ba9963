import { test, expect } from '@playwright/test';
import path from 'node:path';
import { signIn } from './helpers';

// The Import page: upload an `incus list --format json` file, see the preview, apply it,
// and find the host and its container in the inventory; the same file again is unchanged.
test('an uploaded instance list is previewed, applied and listed', async ({ page }) => {
  await signIn(page);
  await page.getByRole('link', { name: 'Import' }).click();
  await expect(page.getByRole('heading', { name: 'Import', exact: true })).toBeVisible();

  const host = `rock-${Date.now()}`;
  await page.getByLabel('Kind').selectOption('lxd');
  await page.getByLabel('Parent host (LXD, Docker)').fill(host);
  await page.getByLabel('File (at most 4 MiB)').setInputFiles(path.join(__dirname, 'fixtures', 'incus-list.json'));
  await page.getByRole('button', { name: 'Preview' }).click();

  const preview = page.locator('#import-preview');
  await expect(preview).toBeVisible();
  await expect(page.getByRole('checkbox', { name: `host ${host}` })).toBeChecked();
  await expect(page.getByRole('checkbox', { name: `container ${host}/dns` })).toBeChecked();
  await page.screenshot({ path: '../docs/screenshot-import.png', fullPage: true });
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.locator('#import-applied')).toContainText('2 created');

  await page.goto('/hosts');
  await expect(page.getByRole('link', { name: host, exact: true })).toBeVisible();
  await page.goto('/containers');
  await expect(page.getByRole('link', { name: 'dns', exact: true }).first()).toBeVisible();

  // The same file again: every row unchanged, nothing to tick.
  await page.goto('/import');
  await page.getByLabel('Parent host (LXD, Docker)').fill(host);
  await page.getByLabel('File (at most 4 MiB)').setInputFiles(path.join(__dirname, 'fixtures', 'incus-list.json'));
  await page.getByRole('button', { name: 'Preview' }).click();
  await expect(preview).toBeVisible();
  await expect(preview.getByRole('checkbox')).toHaveCount(0);
  await expect(preview).toContainText('unchanged');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: 'test-results/import-phone.png', fullPage: true });
});
