// The overview's page weight in Chromium: bytes on the wire (after compression) and
// requests, with a cold cache and then a warm one, as BENCHMARKS.md records them.
//   node end2end/page-weight.mjs http://127.0.0.1:3000 [user] [password]
// On a fresh database it creates the account first. Chromium offers brotli to secure origins
// only (HTTPS, localhost); the brotli size of the site's files is printed besides, for a
// dashboard reached over plain HTTP by another name (which gets gzip).
import { chromium } from '@playwright/test';

const [base = 'http://127.0.0.1:3000', user = 'admin', password = 'correct horse battery'] =
  process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
await page.goto(`${base}/login`);
if (page.url().endsWith('/setup')) {
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByLabel('Password again').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
} else {
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
await page.getByRole('heading', { name: 'Overview' }).waitFor();

const cdp = await page.context().newCDPSession(page);
await cdp.send('Network.enable');
let loads = [];
const urls = new Map();
cdp.on('Network.requestWillBeSent', (e) => urls.set(e.requestId, e.request.url));
cdp.on('Network.loadingFinished', (e) => loads.push({ url: urls.get(e.requestId), bytes: e.encodedDataLength }));

async function visit() {
  loads = [];
  await page.goto(`${base}/`);
  await page.waitForFunction(() => window.__v6watch_hydrated === true);
  await page.waitForTimeout(1000);
  const bytes = loads.reduce((sum, l) => sum + l.bytes, 0);
  return { bytes, requests: loads.length, loads };
}

await cdp.send('Network.clearBrowserCache');
const cold = await visit();
const warm = await visit();

// What the site's files weigh with brotli, as a browser over HTTPS receives them (the
// length the server sends; fetch would hand over the decompressed body).
let brotli = 0;
for (const { url } of cold.loads.filter((l) => new URL(l.url).pathname.startsWith('/pkg/'))) {
  const r = await fetch(url, { headers: { 'accept-encoding': 'br' } });
  if (r.headers.get('content-encoding') === 'br') brotli += Number(r.headers.get('content-length'));
}
for (const [name, v] of [['cold', cold], ['warm', warm]]) {
  console.log(`${name}: ${v.bytes} bytes in ${v.requests} requests`);
  for (const l of v.loads) console.log(`  ${l.bytes}\t${l.url}`);
}
console.log(`stylesheet, script and wasm with brotli (as over HTTPS): ${brotli} bytes`);
await browser.close();
