import { test, expect, Page } from '@playwright/test';
import { keepAsSaved, signIn } from './helpers';

// Runs last (files run in name order): the pages are full of what earlier specs added.
test.describe.configure({ mode: 'serial' });

const pages = ['/', '/hosts', '/services', '/prefixes', '/alerts', '/channels/new', '/settings'];

/** WCAG contrast of each visible text element against the background it is drawn on. */
async function lowContrast(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((selector) => {
    const rgb = (text: string) => {
      const m = text.match(/rgba?\(([^)]+)\)/);
      if (!m) return null;
      const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return { r, g, b, a };
    };
    const luminance = (c: { r: number; g: number; b: number }) => {
      const ch = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
      };
      return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
    };
    const background = (el: Element | null): { r: number; g: number; b: number } => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c && c.a > 0.5) return c;
      }
      return { r: 255, g: 255, b: 255 };
    };
    const bad: string[] = [];
    for (const el of Array.from(document.querySelectorAll(selector))) {
      const box = (el as HTMLElement).getBoundingClientRect();
      const text = (el.textContent ?? '').trim();
      if (!text || box.width === 0 || box.height === 0) continue;
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.opacity === '0') continue;
      const fg = rgb(style.color);
      if (!fg) continue;
      const [l1, l2] = [luminance(fg), luminance(background(el))].sort((a, b) => b - a);
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      const large = parseFloat(style.fontSize) >= 24 || (parseFloat(style.fontSize) >= 18.6 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) {
        bad.push(`${el.tagName.toLowerCase()}.${el.className} "${text.slice(0, 30)}" ${ratio.toFixed(2)}`);
      }
    }
    return bad;
  }, selector);
}

const textSelector = 'main p, main li, main td, main th, main a, main label, main dt, main dd, main h1, main h2, main .verdict, main code, header a, header .user, header .unread, button';

for (const scheme of ['light', 'dark'] as const) {
  test(`text is readable in the ${scheme} theme`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await signIn(page);
    for (const path of pages) {
      await page.goto(path);
      await expect(page.locator('main h1')).toBeVisible();
      expect(await lowContrast(page, textSelector), `${scheme} ${path}`).toEqual([]);
    }
  });
}

test('on a phone the pages fit the screen and the navigation is reachable', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 375, height: 740 });
  await signIn(page);
  for (const path of pages) {
    await page.goto(path);
    await expect(page.locator('main h1')).toBeVisible();
    // Wide tables scroll inside their own box; the page itself never scrolls sideways.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
  await page.goto('/');
  await page.getByRole('navigation').getByRole('link', { name: 'Hosts' }).click();
  await expect(page.getByRole('heading', { name: 'Hosts', level: 1 })).toBeVisible();

  // A stacked table keeps its column labels: each cell says which column it is.
  await page.goto('/hosts/new');
  const host = `phone-${Date.now()}`;
  await page.getByLabel('Name', { exact: true }).fill(host);
  await page.getByLabel('Addresses').fill('::1');
  await page.getByRole('button', { name: 'Save host' }).click();
  await keepAsSaved(page, 'addresses', 'not_global', host);
  const hostPage = page.url();
  const state = page.locator('table.results td[data-label="State"]').first();
  await expect(async () => {
    await page.goto(hostPage);
    await expect(state).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 45_000 });
  const label = await state.evaluate((td) => getComputedStyle(td, '::before').content);
  expect(label).toBe('"State: "');
  await expect(page.locator('table.results thead').first()).toBeHidden();
  await page.screenshot({ path: '../docs/screenshot-phone-host.png', fullPage: true });
});

test('the keyboard reaches the content first and a form can be filled without a mouse', async ({ page }) => {
  await signIn(page);
  await page.goto('/hosts/new');
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to content' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/#main$/);

  // Tab order reaches the form's first field; typing and Enter submit it.
  await page.getByLabel('Name', { exact: true }).focus();
  const name = `keyboard-${Date.now()}`;
  await page.keyboard.type(name);
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('DNS name')).toBeFocused();
  await page.keyboard.type('not a name!');
  await page.keyboard.press('Enter');
  // The bad value is explained next to its field, and the field says so to screen readers.
  const dns = page.getByLabel('DNS name');
  await expect(dns).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#dns_name-error')).toBeVisible();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(name);
});
