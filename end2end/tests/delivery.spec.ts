import { test, expect } from '@playwright/test';
import { hydrated, signIn } from './helpers';

// The release binary serves its own built-in site: hashed names, a year of caching, and
// brotli made at build time.
test('the site comes from the binary under hashed names, cached for good, precompressed', async ({ page, request }) => {
  const assets: { url: string; cache: string; encoding: string }[] = [];
  page.on('response', async (response) => {
    if (new URL(response.url()).pathname.startsWith('/pkg/')) {
      const headers = await response.allHeaders();
      assets.push({
        url: response.url(),
        cache: headers['cache-control'] ?? '',
        encoding: headers['content-encoding'] ?? '',
      });
    }
  });
  await signIn(page);
  await page.goto('/');
  await hydrated(page);

  for (const extension of ['.css', '.js', '.wasm']) {
    const asset = assets.find((a) => a.url.endsWith(extension));
    expect(asset, `the page loads a ${extension}`).toBeTruthy();
    expect(new URL(asset!.url).pathname).toMatch(new RegExp(`^/pkg/v6watch\\.[0-9a-f]{16}\\${extension}$`));
    expect(asset!.cache).toBe('public, max-age=31536000, immutable');
    // Chromium offers brotli to secure origins only (localhost is one): elsewhere over plain
    // HTTP it gets the gzip variant.
    expect(['br', 'gzip']).toContain(asset!.encoding);
  }

  const wasm = assets.find((a) => a.url.endsWith('.wasm'))!.url;
  const br = await request.get(wasm, { headers: { 'accept-encoding': 'br' } });
  expect(br.headers()['content-encoding']).toBe('br');
  expect(br.headers()['vary']).toBe('accept-encoding');
});
