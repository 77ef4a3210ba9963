import { defineConfig } from '@playwright/test';

// Debian's Chromium; Playwright never downloads a browser here.
export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  reporter: [['list']],
  // The first-run spec creates the admin account on a fresh database: it runs before the
  // others, which sign in with it (whatever their file names sort as).
  projects: [
    { name: 'first-run', testMatch: /inventory\.spec\.ts/ },
    { name: 'signed-in', testIgnore: /inventory\.spec\.ts/, dependencies: ['first-run'] },
  ],
  use: {
    baseURL: process.env.BASE_URL ?? 'http://127.0.0.1:3000',
    trace: 'off',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});
