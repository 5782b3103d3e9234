import { defineConfig } from '@playwright/test';

/**
 * Browser end-to-end tests against a running platform. system-tests' PortalBrowserIntegrationTests
 * starts the platform with the launcher, creates the users and writes their names into the file
 * EDP_E2E_ENV, then runs `npx playwright test` here. Debian's Chromium, never a downloaded browser.
 */
const output = process.env.EDP_E2E_OUTPUT ?? 'test-results';

export default defineConfig({
  testDir: './e2e',
  outputDir: `${output}/artifacts`,
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [['list'], ['json', { outputFile: `${output}/results.json` }]],
  use: {
    baseURL: process.env.EDP_E2E_BASE_URL,
    headless: true,
    viewport: { width: 1440, height: 900 },
    actionTimeout: 30_000,
    navigationTimeout: 60_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.EDP_CHROMIUM ?? '/usr/bin/chromium',
      // Without the background-networking flags Chromium keeps calling home, which a closed network punishes.
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
    },
  },
});
